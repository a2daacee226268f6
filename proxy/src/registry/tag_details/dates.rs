//! Every date a registry gives, as one shape: RFC 3339, UTC, whole seconds
//! (`2024-03-20T20:11:07Z`), so the page can sort them as text and show them alike.
//!
//! Sources write them three ways: RFC 3339 with fractions (Docker Hub's
//! `2024-03-20T20:11:07.183053Z`, Harbor's `2024-03-20T20:11:07.183Z`), RFC 2822 (Quay's
//! `Wed, 20 Mar 2024 20:11:07 -0000`) and epoch milliseconds as a string (gcr.io's
//! `timeCreatedMs`). Unreadable dates are dropped, not guessed.

use chrono::{DateTime, SecondsFormat, Utc};

/// Any of the shapes above, or `None`.
pub fn normalise(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return from_millis(text);
    }
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc2822(text))
        .ok()
        .map(|date| format(date.with_timezone(&Utc)))
}

/// Epoch milliseconds written as a decimal string (gcr.io). `0` is gcr.io's "unknown".
pub fn from_millis(text: &str) -> Option<String> {
    let millis: i64 = text.trim().parse().ok()?;
    if millis <= 0 {
        return None;
    }
    DateTime::<Utc>::from_timestamp_millis(millis).map(format)
}

fn format(date: DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_shape_becomes_rfc_3339_utc_seconds() {
        let cases = [
            ("2024-03-20T20:11:07.183053Z", Some("2024-03-20T20:11:07Z")),
            ("2024-03-20T20:08:27Z", Some("2024-03-20T20:08:27Z")),
            ("2024-03-20T22:11:07.5+02:00", Some("2024-03-20T20:11:07Z")),
            (
                "Wed, 20 Mar 2024 20:11:07 -0000",
                Some("2024-03-20T20:11:07Z"),
            ),
            (
                "Wed, 20 Mar 2024 21:11:07 +0100",
                Some("2024-03-20T20:11:07Z"),
            ),
            ("1710965467183", Some("2024-03-20T20:11:07Z")),
            ("0", None),
            ("", None),
            ("yesterday", None),
            ("99999999999999999999999", None),
        ];
        for (input, want) in cases {
            assert_eq!(normalise(input).as_deref(), want, "{input:?}");
        }
    }
}
