//! Docker Hub: `registry-1.docker.io`, tokens from `auth.docker.io`, blobs on a signed CDN
//! URL; the pull rate limit (read from the HEAD, which costs no pull), what a view spent, and
//! the over-limit refusal explained.

use lading_testkit::Vendor;
use lading_testkit::docker_hub::{
    ALPINE_LIST_TAG, ALPINE_PLATFORMS, ALPINE_SINGLE_TAG, ANONYMOUS_LIMIT, CDN_HOST,
    LIBRARY_ALPINE, THROTTLED_REPO, THROTTLED_TAG, WINDOW_SECS,
};
use serde_json::Value;

vendor_suite!(Vendor::DockerHub);

fn remaining(exchange: &Value) -> Option<u64> {
    exchange["response_headers"]
        .as_array()?
        .iter()
        .find(|h| h["name"] == "ratelimit-remaining")?["value"]
        .as_str()?
        .split(';')
        .next()?
        .parse()
        .ok()
}

/// `alpine:3.9` by its familiar name: seven platforms in the table, the limit shown with
/// limit, remaining, window and source, and the pulls the view cost counted as Docker Hub
/// counted them; a second view of the same costs nothing (HEADs, cached bytes).
#[tokio::test(flavor = "multi_thread")]
async fn alpine_3_9_shows_seven_platforms_the_rate_limit_and_the_pulls_spent() {
    let stand = super::Stand::start(Vendor::DockerHub);
    let answer = stand
        .image(&format!("alpine:{ALPINE_LIST_TAG}"), None)
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(answer.json["reference"]["repository"], LIBRARY_ALPINE);
    let children = answer.json["children"].as_array().unwrap();
    assert_eq!(children.len(), ALPINE_PLATFORMS.len(), "{children:#?}");
    assert!(
        children.iter().all(|c| c.get("error").is_none()),
        "{children:#?}"
    );

    let notes = &answer.json["registry_notes"];
    let limit = &notes["rate_limit"];
    assert_eq!(limit["limit"], ANONYMOUS_LIMIT, "{notes:#}");
    assert_eq!(limit["window_seconds"], WINDOW_SECS, "{notes:#}");
    assert_eq!(limit["source"], "127.0.0.1", "{notes:#}");
    // What the registry said before the first GET (the HEAD) and at the end.
    let heads = super::with_purpose(&answer, "manifest_head");
    let before = remaining(heads[0]).expect("the HEAD carries the limit");
    let after = limit["remaining"].as_u64().unwrap();
    let spent = notes["pulls_spent"].as_u64().unwrap();
    assert_eq!(spent, before - after, "{notes:#}");
    // One pull per platform manifest fetched (whether the list's own GET counts is the
    // registry's to say; its `remaining` decided above).
    let gets = super::with_purpose(&answer, "manifest_get").len() as u64;
    assert!(
        spent >= ALPINE_PLATFORMS.len() as u64 && spent <= gets,
        "{spent} of {gets} GETs"
    );

    let again = stand
        .image(&format!("docker.io/library/alpine:{ALPINE_LIST_TAG}"), None)
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(
        again.json["registry_notes"]["pulls_spent"], 0,
        "{:#}",
        again.json["trace"]
    );
    assert_eq!(
        again.json["registry_notes"]["rate_limit"]["remaining"],
        after
    );
}

/// The repository over its limit: 429 TOOMANYREQUESTS, explained — when (Docker Hub's
/// six-hour window, not "a minute"), how to raise the limit, what a multi-platform view
/// costs — with the registry's own message kept, and no pointless retry.
#[tokio::test(flavor = "multi_thread")]
async fn the_over_limit_repository_is_explained() {
    let stand = super::Stand::start(Vendor::DockerHub);
    let answer = stand
        .image(&format!("{THROTTLED_REPO}:{THROTTLED_TAG}"), None)
        .await;
    let message = answer.assert_kind(429, "too_many_requests").to_string();
    for part in [
        "unauthenticated pull rate limit",
        "6 hours",
        "sign in",
        "200 pulls per 6 hours",
        "one pull per platform manifest",
        "100 per 6 hours, 0 remaining",
    ] {
        assert!(message.contains(part), "{part:?} missing: {message}");
    }
    assert_eq!(answer.json["registry_errors"][0]["code"], "TOOMANYREQUESTS");
    let limit = &answer.json["registry_notes"]["rate_limit"];
    assert_eq!(limit["remaining"], 0, "{:#}", answer.json);
    let refused: Vec<_> = answer.json["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == 429)
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "a spent limit is not retried: {refused:#?}"
    );
    assert_eq!(answer.json["registry_notes"]["pulls_spent"], 0);
}

/// Signed in, the account's limit (200) and id are shown.
#[tokio::test(flavor = "multi_thread")]
async fn signed_in_the_accounts_limit_is_shown() {
    let stand = super::Stand::start(Vendor::DockerHub);
    let (_, signed_in) = super::denied_then_signed_in(&stand).await;
    let limit = &signed_in.json["registry_notes"]["rate_limit"];
    assert_eq!(
        limit["limit"], 200,
        "{:#}",
        signed_in.json["registry_notes"]
    );
    let (user, _) = stand.credentials().unwrap();
    assert_eq!(
        limit["source"],
        lading_testkit::docker_hub::account_id(user)
    );
}

/// Layers come from the CDN host without the registry's token, and its `verify=` signature
/// is not shown.
#[tokio::test(flavor = "multi_thread")]
async fn no_authorization_reaches_the_cdn() {
    let stand = super::Stand::start(Vendor::DockerHub);
    let reference = format!("alpine:{ALPINE_SINGLE_TAG}");
    let image = stand.image(&reference, None).await;
    assert_eq!(image.status, 200, "{:#}", image.json);
    let layer = image.json["manifest"]["layers"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let listing = stand.listing(&reference, &layer, None).await;
    assert!(listing.done().entries > 0);
    assert!(
        !stand.requests_to(CDN_HOST).is_empty(),
        "the layer came from the CDN"
    );
    super::no_authorization_reached(&stand, CDN_HOST);
    let shown = serde_json::to_string(&listing.done().trace).unwrap();
    assert!(shown.contains(CDN_HOST), "the redirect is in the trace");
    assert!(
        !shown.contains("verify=1") && !shown.contains("verify=2"),
        "{shown}"
    );
}
