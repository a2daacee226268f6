//! A URL's query as name/value pairs, percent-decoded (the trace's scopes and page sizes,
//! HAR's `queryString`). Hand-written: the only URL reading `shared` needs, and it keeps
//! its dependencies few for wasm.

/// Every `name=value` pair of `url`'s query in order; a bare `name` has an empty value.
pub(crate) fn query_pairs(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// `%XX` decoded (and `+` as a space in a form-encoded query, never in a purl, where it is
/// literal); invalid escapes kept as written; invalid UTF-8 replaced.
pub(crate) fn percent_decode_with(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_decode(text: &str) -> String {
    percent_decode_with(text, true)
}

/// Every value of `key` in `url`'s query, in order.
pub(crate) fn query_values(url: &str, key: &str) -> Vec<String> {
    query_pairs(url)
        .into_iter()
        .filter(|(name, _)| name == key)
        .map(|(_, value)| value)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_decoded_pairs() {
        let table: [(&str, &[(&str, &str)]); 6] = [
            ("https://r/v2/", &[]),
            ("https://r/v2/x/tags/list?n=2", &[("n", "2")]),
            (
                "https://auth/token?scope=repository%3Alib%2Fa%3Apull&service=reg+x",
                &[("scope", "repository:lib/a:pull"), ("service", "reg x")],
            ),
            (
                "https://r/?a&b=&c=1#frag",
                &[("a", ""), ("b", ""), ("c", "1")],
            ),
            ("https://r/?bad=%zz%4", &[("bad", "%zz%4")]),
            ("https://r/?u=%E2%9C%93", &[("u", "✓")]),
        ];
        for (url, want) in table {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            assert_eq!(query_pairs(url), want, "{url}");
        }
    }
}
