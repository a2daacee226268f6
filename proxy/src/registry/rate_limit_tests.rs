use lading_shared::api::{Exchange, ExchangePurpose, Header};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

fn limit(
    limit: u64,
    remaining: Option<u64>,
    window: Option<u64>,
    source: Option<&str>,
) -> PullRateLimit {
    PullRateLimit {
        limit,
        remaining,
        window_seconds: window,
        source: source.map(str::to_string),
    }
}

#[test]
fn reads_every_spelling() {
    type Case = (Vec<(&'static str, &'static str)>, Option<PullRateLimit>);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("ratelimit-limit", "100;w=21600"),
                ("ratelimit-remaining", "76;w=21600"),
                ("docker-ratelimit-source", "192.0.2.1"),
            ],
            Some(limit(100, Some(76), Some(21600), Some("192.0.2.1"))),
        ),
        // Header names are case-insensitive; the `x-` spelling; no window.
        (
            vec![("X-RateLimit-Limit", "200"), ("X-RateLimit-Remaining", "0")],
            Some(limit(200, Some(0), None, None)),
        ),
        // The IETF draft: several policies in one value, the window on a later one.
        (
            vec![
                ("RateLimit-Limit", "100, 100;w=21600"),
                ("ratelimit-remaining", "3"),
            ],
            Some(limit(100, Some(3), Some(21600), None)),
        ),
        (
            vec![("ratelimit-limit", "50"), ("ratelimit-policy", "50;w=3600")],
            Some(limit(50, None, Some(3600), None)),
        ),
        // Remaining without a limit says nothing a person can use.
        (vec![("ratelimit-remaining", "7;w=60")], None),
        (vec![("ratelimit-limit", "lots")], None),
        (vec![("content-type", "application/json")], None),
    ];
    for (headers, want) in cases {
        assert_eq!(from_headers(headers.iter().copied()), want, "{headers:?}");
    }
}

fn recorded(map: &[(&str, &str)]) -> Vec<Header> {
    let mut headers = HeaderMap::new();
    for (name, value) in map {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    crate::redact::headers(&headers)
}

/// The trace records headers redacted: the rate-limit values must come through whole (an
/// account id is lower-case hex with dashes, not random-looking base64).
#[test]
fn rate_limit_headers_survive_redaction() {
    for source in [
        "192.0.2.1",
        "2001:db8:85a3::8a2e:370:7334",
        "9b1e6f0c-3d2a-4b7e-8f10-2c4d6e8a0b1c",
    ] {
        let headers = recorded(&[
            ("ratelimit-limit", "200;w=21600"),
            ("ratelimit-remaining", "199;w=21600"),
            ("docker-ratelimit-source", source),
        ]);
        assert_eq!(
            from_recorded(&headers),
            Some(limit(200, Some(199), Some(21600), Some(source))),
            "{headers:?}"
        );
    }
}

fn exchange(
    method: &str,
    url: &str,
    status: u16,
    purpose: ExchangePurpose,
    headers: &[(&str, &str)],
) -> Exchange {
    Exchange {
        method: method.into(),
        url: url.into(),
        status: Some(status),
        duration_ms: 1,
        request_headers: Vec::new(),
        response_headers: recorded(headers),
        purpose,
        note: None,
        ..Default::default()
    }
}

const HUB: &str = "https://registry-1.docker.io/v2/library/alpine/manifests/3.9";
const LIMITED: [(&str, &str); 2] = [
    ("ratelimit-limit", "100;w=21600"),
    ("ratelimit-remaining", "90;w=21600"),
];

#[test]
fn the_last_manifest_answer_reports_the_limit() {
    let exchanges = vec![
        exchange(
            "GET",
            "https://registry-1.docker.io/v2/",
            401,
            ExchangePurpose::Ping,
            &[("ratelimit-limit", "1")],
        ),
        exchange("HEAD", HUB, 200, ExchangePurpose::ManifestHead, &LIMITED),
        exchange(
            "GET",
            HUB,
            200,
            ExchangePurpose::ManifestGet,
            &[
                ("ratelimit-limit", "100;w=21600"),
                ("ratelimit-remaining", "89;w=21600"),
            ],
        ),
        exchange(
            "GET",
            "https://registry-1.docker.io/v2/library/alpine/blobs/sha256:a",
            307,
            ExchangePurpose::Config,
            &[("ratelimit-limit", "5")],
        ),
    ];
    assert_eq!(
        last_reported(&exchanges),
        Some(limit(100, Some(89), Some(21600), None))
    );
    assert_eq!(
        last_reported(&exchanges[..2]),
        Some(limit(100, Some(90), Some(21600), None))
    );
    assert_eq!(
        last_reported(&exchanges[..1]),
        None,
        "a ping is no manifest answer"
    );
    // Concurrent answers finish out of order: the lowest count is the current one; a
    // different limit (signed in halfway) starts its own count.
    let mut shuffled = exchanges[..3].to_vec();
    shuffled.push(with(
        "HEAD",
        HUB,
        200,
        ExchangePurpose::ManifestHead,
        remaining(90),
    ));
    assert_eq!(last_reported(&shuffled).unwrap().remaining, Some(89));
    shuffled.push(exchange(
        "HEAD",
        HUB,
        200,
        ExchangePurpose::ManifestHead,
        &[
            ("ratelimit-limit", "200;w=21600"),
            ("ratelimit-remaining", "150"),
        ],
    ));
    assert_eq!(
        last_reported(&shuffled),
        Some(limit(200, Some(150), Some(21600), None))
    );
}

fn remaining(n: u64) -> Vec<(&'static str, String)> {
    vec![
        ("ratelimit-limit", "100;w=21600".to_string()),
        ("ratelimit-remaining", format!("{n};w=21600")),
    ]
}

fn with(
    method: &str,
    url: &str,
    status: u16,
    purpose: ExchangePurpose,
    headers: Vec<(&str, String)>,
) -> Exchange {
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    exchange(method, url, status, purpose, &pairs)
}

#[test]
fn pulls_spent_believes_the_registrys_own_count() {
    use ExchangePurpose::{ManifestGet as Get, ManifestHead as Head};
    let child = "https://registry-1.docker.io/v2/library/alpine/manifests/sha256:c";
    // An index whose GET Docker Hub does not count, then two platform manifests.
    let exchanges = vec![
        with("HEAD", HUB, 200, Head, remaining(90)),
        with("GET", HUB, 200, Get, remaining(90)),
        with("HEAD", child, 200, Head, remaining(90)),
        with("GET", child, 200, Get, remaining(89)),
        with("GET", child, 200, Get, remaining(88)),
    ];
    assert_eq!(pulls_spent(&exchanges), 2);
    // Concurrent answers recorded out of order: the lowest remaining is the end.
    let out_of_order = vec![
        with("HEAD", HUB, 200, Head, remaining(50)),
        with("GET", child, 200, Get, remaining(48)),
        with("GET", child, 200, Get, remaining(49)),
    ];
    assert_eq!(pulls_spent(&out_of_order), 2);
    // Someone else on the same address pulled meanwhile: never more than the GETs made.
    let shared = vec![
        with("HEAD", HUB, 200, Head, remaining(50)),
        with("GET", HUB, 200, Get, remaining(40)),
    ];
    assert_eq!(pulls_spent(&shared), 1);
}

#[test]
fn pulls_spent_counts_successful_manifest_gets_where_pulls_are_counted() {
    let other = "https://quay.io/v2/a/b/manifests/v1";
    let limited = "https://limited.example/v2/a/manifests/v1";
    let exchanges = vec![
        // Docker Hub without headers (a paid plan) still counts each pull; failures do not.
        exchange("HEAD", HUB, 200, ExchangePurpose::ManifestHead, &[]),
        exchange("GET", HUB, 200, ExchangePurpose::ManifestGet, &[]),
        exchange("GET", HUB, 200, ExchangePurpose::ErrorBody, &[]),
        exchange("GET", HUB, 401, ExchangePurpose::ManifestGet, &[]),
        exchange("GET", HUB, 429, ExchangePurpose::ManifestGet, &[]),
        exchange("GET", HUB, 404, ExchangePurpose::ErrorBody, &[]),
        // A registry that reports no limit counts nothing.
        exchange("GET", other, 200, ExchangePurpose::ManifestGet, &[]),
        // One that reports a limit (no remaining: no count of its own) counts its GETs.
        exchange(
            "HEAD",
            limited,
            200,
            ExchangePurpose::ManifestHead,
            &[("x-ratelimit-limit", "10")],
        ),
        exchange("GET", limited, 200, ExchangePurpose::ManifestGet, &[]),
        exchange(
            "GET",
            "https://registry-1.docker.io/v2/library/alpine/blobs/sha256:a",
            200,
            ExchangePurpose::Config,
            &[],
        ),
    ];
    assert_eq!(pulls_spent(&exchanges), 3);
    assert_eq!(pulls_spent(&exchanges[..1]), 0, "a HEAD is free");
}

#[test]
fn windows_read_as_people_say_them() {
    let cases = [
        (21600, "6 hours"),
        (3600, "1 hour"),
        (5400, "90 minutes"),
        (60, "1 minute"),
        (45, "45 seconds"),
        (3601, "3601 seconds"),
    ];
    for (seconds, want) in cases {
        assert_eq!(describe_window(seconds), want);
    }
}

const HUB_429: &[u8] = br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit"}]}"#;

fn too_many(
    status: u16,
    retry_after: Option<u64>,
    body: &[u8],
    registry: &str,
) -> crate::error::ProxyError {
    crate::error::ProxyError::from_upstream(
        status,
        retry_after,
        body,
        registry,
        crate::error::Fetching::Manifest,
    )
}

#[test]
fn docker_hubs_refusal_says_when_and_how_to_raise_the_limit() {
    let error = too_many(429, None, HUB_429, "docker.io");
    assert_eq!(error.kind(), lading_shared::api::ErrorKind::TooManyRequests);
    let text = error.to_string();
    for part in [
        "You have reached your unauthenticated pull rate limit",
        "Docker Hub counts pulls over 6 hours",
        "sign in",
        "200 pulls per 6 hours",
        "paid plan has no pull limit",
        "one pull per platform manifest",
    ] {
        assert!(text.contains(part), "{part:?} missing: {text}");
    }
    assert!(!text.contains("minute:"), "{text}");

    // Retry-After wins; the limit reported is named.
    let reported = limit(100, Some(0), Some(21600), Some("192.0.2.1"));
    let error = too_many(429, Some(120), HUB_429, "docker.io").with_rate_limit(Some(&reported));
    let text = error.to_string();
    assert!(text.contains("Try again in 120 s"), "{text}");
    assert!(
        text.contains("100 per 6 hours, 0 remaining, counted for 192.0.2.1"),
        "{text}"
    );

    // Signed in: the registry's message names the account; the advice is the paid plan.
    let signed_in = br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit as 'alice': dckr_jti_x. You may increase the limit by upgrading. https://www.docker.com/increase-rate-limit"}]}"#;
    let text = too_many(429, None, signed_in, "docker.io").to_string();
    assert!(
        text.contains("a paid Docker plan has no pull limit"),
        "{text}"
    );
    assert!(!text.contains("sign in ("), "{text}");
}

#[test]
fn other_registries_refusals_use_their_own_window_or_say_none_was_given() {
    let text = too_many(429, None, b"", "quay.io").to_string();
    assert!(text.contains("did not say when to try again"), "{text}");
    assert!(!text.contains("Docker"), "{text}");
    let hourly = limit(50, Some(0), Some(3600), None);
    let text = too_many(429, None, b"", "ghcr.io")
        .with_rate_limit(Some(&hourly))
        .to_string();
    assert!(text.contains("counts over 1 hour"), "{text}");
    // 403 with TOOMANYREQUESTS is the same refusal.
    let error = too_many(403, None, HUB_429, "r.example");
    assert_eq!(error.kind(), lading_shared::api::ErrorKind::TooManyRequests);
    // Other errors pass through untouched.
    let denied = too_many(403, None, b"", "r.example");
    let before = denied.to_string();
    assert_eq!(denied.with_rate_limit(Some(&hourly)).to_string(), before);
}
