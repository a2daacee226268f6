//! The protocol conversation as data: every exchange's typed purpose, in order, for a pull
//! from a token-auth registry (the harness is the token server, distribution checks its JWTs).

use lading_shared::api::ExchangePurpose::{self, *};
use lading_testkit::{Registry, TokenPolicy, TokenServer, fixtures};

use crate::support::{Answer, Lading};

fn conversation(answer: &Answer) -> Vec<(ExchangePurpose, String, Option<u64>)> {
    answer.json["trace"]
        .as_array()
        .expect("every answer carries a trace")
        .iter()
        .map(|e| {
            let purpose = serde_json::from_value(e["purpose"].clone()).unwrap();
            (
                purpose,
                e["method"].as_str().unwrap().to_string(),
                e["status"].as_u64(),
            )
        })
        .collect()
}

fn purposes(answer: &Answer) -> Vec<ExchangePurpose> {
    conversation(answer).into_iter().map(|(p, ..)| p).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_auth_pull_is_ping_token_head_get_config() {
    let tokens = TokenServer::start(TokenPolicy::default());
    let registry = Registry::token(&tokens);
    fixtures::push_oci_image(&registry.pusher(), "public/app", "v1").await;
    let realm = url::Url::parse(&tokens.realm()).unwrap();
    let lading = Lading::allowing(&[&registry.host(), realm.authority()]);
    let reference = format!("{}/public/app:v1", registry.host());

    let first = lading.image(&reference).await;
    assert_eq!(first.status, 200, "{:#}", first.json);
    assert_eq!(
        conversation(&first),
        [
            (Ping, "GET".into(), Some(401)),
            (Token, "GET".into(), Some(200)),
            // Nothing cached for the tag: no HEAD first (issue 11).
            (ManifestGet, "GET".into(), Some(200)),
            (Config, "GET".into(), Some(200)),
        ]
    );
    assert!(
        first.json["trace"][1]["url"]
            .as_str()
            .unwrap()
            .contains("scope=")
    );

    // The challenge, the token, the manifest bytes and the config are known now: a HEAD
    // proves access and names the tag's digest, and that is all.
    let again = lading.image(&reference).await;
    assert_eq!(purposes(&again), [ManifestHead]);

    let tags = lading
        .tags(&format!("{}/public/app", registry.host()))
        .await;
    assert_eq!(tags.status, 200, "{:#}", tags.json);
    assert_eq!(purposes(&tags), [TagPage]);

    // Nothing is left untyped.
    for answer in [&first, &again, &tags] {
        assert!(
            !purposes(answer).contains(&Other),
            "{:#}",
            answer.json["trace"]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_index_view_fetches_each_child_as_a_manifest() {
    let registry = Registry::plain();
    fixtures::push_oci_index_with_attestation(&registry.pusher(), "team/multi", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let answer = lading
        .image(&format!("{}/team/multi:v1", registry.host()))
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let purposes = purposes(&answer);
    // Nothing cached: the tag and each child are one GET each, no HEAD (issue 11); no
    // config or blob for an index.
    assert_eq!(purposes[..2], [Ping, ManifestGet], "{purposes:?}");
    let rest = &purposes[2..];
    assert_eq!(
        rest,
        [ManifestGet, ManifestGet, ManifestGet],
        "{purposes:?}"
    );
}

/// A failed exchange carries what the registry said (its JSON error), so the Requests panel
/// can show it beside the row; exchanges also carry their start time and HTTP version.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_exchange_keeps_the_registrys_error_body() {
    let registry = Registry::plain();
    fixtures::push_oci_image(&registry.pusher(), "team/app", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let answer = lading
        .image(&format!("{}/team/app:missing", registry.host()))
        .await;
    assert_eq!(answer.status, 404, "{:#}", answer.json);
    let trace = answer.json["trace"].as_array().unwrap();
    let failed = trace
        .iter()
        .find(|e| e["status"] == 404 && e["method"] == "GET")
        .unwrap_or_else(|| panic!("a failed GET in {trace:#?}"));
    let body = failed["error_body"].as_str().expect("the error body kept");
    assert!(body.contains("MANIFEST_UNKNOWN"), "{body}");
    assert!(
        trace
            .iter()
            .all(|e| e["started_unix_ms"].as_u64().is_some())
    );
    assert!(
        trace
            .iter()
            .all(|e| e["http_version"].as_str() == Some("HTTP/1.1")),
        "{trace:#?}"
    );
    // A successful exchange has no error body.
    let ok = lading
        .image(&format!("{}/team/app:v1", registry.host()))
        .await;
    assert!(
        ok.json["trace"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("error_body").is_none())
    );
}
