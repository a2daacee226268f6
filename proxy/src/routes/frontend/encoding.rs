//! Which of an asset's stored forms to send, read from `Accept-Encoding` (RFC 9110 §12.5.3):
//! q-values honoured, `*` standing for every coding not named, `identity` acceptable unless
//! refused by name or by `*;q=0`. The assets are compressed once, at build time
//! (scripts/build-frontend.sh writes `.br` and `.gz` beside each file).

/// A stored form of an asset, in the order preferred when a client likes several equally
/// (smallest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value (none for identity).
    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }

    /// The suffix of the stored file (`app.wasm.br`).
    pub fn suffix(self) -> &'static str {
        match self {
            Coding::Brotli => ".br",
            Coding::Gzip => ".gz",
            Coding::Identity => "",
        }
    }

    fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => "identity",
        }
    }
}

/// A header longer than this is not a browser's: read no further than its start.
const MAX_HEADER_BYTES: usize = 1024;
/// Weights are read in thousandths, as the RFC writes them (at most three decimals).
const FULL_WEIGHT: u16 = 1000;

/// The best of `available` (which includes [`Coding::Identity`] when the raw file exists)
/// for a request whose `Accept-Encoding` is `header` (`None` when absent: anything goes,
/// and identity is sent). `None` when every available form is refused.
pub fn choose(header: Option<&str>, available: &[Coding]) -> Option<Coding> {
    let Some(header) = header else {
        return available.iter().copied().find(|c| *c == Coding::Identity);
    };
    let header = header.get(..MAX_HEADER_BYTES).unwrap_or(header);
    let mut best: Option<(u16, Coding)> = None;
    for &coding in available {
        let weight = weight_of(header, coding);
        if weight == 0 {
            continue;
        }
        // Ties keep the earlier (smaller) form: `available` is in preference order.
        if best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, coding));
        }
    }
    best.map(|(_, coding)| coding)
}

/// The weight `header` gives `coding`: its own entry, else `*`'s, else 0 — except identity,
/// which is acceptable (at the lowest weight) unless something refuses it.
fn weight_of(header: &str, coding: Coding) -> u16 {
    let mut named = None;
    let mut star = None;
    for (token, weight) in entries(header) {
        if token.eq_ignore_ascii_case(coding.token())
            || (coding == Coding::Gzip && token.eq_ignore_ascii_case("x-gzip"))
        {
            named = Some(named.map_or(weight, |w: u16| w.max(weight)));
        } else if token == "*" {
            star = Some(weight);
        }
    }
    match (named, star, coding) {
        (Some(weight), _, _) | (None, Some(weight), _) => weight,
        (None, None, Coding::Identity) => 1,
        (None, None, _) => 0,
    }
}

/// `(coding, weight)` of each comma-separated entry; an entry whose weight does not parse
/// counts as refused (q=0), so a garbled header never widens what is sent.
fn entries(header: &str) -> impl Iterator<Item = (&str, u16)> {
    header.split(',').filter_map(|entry| {
        let mut parts = entry.split(';');
        let token = parts.next()?.trim();
        if token.is_empty() {
            return None;
        }
        let mut weight = FULL_WEIGHT;
        for parameter in parts {
            let Some((name, value)) = parameter.split_once('=') else {
                continue;
            };
            if name.trim().eq_ignore_ascii_case("q") {
                weight = parse_q(value.trim()).unwrap_or(0);
            }
        }
        Some((token, weight))
    })
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
fn parse_q(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(FULL_WEIGHT),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Coding::{Brotli, Gzip, Identity};

    const ALL: &[Coding] = &[Brotli, Gzip, Identity];

    #[test]
    fn picks_by_q_values() {
        let cases: &[(Option<&str>, &[Coding], Option<Coding>)] = &[
            (None, ALL, Some(Identity)),
            (Some(""), ALL, Some(Identity)),
            (Some("gzip, deflate, br, zstd"), ALL, Some(Brotli)),
            (Some("gzip"), ALL, Some(Gzip)),
            (Some("x-gzip"), ALL, Some(Gzip)),
            (Some("GZIP;Q=1.0"), ALL, Some(Gzip)),
            (Some("br;q=0.5, gzip;q=0.8"), ALL, Some(Gzip)),
            (Some("br;q=0, gzip"), ALL, Some(Gzip)),
            (Some("br;q=0, gzip;q=0"), ALL, Some(Identity)),
            (Some("*"), ALL, Some(Brotli)),
            (Some("*;q=0.5, br;q=0.1"), ALL, Some(Gzip)),
            (Some("identity;q=0.9, gzip;q=0.5"), ALL, Some(Identity)),
            (Some("br, identity;q=0"), &[Gzip, Identity], None),
            (Some("*;q=0"), ALL, None),
            (Some("*;q=0, identity"), ALL, Some(Identity)),
            (Some("br"), &[Gzip, Identity], Some(Identity)),
            (Some("deflate"), ALL, Some(Identity)),
            // Weights the RFC does not allow refuse rather than widen.
            (Some("br;q=2, gzip"), ALL, Some(Gzip)),
            (Some("br;q=0.0001, gzip;q=0.001"), ALL, Some(Gzip)),
            (Some("br;q=abc"), &[Brotli, Identity], Some(Identity)),
            (Some(" br ; q=0.900 ,gzip;q=0.9"), ALL, Some(Brotli)),
        ];
        for (header, available, want) in cases {
            assert_eq!(
                choose(*header, available),
                *want,
                "{header:?} of {available:?}"
            );
        }
    }

    #[test]
    fn reads_only_the_start_of_a_huge_header() {
        let header = format!("{}, br", "x".repeat(MAX_HEADER_BYTES * 4));
        assert_eq!(choose(Some(&header), ALL), Some(Identity));
    }

    #[test]
    fn q_values_parse_as_the_rfc_writes_them() {
        for (text, want) in [
            ("1", Some(1000)),
            ("1.000", Some(1000)),
            ("1.001", None),
            ("0", Some(0)),
            ("0.5", Some(500)),
            ("0.05", Some(50)),
            ("0.125", Some(125)),
            (".5", None),
            ("0.1234", None),
            ("-0", None),
        ] {
            assert_eq!(parse_q(text), want, "{text}");
        }
    }
}
