//! The `Link` header (RFC 8288 §3): `<target>; rel="next", <other>; rel=prev`.
//!
//! Hand-written: the need is one question (which target has `rel` "next"?) over a small
//! grammar, and splitting on `,` first, as this code once did, breaks on a target that holds
//! a comma (`<…/tags/list?last=a,b>`), which the RFC allows. So the target is read to its
//! `>` before any comma counts, and commas or semicolons inside quoted parameter values do
//! not end anything either. A malformed element is skipped, not fatal: the next one may be
//! the link that matters.

/// One link: its target as written and its relation types, lowercased.
#[derive(Debug, PartialEq, Eq)]
pub struct Link<'a> {
    pub target: &'a str,
    pub rels: Vec<String>,
}

/// Every well-formed link of one `Link` header value, in order.
pub fn parse(value: &str) -> Vec<Link<'_>> {
    let mut links = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            return links;
        }
        let Some(after) = rest.strip_prefix('<') else {
            // Not a link element: skip to the next one.
            rest = split_unquoted(rest, ',').1;
            continue;
        };
        let Some(end) = after.find('>') else {
            return links;
        };
        let (params, next) = split_unquoted(&after[end + 1..], ',');
        links.push(Link {
            target: after[..end].trim(),
            rels: rels(params),
        });
        rest = next;
    }
}

/// The target of the first link whose relation types include `rel` (lowercase).
pub fn target_of<'a>(value: &'a str, rel: &str) -> Option<&'a str> {
    parse(value)
        .into_iter()
        .find(|link| link.rels.iter().any(|r| r == rel))
        .map(|link| link.target)
}

/// The `rel` parameter's space-separated types (`rel="next last"`), lowercased.
fn rels(params: &str) -> Vec<String> {
    let mut rest = params;
    let mut found = Vec::new();
    while !rest.is_empty() {
        let (param, next) = split_unquoted(rest, ';');
        rest = next;
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("rel") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            found.extend(value.split_whitespace().map(str::to_ascii_lowercase));
        }
    }
    found
}

/// `text` up to the first `separator` outside a quoted string, and the text after it.
fn split_unquoted(text: &str, separator: char) -> (&str, &str) {
    let (mut quoted, mut escaped) = (false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => return (&text[..i], &text[i + 1..]),
            _ => {}
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_as_rfc_8288_writes_them() {
        let cases: [(&str, Option<&str>); 14] = [
            (
                r#"</v2/a/tags/list?n=2&last=b>; rel="next""#,
                Some("/v2/a/tags/list?n=2&last=b"),
            ),
            (
                "<https://r.example/x>; rel=next",
                Some("https://r.example/x"),
            ),
            (r#"</v2/a/tags/list?last=z>; rel="prev""#, None),
            // A comma (and a semicolon) inside the target is part of it.
            (
                r#"</v2/a/tags/list?last=a,b>; rel="next""#,
                Some("/v2/a/tags/list?last=a,b"),
            ),
            (r#"</x;y,z>; rel=next"#, Some("/x;y,z")),
            // Several links: the one with rel next, wherever it stands.
            (r#"</p>; rel="prev", </n>; rel="next""#, Some("/n")),
            (r#"</p>; rel="prev",</n>;rel=next"#, Some("/n")),
            // A list of relation types, any case, other parameters around it.
            (r#"</n>; title="a, b; c"; REL="Last Next""#, Some("/n")),
            (r#"</n>; Rel = "next" ; type="text/plain""#, Some("/n")),
            // A quoted comma does not start a new link.
            (r#"</p>; title="x, </q>; rel=next"; rel=prev"#, None),
            // Junk before a good link is skipped.
            (r#"junk; rel=next, </n>; rel=next"#, Some("/n")),
            ("</unterminated; rel=next", None),
            (r#"</n>; rel="nextpage""#, None),
            ("", None),
        ];
        for (value, want) in cases {
            assert_eq!(target_of(value, "next"), want, "{value}");
        }
    }

    #[test]
    fn links_keep_their_order_and_all_their_types() {
        let links = parse(r#"<a>; rel="first prev", <b,c>; rel=next"#);
        assert_eq!(
            links,
            [
                Link {
                    target: "a",
                    rels: vec!["first".into(), "prev".into()]
                },
                Link {
                    target: "b,c",
                    rels: vec!["next".into()]
                },
            ]
        );
    }
}
