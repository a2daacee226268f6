//! Plain formatting helpers: sizes, durations, timestamps, links and trace summaries.
//! Pure functions, tested natively, so views stay declarative.

use lading_shared::MediaType;
use lading_shared::api::Exchange;
use lading_shared::media_type::Compression;

/// Bytes in IEC units (KiB, MiB, …): registries count in bytes, and binary units are what
/// layer sizes on disk are usually quoted in. Integer arithmetic only: float formatting
/// costs ~10 KB of wasm.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut unit = 0;
    let mut scale: u128 = 1;
    while unit < UNITS.len() - 1 && u128::from(bytes) >= scale * 1024 {
        scale *= 1024;
        unit += 1;
    }
    if unit == 0 {
        return format!("{bytes} B");
    }
    // Tenths, rounded half up; a value that rounds to 1024 moves up a unit.
    let mut tenths = (u128::from(bytes) * 10 + scale / 2) / scale;
    if tenths >= 10_235 && unit < UNITS.len() - 1 {
        scale *= 1024;
        unit += 1;
        tenths = (u128::from(bytes) * 10 + scale / 2) / scale;
    }
    if tenths >= 1000 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

/// A count with thousands separators: "10,000".
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A request duration: "87 ms", "1.24 s", "2 min 5 s".
pub fn human_duration_ms(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{}.{:02} s", ms / 1000, (ms % 1000) / 10),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

/// A wait, as `Retry-After` gives it: "1 second", "45 seconds", "3 minutes", "2 hours".
pub fn human_wait(seconds: u64) -> String {
    let (n, unit) = match seconds {
        0..=119 => (seconds, "second"),
        120..=7_199 => (seconds.div_ceil(60), "minute"),
        _ => (seconds.div_ceil(3600), "hour"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// `2019-01-30T22:19:52.734339034Z` → `2019-01-30 22:19:52 UTC`. Anything that is not an
/// RFC 3339 timestamp is shown as the registry wrote it.
pub fn format_created(timestamp: &str) -> String {
    let t = timestamp.trim();
    let bytes = t.as_bytes();
    let shaped = bytes.len() >= 19
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b't' | b' ')
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !shaped || !t.is_char_boundary(19) {
        return t.to_string();
    }
    let (date, time) = (&t[..10], &t[11..19]);
    let zone = t[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    match zone {
        "Z" | "z" | "+00:00" | "" => format!("{date} {time} UTC"),
        offset => format!("{date} {time} {offset}"),
    }
}

/// `text` shortened in the middle to at most `max` characters (`max` ≥ 3), keeping its
/// start and end (a name's extension, a path's file); `None` when it already fits.
pub fn shorten_middle(text: &str, max: usize) -> Option<String> {
    let count = text.chars().count();
    if count <= max || max < 3 {
        return None;
    }
    let keep = max - 1;
    let (head, tail) = (keep.div_ceil(2), keep / 2);
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    Some(format!("{start}…{end}"))
}

/// An exec-form command as a Dockerfile would spell it: `["nginx","-g","daemon off;"]`.
pub fn exec_form(args: &[String]) -> String {
    serde_json::to_string(args).unwrap_or_default()
}

/// A short name for a media type: "tar+gzip" for layers, `describe()` for the known kinds,
/// the type itself otherwise.
pub fn media_type_label(media_type: &MediaType) -> String {
    match media_type.compression() {
        Some(Compression::None) => return "tar".to_string(),
        Some(Compression::Gzip) => return "tar+gzip".to_string(),
        Some(Compression::Zstd) => return "tar+zstd".to_string(),
        None => {}
    }
    match media_type.describe() {
        "other" if media_type.as_str().is_empty() => "unspecified".to_string(),
        "other" => media_type.to_string(),
        name => name.to_string(),
    }
}

/// `https://host:port/v2/a/b?x` → (`https://host:port`, `/v2/a/b?x`), so a table can mute
/// the origin and let the protocol path stand out.
pub fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url.split_at(after_scheme + i),
        None => (url, ""),
    }
}

/// The CSS class for an HTTP status: success, redirect, client error, failure.
pub fn status_class(status: Option<u16>) -> &'static str {
    match status {
        Some(200..=299) => "status status-ok",
        Some(300..=399) => "status status-redirect",
        Some(400..=499) => "status status-client",
        _ => "status status-fail",
    }
}

/// One line about a trace: "5 requests · 1 token exchange · 132 ms".
pub fn trace_summary(trace: &[Exchange]) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![plural(trace.len(), "request", "requests")];
    let tokens = trace.iter().filter(|e| e.purpose.is_token()).count();
    if tokens > 0 {
        parts.push(plural(tokens, "token exchange", "token exchanges"));
    }
    let total: u64 = trace.iter().map(|e| e.duration_ms).sum();
    parts.push(human_duration_ms(total));
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        let cases = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (2_813_000, "2.7 MiB"),
            (150 * 1024 * 1024, "150 MiB"),
            (3 * 1024 * 1024 * 1024, "3.0 GiB"),
            (1024 * 1024 - 1, "1.0 MiB"),
            (1023 * 1024, "1023 KiB"),
            (u64::MAX, "16384 PiB"),
        ];
        for (bytes, want) in cases {
            assert_eq!(human_size(bytes), want, "{bytes} bytes");
        }
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(10_000), "10,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn durations_and_waits() {
        assert_eq!(human_duration_ms(87), "87 ms");
        assert_eq!(human_duration_ms(1240), "1.24 s");
        assert_eq!(human_duration_ms(125_000), "2 min 5 s");
        assert_eq!(human_wait(1), "1 second");
        assert_eq!(human_wait(45), "45 seconds");
        assert_eq!(human_wait(150), "3 minutes");
        assert_eq!(human_wait(7_200), "2 hours");
    }

    #[test]
    fn created_timestamps() {
        let cases = [
            ("2019-01-30T22:19:52.734339034Z", "2019-01-30 22:19:52 UTC"),
            ("2024-05-01T10:00:00+02:00", "2024-05-01 10:00:00 +02:00"),
            ("2024-05-01T10:00:00Z", "2024-05-01 10:00:00 UTC"),
            ("yesterday", "yesterday"),
            ("2024-05-01", "2024-05-01"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(format_created(input), want, "{input:?}");
        }
    }

    #[test]
    fn long_names_are_shortened_in_the_middle() {
        assert_eq!(shorten_middle("short.txt", 20), None);
        assert_eq!(
            shorten_middle("libreally-long-library-name.so.6", 15).as_deref(),
            Some("libreal…me.so.6")
        );
        let cut = shorten_middle("ééééééééééé", 5).expect("cut");
        assert_eq!(cut, "éé…éé", "characters, not bytes");
        assert_eq!(shorten_middle("abcdef", 2), None, "too small to cut");
    }

    #[test]
    fn media_type_labels() {
        let cases = [
            ("application/vnd.oci.image.layer.v1.tar+gzip", "tar+gzip"),
            (
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "tar+gzip",
            ),
            ("application/vnd.oci.image.layer.v1.tar+zstd", "tar+zstd"),
            ("application/vnd.oci.image.index.v1+json", "OCI image index"),
            (
                "application/vnd.example.thing",
                "application/vnd.example.thing",
            ),
            ("", "unspecified"),
        ];
        for (input, want) in cases {
            assert_eq!(
                media_type_label(&MediaType::parse(input)),
                want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn urls_split_at_the_path() {
        assert_eq!(
            split_url("https://r.example:5000/v2/a/manifests/1?x=y"),
            ("https://r.example:5000", "/v2/a/manifests/1?x=y")
        );
        assert_eq!(split_url("https://r.example"), ("https://r.example", ""));
        assert_eq!(split_url("not a url"), ("not a url", ""));
    }

    #[test]
    fn exec_form_quotes_like_a_dockerfile() {
        let args = ["nginx".to_string(), "-g".into(), "daemon off;".into()];
        assert_eq!(exec_form(&args), r#"["nginx","-g","daemon off;"]"#);
    }

    fn exchange(url: &str, status: Option<u16>, ms: u64, note: Option<&str>) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: url.into(),
            status,
            duration_ms: ms,
            request_headers: vec![],
            response_headers: vec![],
            purpose: Default::default(),
            note: note.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn summarises_a_trace() {
        let trace = [
            exchange("https://r.example/v2/", Some(401), 20, Some("ping")),
            Exchange {
                purpose: lading_shared::api::ExchangePurpose::Token,
                ..exchange("https://auth.example/token?scope=x", Some(200), 40, None)
            },
            exchange("https://r.example/v2/a/manifests/1", Some(200), 72, None),
        ];
        assert_eq!(
            trace_summary(&trace),
            "3 requests · 1 token exchange · 132 ms"
        );
        assert_eq!(trace_summary(&trace[2..]), "1 request · 72 ms");
        assert_eq!(trace_summary(&[]), "0 requests · 0 ms");
        assert_eq!(status_class(None), "status status-fail");
        assert_eq!(status_class(Some(307)), "status status-redirect");
    }
}
