//! Redaction: the one place that decides what a person may see of a URL, a header or a
//! message before it reaches a trace, a page (an [`ApiError`]) or a log.
//!
//! Registries hand out *signed URLs*: a blob redirect to S3, GCS, Azure, CloudFront, Akamai or
//! Docker Hub's Cloudflare carries a signature (and sometimes a session token) in its query,
//! and whoever holds the URL can fetch the private blob until it expires. Names are kept
//! (`X-Amz-Signature=<redacted>` teaches what a presigned URL is); values are not.
//!
//! Hand-written rather than a crate: no maintained crate knows these parameter families, and
//! the input is free text as often as a URL (error messages, `Location` values that fail to
//! parse, header values that are not UTF-8), so the work is done on text, never by parsing
//! and re-serialising a URL. Percent-encoded names and separators (`X%2DAmz%2DSignature`,
//! a signed URL nested in another URL's query as `%3F…%3D…%26`) are read through up to
//! [`MAX_ESCAPE_DEPTH`] levels of `%25`. Over-redaction is accepted (a `next_token` page
//! cursor is hidden too): a hidden cursor costs nothing, a shown signature is a leak.
//!
//! Three rules, in one pass over the text: a value after a secret name ([`is_secret_name`]:
//! `X-Amz-Signature=`, `sig=`, `sign=`, `auth_key=` …), URL userinfo, and tokens with no
//! name in front of them (an OCI pre-authenticated path, a JWT, random base64; see
//! `tokens`, which also says why digests stay visible). The process log goes through the
//! same function line by line ([`log`]), so no log line can be the one that forgot.
//!
//! [`ApiError`]: lading_shared::api::ApiError

pub mod log;
mod names;
mod tokens;

use std::fmt::Display;

use lading_shared::api::{Header, RegistryError};
use reqwest::header::HeaderMap;
use serde_json::Value;
use url::Url;

pub use names::is_secret_name;

/// What replaces a secret value.
pub const REDACTED: &str = "<redacted>";
/// `%25` levels read through: `%3D` is `=`, `%253D` is `=` escaped twice (a signed URL in a
/// redirect parameter of another URL), deeper nesting is not seen in the wild.
pub const MAX_ESCAPE_DEPTH: usize = 3;

/// A URL as it may be shown: userinfo and secret parameter values replaced, the rest exact.
pub fn url(url: &Url) -> String {
    text(url.as_str())
}

/// An error as a log line or a page may show it: its text through [`text`].
pub fn error(error: &impl Display) -> String {
    text(&error.to_string())
}

/// Free text (an error message, a header value, a URL that failed to parse) with every
/// secret `name=value` value, every URL userinfo and every bare token replaced by
/// [`REDACTED`].
pub fn text(input: &str) -> String {
    let units = units(input.as_bytes());
    let mut out = String::with_capacity(input.len());
    let mut copied = 0; // raw offset copied to `out` so far
    let mut k = 0;
    while k < units.len() {
        let span = match units[k].byte {
            b'=' if name_before(&units, k).is_some_and(|n| is_secret_name(&n)) => {
                value_after(&units, k)
            }
            b':' if is_scheme_slashes(&units, k) => userinfo_after(&units, k + 3),
            _ => tokens::token_at(&units, k),
        };
        match span {
            Some((first, end)) => {
                out.push_str(&input[copied..units[first].start]);
                out.push_str(REDACTED);
                copied = units[end - 1].end();
                k = end;
            }
            None => k += 1,
        }
    }
    out.push_str(&input[copied..]);
    out
}

/// A body a registry, proxy or firewall sent with an error, as a page or an export may show
/// it: JSON members with secret names lose their values whole (a debug page may echo
/// `{"password": …}` or `{"token": …}`), an echoed `Authorization: Basic …` or `Bearer …`
/// loses its credential, and the rest goes through [`text`].
pub fn body(input: &str) -> String {
    if let Ok(value) = serde_json::from_str::<Value>(input) {
        return serde_json::to_string(&json(value)).unwrap_or_else(|_| REDACTED.into());
    }
    text(&auth_schemes(input))
}

/// `Basic X` and `Bearer X` in free text with `X` replaced (too short or too regular for
/// [`tokens::token_at`] to be sure of: `YWxpY2U6aHVudGVyMg==` is a password).
fn auth_schemes(input: &str) -> String {
    let lower = input.to_ascii_lowercase();
    let mut out = String::with_capacity(input.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some((at, scheme)) = ["basic ", "bearer "]
        .iter()
        .filter_map(|s| lower[from..].find(s).map(|i| (from + i, s.len())))
        .min()
    {
        let value_start = at + scheme;
        let value_len = input[value_start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '<' | '>'))
            .unwrap_or(input.len() - value_start);
        // A word boundary before the scheme: "xbasic " is not an auth header.
        let boundary = at == 0 || !input.as_bytes()[at - 1].is_ascii_alphanumeric();
        if boundary && value_len >= 4 {
            out.push_str(&input[copied..value_start]);
            out.push_str(REDACTED);
            copied = value_start + value_len;
        }
        // Past the value (or past one whole character, when it was empty).
        from = value_start
            + match value_len {
                0 => input[value_start..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8),
                n => n,
            };
        if from >= input.len() {
            break;
        }
    }
    out.push_str(&input[copied..]);
    out
}

/// Header values as they may be shown: secret headers (`Authorization`, `Cookie`,
/// `Set-Cookie`, `X-Amz-Security-Token`, …) replaced whole, keeping the scheme word; every
/// other value through [`text`], so URLs in `Location`, `Content-Location`, `Link` or
/// `Refresh` lose their signatures whatever the header is called. Values that are not
/// UTF-8 are read lossily first, so invalid bytes cannot shield a secret.
pub fn headers(headers: &HeaderMap) -> Vec<Header> {
    headers
        .iter()
        .map(|(name, value)| {
            let raw = String::from_utf8_lossy(value.as_bytes());
            let value = if is_secret_name(name.as_str()) {
                whole_value(&raw)
            } else {
                text(&raw)
            };
            Header {
                name: name.as_str().to_string(),
                value,
            }
        })
        .collect()
}

/// A registry's own error entries (`message`, `detail`), shown on the page: a registry may
/// quote the signed URL it failed to serve. `detail` is any JSON: strings are redacted as
/// text, and members with secret names lose their values whole.
pub fn registry_errors(errors: Vec<RegistryError>) -> Vec<RegistryError> {
    errors
        .into_iter()
        .map(|e| RegistryError {
            message: text(&e.message),
            detail: e.detail.map(json),
            ..e
        })
        .collect()
}

fn json(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(text(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(json).collect()),
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(k, v)| {
                    let v = if is_secret_name(&k) {
                        Value::String(REDACTED.into())
                    } else {
                        json(v)
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// A secret header value replaced whole. Keeps the scheme word (`Bearer`, `Basic`) so readers
/// see which auth was used, and the length so they can tell an empty value from a real one.
pub fn whole_value(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, secret)) if !scheme.contains('=') => {
            format!("{scheme} <redacted, {} chars>", secret.len())
        }
        _ => format!("<redacted, {} chars>", value.len()),
    }
}

/// One byte of the text as read (`=`), and where its raw spelling (`=`, `%3D`, `%253D`)
/// starts and how long it is.
#[derive(Debug, Clone, Copy)]
struct Unit {
    byte: u8,
    start: usize,
    len: usize,
}

impl Unit {
    fn end(self) -> usize {
        self.start + self.len
    }
}

/// The text as units, percent escapes decoded up to [`MAX_ESCAPE_DEPTH`] levels. A unit always
/// starts and ends on a char boundary (escapes are ASCII; other bytes are single units and
/// never start or end a redacted span, see [`is_end`]).
fn units(raw: &[u8]) -> Vec<Unit> {
    let hex = |at: usize| -> Option<u8> {
        let digits = raw.get(at..at + 2)?;
        u8::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let mut units = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let (mut byte, mut len) = (raw[i], 1);
        if byte == b'%'
            && let Some(decoded) = hex(i + 1)
        {
            (byte, len) = (decoded, 3);
            for _ in 1..MAX_ESCAPE_DEPTH {
                match hex(i + len) {
                    Some(decoded) if byte == b'%' => (byte, len) = (decoded, len + 2),
                    _ => break,
                }
            }
        }
        units.push(Unit {
            byte,
            start: i,
            len,
        });
        i += len;
    }
    units
}

/// Characters of a parameter name.
fn is_name(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.')
}

/// Where a value ends: the next parameter, a fragment, whitespace, quotes, angle brackets
/// (a `Link` target), control characters. Not `;` `,` `/` `~` `=` `+`: they occur inside
/// real signatures, policies and Akamai tokens, and stopping early would show the rest.
fn is_end(byte: u8) -> bool {
    matches!(byte, b'&' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`')
        || byte.is_ascii_whitespace()
        || byte.is_ascii_control()
}

/// The name written just before the `=` at `k` (`X-Amz-Signature` in `?X-Amz-Signature=`).
fn name_before(units: &[Unit], k: usize) -> Option<String> {
    let start = units[..k]
        .iter()
        .rposition(|u| !is_name(u.byte))
        .map_or(0, |p| p + 1);
    (start < k).then(|| units[start..k].iter().map(|u| u.byte as char).collect())
}

/// The value after the `=` at `k`, as a unit span `first..end`; inside quotes when quoted
/// (`token="…"`). `None` when empty.
fn value_after(units: &[Unit], k: usize) -> Option<(usize, usize)> {
    let mut first = k + 1;
    let quote = units
        .get(first)
        .map(|u| u.byte)
        .filter(|b| matches!(b, b'"' | b'\''));
    if quote.is_some() {
        first += 1;
    }
    let end = (first..units.len())
        .find(|&i| match quote {
            Some(q) => units[i].byte == q,
            None => is_end(units[i].byte),
        })
        .unwrap_or(units.len());
    (end > first).then_some((first, end))
}

/// Whether `://` starts at `k`.
fn is_scheme_slashes(units: &[Unit], k: usize) -> bool {
    units.get(k + 1).is_some_and(|u| u.byte == b'/')
        && units.get(k + 2).is_some_and(|u| u.byte == b'/')
}

/// The userinfo of an authority starting at unit `first` (`user:pass` in
/// `https://user:pass@host/`): everything up to the last `@` before the path, query or
/// fragment. `None` without userinfo.
fn userinfo_after(units: &[Unit], first: usize) -> Option<(usize, usize)> {
    let authority_end = (first..units.len())
        .find(|&i| matches!(units[i].byte, b'/' | b'?' | b'#' | b'\\') || is_end(units[i].byte))
        .unwrap_or(units.len());
    let at = (first..authority_end)
        .rev()
        .find(|&i| units[i].byte == b'@')?;
    (at > first).then_some((first, at))
}

#[cfg(test)]
mod tests;
