//! Secrets with no name in front of them: tokens in a URL's path and bare credentials in
//! free text.
//!
//! - An Oracle Cloud pre-authenticated request carries its secret as a path segment:
//!   `https://objectstorage.REGION.oraclecloud.com/p/<TOKEN>/n/<ns>/b/<bucket>/o/<object>`.
//!   Whatever the token looks like, the segment between `/p/` and `/n/` is hidden.
//! - A JWT (`eyJ….eyJ….sig`: registry bearer tokens, Cloudflare Stream and GHCR path
//!   tokens) is a credential wherever it appears.
//! - Any other long run that reads as random base64 (mixed case *and* digits, changing
//!   character class often: CDN path tokens, cloud secret keys, `ghp_…` tokens).
//!
//! Digests stay visible on purpose: people learn from seeing `sha256:<64 hex>` and the
//! 64-hex segments of Docker Hub's CDN paths, and a digest is no secret. Hex is lower case
//! in digests (and upper case in request ids), never mixed, so the base64 rule cannot take
//! one; the same holds for repository names (lower case by the spec). What the rule does
//! hide besides secrets: request ids in base64 (`x-amz-id-2`, `x-guploader-uploadid`) and a
//! rare random-looking mixed-case tag. Accepted: hiding those costs little, a token missed
//! because it had no known name would be a leak.

use super::{Unit, is_end};

/// Shortest run the base64 rule judges: 22 characters, an MD5 in base64url (the shortest
/// path token in common use: nginx `secure_link`, CDN77, Gcore). Shorter runs are words.
pub const MIN_RANDOM_RUN: usize = 22;
/// At least 3 in 10 neighbouring characters change class (upper, lower, digit, symbol).
/// Random base64 changes about 6 times in 10; camel-case words and version strings 1–2.
const MIN_SWITCHES_PER_TEN: usize = 3;
/// Shortest JWT judged: three base64url parts of a few characters each and two dots.
const MIN_JWT: usize = 20;

/// The span to hide that starts at unit `k`, if a token starts there. Each maximal run is
/// judged once, at its first unit, so the scan stays linear whatever the input.
pub(super) fn token_at(units: &[Unit], k: usize) -> Option<(usize, usize)> {
    if let Some(span) = par_token(units, k) {
        return Some(span);
    }
    let before = k.checked_sub(1).map(|i| units[i].byte);
    if before.is_some_and(is_run) {
        return None;
    }
    // A JWT starts a dotted run, so `eyJ.eyJ.eyJ…` is scanned once, not once per part.
    let jwt = (before != Some(b'.')).then(|| jwt(units, k)).flatten();
    jwt.or_else(|| random_run(units, k))
}

/// Base64 and base64url characters, `=` excepted (it separates a name from a value).
fn is_run(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'+')
}

fn spells(units: &[Unit], at: usize, text: &[u8]) -> bool {
    units.get(at..at + text.len()).is_some_and(|span| {
        span.iter()
            .zip(text)
            .all(|(u, b)| u.byte.eq_ignore_ascii_case(b))
    })
}

/// The segment after `/p/` when `/n/` follows it (an OCI pre-authenticated request).
fn par_token(units: &[Unit], k: usize) -> Option<(usize, usize)> {
    if k < 3 || !spells(units, k - 3, b"/p/") {
        return None;
    }
    let end = (k..units.len())
        .find(|&i| matches!(units[i].byte, b'/' | b'?' | b'#') || is_end(units[i].byte))
        .unwrap_or(units.len());
    (end > k && spells(units, end, b"/n/")).then_some((k, end))
}

/// `eyJ…` followed by at least two dots within one run of base64url and dots.
fn jwt(units: &[Unit], k: usize) -> Option<(usize, usize)> {
    if !spells(units, k, b"eyJ") {
        return None;
    }
    let end = (k..units.len())
        .find(|&i| !(is_run(units[i].byte) || units[i].byte == b'.'))
        .unwrap_or(units.len());
    let dots = units[k..end].iter().filter(|u| u.byte == b'.').count();
    (dots >= 2 && end - k >= MIN_JWT).then_some((k, end))
}

/// A run that reads as random base64: long, upper and lower case and digits, and changing
/// character class often.
fn random_run(units: &[Unit], k: usize) -> Option<(usize, usize)> {
    let end = (k..units.len())
        .find(|&i| !is_run(units[i].byte))
        .unwrap_or(units.len());
    let run = &units[k..end];
    if run.len() < MIN_RANDOM_RUN {
        return None;
    }
    let class = |u: &Unit| match u.byte {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let has = |c| run.iter().any(|u| class(u) == c);
    let switches = run
        .windows(2)
        .filter(|w| class(&w[0]) != class(&w[1]))
        .count();
    let random =
        has(0) && has(1) && has(2) && switches * 10 >= (run.len() - 1) * MIN_SWITCHES_PER_TEN;
    random.then_some((k, end))
}

#[cfg(test)]
mod tests;
