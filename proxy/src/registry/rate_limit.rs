//! Pull rate limits as registries report them, and what a view spent against them.
//!
//! Docker Hub puts `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600` and
//! `docker-ratelimit-source: <ip or account id>` on manifest answers, `HEAD` included, and
//! counts only a manifest `GET` as a pull. Others use the `x-ratelimit-*` spellings or the
//! IETF draft's several policies in one value (`100, 100;w=21600`). No such headers means
//! no limit was reported (a paid Docker plan, most registries).
//!
//! Everything here reads the exchanges the trace recorded (response headers redacted: these
//! values are numbers, an IP or an account id, which redaction leaves alone — a test pins it),
//! so a failed view reports the same as a successful one.

use lading_shared::api::{
    ErrorCode, Exchange, ExchangePurpose, Header, PullRateLimit, RegistryError,
};
use lading_shared::reference::{DOCKER_HUB, DOCKER_HUB_API_HOST};

/// Docker Hub's window when a 429 and the view's earlier answers named none: six hours.
pub const DOCKER_HUB_WINDOW_SECONDS: u64 = 6 * 3600;
/// The longest source text kept (an IPv6 address or an account id is far shorter).
const MAX_SOURCE_LEN: usize = 128;

/// The limit a set of response headers reports, if any. The limit itself is required;
/// remaining, window and source are kept when present.
pub fn from_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<PullRateLimit> {
    let (mut limit, mut remaining, mut window, mut source) = (None, None, None, None);
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let name = name.strip_prefix("x-").unwrap_or(&name);
        match name {
            "ratelimit-limit" => {
                limit = limit.or(first_number(value));
                window = window.or(window_of(value));
            }
            "ratelimit-remaining" => {
                remaining = remaining.or(first_number(value));
                window = window.or(window_of(value));
            }
            "ratelimit-policy" => window = window.or(window_of(value)),
            "docker-ratelimit-source" | "ratelimit-source" => {
                let value = value.trim();
                if !value.is_empty() && value.len() <= MAX_SOURCE_LEN {
                    source = Some(value.to_string());
                }
            }
            _ => {}
        }
    }
    Some(PullRateLimit {
        limit: limit?,
        remaining,
        window_seconds: window,
        source,
    })
}

/// [`from_headers`] over recorded headers.
pub fn from_recorded(headers: &[Header]) -> Option<PullRateLimit> {
    from_headers(headers.iter().map(|h| (h.name.as_str(), h.value.as_str())))
}

/// [`from_headers`] over a live answer's headers.
pub fn from_header_map(headers: &reqwest::header::HeaderMap) -> Option<PullRateLimit> {
    from_headers(
        headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
    )
}

/// The limit the most recent manifest answer of the view reported. A `HEAD` counts as a
/// source: it carries the same headers and costs no pull. `remaining` is the lowest any
/// answer under the same limit and source said: manifests fetched side by side are
/// recorded in the order they finished, not the order the registry counted them, and
/// within a view the count only goes down.
pub fn last_reported(exchanges: &[Exchange]) -> Option<PullRateLimit> {
    let reported: Vec<PullRateLimit> = exchanges
        .iter()
        .filter(|e| is_manifest(e.purpose))
        .filter_map(|e| from_recorded(&e.response_headers))
        .collect();
    let mut last = reported.last()?.clone();
    last.remaining = reported
        .iter()
        .filter(|r| r.limit == last.limit && r.source == last.source)
        .filter_map(|r| r.remaining)
        .min();
    Some(last)
}

/// Pulls the view spent, per host that counts pulls, summed. Docker Hub counts every
/// manifest `GET` it serves (paid plans too, even with no headers saying so); elsewhere only
/// a host that reported a limit in this view counts (one that reports none counts nothing
/// anyone could run out of). Failed `GET`s never count.
///
/// Where the registry said how many pulls remained before the first `GET` (the `HEAD`,
/// which costs none) and after, its own count is believed: whether an index `GET` is a
/// pull is not documented the same way everywhere, and the registry's `remaining` settles
/// it. The drop is capped at the `GET`s made, so other pulls from the same address during
/// the view are never charged to it.
pub fn pulls_spent(exchanges: &[Exchange]) -> u32 {
    let mut hosts: Vec<String> = exchanges
        .iter()
        .filter(|e| is_manifest(e.purpose))
        .filter_map(|e| host_of(&e.url))
        .collect();
    hosts.sort();
    hosts.dedup();
    let spent: u64 = hosts.iter().map(|h| spent_on(h, exchanges)).sum();
    u32::try_from(spent).unwrap_or(u32::MAX)
}

fn spent_on(host: &str, exchanges: &[Exchange]) -> u64 {
    let on_host: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| is_manifest(e.purpose) && host_of(&e.url).as_deref() == Some(host))
        .collect();
    let gets = on_host.iter().filter(|e| is_pull(e)).count() as u64;
    let reported = on_host
        .iter()
        .any(|e| from_recorded(&e.response_headers).is_some());
    if !reported {
        return if host == DOCKER_HUB_API_HOST { gets } else { 0 };
    }
    let first_get = on_host.iter().position(|e| is_pull(e));
    let before = on_host[..first_get.unwrap_or(on_host.len())]
        .iter()
        .filter(|e| e.method.eq_ignore_ascii_case("HEAD"))
        .find_map(|e| from_recorded(&e.response_headers)?.remaining);
    let after = on_host
        .iter()
        .filter(|e| is_pull(e))
        .filter_map(|e| from_recorded(&e.response_headers)?.remaining)
        .min();
    match (before, after) {
        (Some(before), Some(after)) => before.saturating_sub(after).min(gets),
        _ => gets,
    }
}

/// A manifest `GET` the registry served: what it may count as a pull.
fn is_pull(e: &Exchange) -> bool {
    e.method.eq_ignore_ascii_case("GET") && e.status.is_some_and(|s| (200..300).contains(&s))
}

fn is_manifest(purpose: ExchangePurpose) -> bool {
    matches!(
        purpose,
        ExchangePurpose::ManifestHead | ExchangePurpose::ManifestGet | ExchangePurpose::ErrorBody
    )
}

fn host_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    Some(url.host_str()?.to_ascii_lowercase())
}

/// The number that opens a value: `100` of `100;w=21600` or of `100, 100;w=21600`.
fn first_number(value: &str) -> Option<u64> {
    let first = value.split([',', ';']).next()?.trim();
    first.parse().ok()
}

/// The first `w=` parameter anywhere in a value (the window in seconds).
fn window_of(value: &str) -> Option<u64> {
    value
        .split([',', ';'])
        .filter_map(|part| part.trim().split_once('='))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("w"))
        .and_then(|(_, seconds)| seconds.trim().trim_matches('"').parse().ok())
}

/// A window said the way people say it: "6 hours", "1 hour", "90 minutes", "45 seconds".
pub fn describe_window(seconds: u64) -> String {
    let plural = |n: u64, unit: &str| match n {
        1 => format!("1 {unit}"),
        n => format!("{n} {unit}s"),
    };
    if seconds >= 3600 && seconds.is_multiple_of(3600) {
        plural(seconds / 3600, "hour")
    } else if seconds >= 60 && seconds.is_multiple_of(60) {
        plural(seconds / 60, "minute")
    } else {
        plural(seconds, "second")
    }
}

/// What a person reads when a registry refuses for too many requests: when to try again,
/// how to raise the limit, and (Docker Hub) what a view costs. `limit` is the one the 429
/// carried or, failing that, the last one the view saw.
pub fn explain_too_many(
    registry: &str,
    retry_after: Option<u64>,
    errors: &[RegistryError],
    limit: Option<&PullRateLimit>,
) -> String {
    let hub = registry == DOCKER_HUB;
    let own = errors
        .iter()
        .find(|e| e.code == ErrorCode::TooManyRequests)
        .or(errors.first())
        .map(|e| e.message.trim())
        .filter(|m| !m.is_empty());
    let mut text = match own {
        Some(own) => format!("{registry} is rate-limiting requests: \u{201c}{own}\u{201d}"),
        None => format!("{registry} is rate-limiting requests"),
    };
    if let Some(limit) = limit {
        text.push_str(&format!("; its limit is {}", describe_limit(limit)));
    }
    let window = limit.and_then(|l| l.window_seconds);
    let window = window.or(hub.then_some(DOCKER_HUB_WINDOW_SECONDS));
    text.push_str(&match (retry_after, window) {
        (Some(seconds), _) => format!(". Try again in {seconds} s (the registry's Retry-After)"),
        (None, Some(window)) if hub => format!(
            ". Docker Hub counts pulls over {}: try again once older pulls have left that window, not in a minute",
            describe_window(window)
        ),
        (None, Some(window)) => format!(
            ". It counts over {}: try again once older requests have left that window",
            describe_window(window)
        ),
        (None, None) => ". The registry did not say when to try again".to_string(),
    });
    let signed_in = own.map(|m| !m.contains("unauthenticated") && m.contains(" as "));
    text.push_str(&match (hub, signed_in) {
        (true, Some(true)) => ". To raise the limit: a paid Docker plan has no pull limit (a free account gets 200 pulls per 6 hours)".to_string(),
        (true, _) => ". To raise the limit: sign in (a free Docker account gets 200 pulls per 6 hours instead of 100 per IP address; a paid plan has no pull limit)".to_string(),
        (false, _) => ". Signing in usually earns a higher limit".to_string(),
    });
    if hub {
        text.push_str(". A multi-platform view costs one pull per platform manifest fetched; a HEAD costs none");
    }
    text
}

/// "100 per 6 hours, 0 remaining, counted for 192.0.2.1".
pub fn describe_limit(limit: &PullRateLimit) -> String {
    let mut text = limit.limit.to_string();
    if let Some(window) = limit.window_seconds {
        text.push_str(&format!(" per {}", describe_window(window)));
    }
    if let Some(remaining) = limit.remaining {
        text.push_str(&format!(", {remaining} remaining"));
    }
    if let Some(source) = &limit.source {
        text.push_str(&format!(", counted for {source}"));
    }
    text
}

#[cfg(test)]
#[path = "rate_limit_tests.rs"]
mod tests;
