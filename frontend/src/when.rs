//! Counts and times as the registry views show them: "1.2M" pulls, "3 days ago" (the exact
//! time on hover), "6 h" windows. Pure functions, tested natively; "now" is passed in, so
//! nothing here reads a clock.

/// A count, compact: 950, 1.2k, 34k, 1.2M, 5B. Truncated, not rounded ("1.29M" reads 1.2M),
/// so a count never reads higher than it is.
pub fn compact_count(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")];
    for (scale, unit) in UNITS {
        if n >= scale {
            let whole = n / scale;
            let tenth = (n % scale) / (scale / 10);
            return if whole >= 10 || tenth == 0 {
                format!("{whole}{unit}")
            } else {
                format!("{whole}.{tenth}{unit}")
            };
        }
    }
    n.to_string()
}

/// A limit's window: `21600` → "6 h", `60` → "1 min", `86400` → "24 h", `90` → "90 s".
pub fn window(seconds: u64) -> String {
    match seconds {
        s if s >= 3600 && s.is_multiple_of(3600) => format!("{} h", s / 3600),
        s if s >= 60 && s.is_multiple_of(60) => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// Milliseconds since 1970 of an RFC 3339 timestamp (`2024-03-20T20:11:07.183053Z`,
/// `…+02:00`); `None` for anything else.
pub fn epoch_ms(timestamp: &str) -> Option<i64> {
    let t = timestamp.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = t.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then_some(())?;
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let shaped = t.len() >= 20
        && t[4] == b'-'
        && t[7] == b'-'
        && matches!(t[10], b'T' | b't' | b' ')
        && t[13] == b':'
        && t[16] == b':';
    if !shaped {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if t.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while t.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        let digits = &t[start..at];
        for (i, d) in digits.iter().take(3).enumerate() {
            millis += i64::from(d - b'0') * [100, 10, 1][i];
        }
    }
    let offset_minutes = match t.get(at..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            digits.iter().all(u8::is_ascii_digit).then_some(())?;
            let v = |a: u8, b: u8| i64::from(a - b'0') * 10 + i64::from(b - b'0');
            let minutes = v(*h1, *h2) * 60 + v(*m1, *m2);
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// How long ago `then_ms` was at `now_ms`: "just now", "5 minutes ago", "3 days ago",
/// "2 years ago"; a time ahead of the clock reads "in the future".
pub fn relative(then_ms: i64, now_ms: i64) -> String {
    let seconds = (now_ms - then_ms) / 1000;
    if seconds < -60 {
        return "in the future".to_owned();
    }
    let (n, unit) = match seconds.max(0) {
        0..60 => return "just now".to_owned(),
        s @ 60..3600 => (s / 60, "minute"),
        s @ 3600..86_400 => (s / 3600, "hour"),
        s @ 86_400..2_592_000 => (s / 86_400, "day"),
        s @ 2_592_000..31_536_000 => (s / 2_592_000, "month"),
        s => (s / 31_536_000, "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// The browser's clock (the native tests pass their own "now").
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_compactly_and_never_high() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1_000, "1k"),
            (1_290, "1.2k"),
            (34_999, "34k"),
            (1_234_567, "1.2M"),
            (1_999_999, "1.9M"),
            (12_000_000_000, "12B"),
        ];
        for (n, want) in cases {
            assert_eq!(compact_count(n), want, "{n}");
        }
    }

    #[test]
    fn windows() {
        assert_eq!(window(21_600), "6 h");
        assert_eq!(window(60), "1 min");
        assert_eq!(window(90), "90 s");
    }

    #[test]
    fn timestamps_parse_with_fractions_and_offsets() {
        assert_eq!(epoch_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            epoch_ms("2024-03-20T20:11:07.183053Z"),
            Some(1_710_965_467_183)
        );
        assert_eq!(
            epoch_ms("2024-03-20T22:11:07+02:00"),
            epoch_ms("2024-03-20T20:11:07Z")
        );
        assert!(epoch_ms("2024-03-20T20:11:07.5Z") > epoch_ms("2024-03-20T20:11:07Z"));
        for bad in [
            "",
            "yesterday",
            "2024-13-01T00:00:00Z",
            "2024-03-20T20:11:07",
        ] {
            assert_eq!(epoch_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn relative_times() {
        let now = 10_000_000_000_000;
        let ago = |s: i64| relative(now - s * 1000, now);
        assert_eq!(ago(5), "just now");
        assert_eq!(ago(60), "1 minute ago");
        assert_eq!(ago(3 * 86_400), "3 days ago");
        assert_eq!(ago(400 * 86_400), "1 year ago");
        assert_eq!(ago(-3600), "in the future");
    }
}
