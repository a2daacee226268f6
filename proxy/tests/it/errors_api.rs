//! The error taxonomy through the API, against a real registry: each kind with its status,
//! and the candidates or suggestions a page needs to offer a way on.

use axum::body::Body;
use axum::http::Request;
use lading_shared::api::{ExchangePurpose, Health, ImageResponse};
use lading_testkit::{Registry, fixtures};
use serde_json::Value;

use crate::support::{Answer, Lading, encode};

fn purposes(answer: &Answer) -> Vec<ExchangePurpose> {
    answer.json["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| serde_json::from_value(e["purpose"].clone()).unwrap())
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_index_without_a_platform_asks_to_choose_with_every_entry() {
    let registry = Registry::plain();
    let pushed =
        fixtures::push_oci_index_with_attestation(&registry.pusher(), "team/multi", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{}/team/multi:v1", registry.host());

    let answer = lading
        .get(&format!("/api/merged?ref={}", encode(&reference)), None)
        .await;
    let message = answer.assert_kind(300, "choose_platform");
    assert!(message.contains("choose a platform"), "{message}");
    let candidates = answer.json["candidates"].as_array().unwrap();
    let digests: Vec<&str> = candidates
        .iter()
        .map(|c| c["digest"].as_str().unwrap())
        .collect();
    let pushed_digests: Vec<&str> = pushed
        .index
        .entries
        .iter()
        .map(|e| e.digest.as_str())
        .collect();
    assert_eq!(digests, pushed_digests, "every entry, in the index's order");
    assert_eq!(candidates[0]["platform"]["architecture"], "amd64");
    assert_eq!(candidates[1]["platform"]["variant"], "v8");
    assert_eq!(
        candidates[0]["media_type"],
        "application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(candidates[2]["reference_type"], "attestation-manifest");
    assert!(candidates[0].get("reference_type").is_none());

    // A platform the index does not have: the same choice, not a malformed request.
    let stranger = &fixtures::sha256_digest(b"not an entry");
    let answer = lading
        .get(
            &format!("/api/merged?ref={}&platform={stranger}", encode(&reference)),
            None,
        )
        .await;
    let message = answer.assert_kind(300, "choose_platform");
    assert!(message.contains(stranger.as_str()), "{message}");
    assert_eq!(answer.json["candidates"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn image_platform_answers_the_child_with_its_index() {
    let registry = Registry::plain();
    let pushed =
        fixtures::push_oci_index_with_attestation(&registry.pusher(), "team/multi", "v1").await;
    fixtures::push_oci_image(&registry.pusher(), "team/single", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{}/team/multi:v1", registry.host());
    let arm = &pushed.linux_arm64_v8.manifest.digest;

    let answer = lading
        .get(
            &format!("/api/image?ref={}&platform={arm}", encode(&reference)),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let image: ImageResponse = serde_json::from_value(answer.json.clone()).unwrap();
    assert_eq!(image.digest.to_string(), *arm);
    assert_eq!(image.reference.digest.as_ref().unwrap().to_string(), *arm);
    assert!(image.config.is_some(), "the child's own config");
    let index = image.index.expect("the index it was chosen from");
    assert_eq!(index.digest.to_string(), pushed.index.manifest.digest);
    assert_eq!(index.reference.tag.as_deref(), Some("v1"));
    let platforms: Vec<String> = index
        .platforms
        .iter()
        .map(|p| p.digest.to_string())
        .collect();
    let entries: Vec<String> = pushed
        .index
        .entries
        .iter()
        .map(|e| e.digest.clone())
        .collect();
    assert_eq!(platforms, entries);

    // Without a platform the index itself, with no index context.
    let plain: ImageResponse = serde_json::from_value(lading.image(&reference).await.json).unwrap();
    assert!(plain.index.is_none());
    assert_eq!(plain.children.len(), 3);

    // A single image has no platforms to choose: not in it.
    let single = format!("{}/team/single:v1", registry.host());
    let answer = lading
        .get(
            &format!("/api/image?ref={}&platform={arm}", encode(&single)),
            None,
        )
        .await;
    let message = answer.assert_kind(404, "not_in_image");
    assert!(message.contains("not an index"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn schema1_layers_are_unsupported_and_say_what_works() {
    let registry = Registry::plain();
    let pushed = fixtures::push_schema1_image(&registry.pusher(), "old/app", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{}/old/app:v1", registry.host());

    let answer = lading
        .get(&format!("/api/merged?ref={}", encode(&reference)), None)
        .await;
    answer.assert_kind(422, "unsupported");
    let message = answer.json["message"].as_str().unwrap();
    assert!(message.contains("manifest and history"), "{message}");
    assert!(message.contains(&pushed.manifest.digest), "{message}");
    // The manifest view itself works.
    assert_eq!(lading.image(&reference).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attestation_is_an_artifact_whose_layers_are_not_listed() {
    let registry = Registry::plain();
    let pushed =
        fixtures::push_oci_index_with_attestation(&registry.pusher(), "team/multi", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let attestation = &pushed.attestation;
    let reference = format!(
        "{}/team/multi@{}",
        registry.host(),
        attestation.manifest.digest
    );
    let layer = &attestation.layers[0].digest;

    for path in [
        format!("/api/layer?ref={}&digest={layer}", encode(&reference)),
        format!("/api/merged?ref={}", encode(&reference)),
        format!("/api/file?ref={}&path=/&preview=64", encode(&reference)),
    ] {
        let answer = lading.get(&path, None).await;
        let message = answer.assert_kind(422, "unsupported");
        assert!(message.contains("artifact"), "{path}: {message}");
        assert!(message.contains("/api/blob"), "{path}: {message}");
    }
    // Its layers still download as they are.
    let blob = lading
        .get(
            &format!("/api/blob?ref={}&digest={layer}", encode(&reference)),
            None,
        )
        .await;
    assert_eq!(blob.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_tag_is_named_with_near_tags() {
    let registry = Registry::plain();
    for tag in ["v1.0", "v1.1", "v2.0", "nightly"] {
        fixtures::push_oci_image(&registry.pusher(), "team/app", tag).await;
    }
    let lading = Lading::allowing(&[&registry.host()]);

    let answer = lading
        .image(&format!("{}/team/app:v1.2", registry.host()))
        .await;
    answer.assert_kind(404, "manifest_unknown");
    let message = answer.json["message"].as_str().unwrap();
    assert!(message.contains("no tag \"v1.2\""), "{message}");
    let suggestions = strings(&answer.json["suggestions"]);
    assert_eq!(suggestions[..2], ["v1.0", "v1.1"], "{suggestions:?}");
    assert!(
        !suggestions.contains(&"nightly".to_string()),
        "{suggestions:?}"
    );
    // The look-up is one request, in the trace as a tag page.
    let purposes = purposes(&answer);
    assert_eq!(
        purposes
            .iter()
            .filter(|p| **p == ExchangePurpose::TagPage)
            .count(),
        1,
        "{purposes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_assumed_latest_is_said_and_the_tags_offered() {
    let registry = Registry::plain();
    fixtures::push_oci_image(&registry.pusher(), "team/app", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);

    let answer = lading.image(&format!("{}/team/app", registry.host())).await;
    answer.assert_kind(404, "manifest_unknown");
    let message = answer.json["message"].as_str().unwrap();
    assert!(
        message.contains("no tag given, so Lading asked for :latest, which"),
        "{message}"
    );
    assert_eq!(strings(&answer.json["suggestions"]), ["v1"]);

    // Written out, it is a tag like any other.
    let answer = lading
        .image(&format!("{}/team/app:latest", registry.host()))
        .await;
    let message = answer.json["message"].as_str().unwrap();
    assert!(message.contains("no tag \"latest\""), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repository_that_does_not_exist_is_never_a_missing_tag() {
    let registry = Registry::plain();
    fixtures::push_oci_image(&registry.pusher(), "team/app", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);

    let answer = lading
        .image(&format!("{}/team/nothing:v1", registry.host()))
        .await;
    let message = answer.assert_kind(404, "name_unknown");
    assert!(message.contains("no such repository"), "{message}");
    assert!(answer.json.get("suggestions").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn another_port_of_an_allow_listed_host_is_port_not_allowed() {
    let registry = Registry::plain();
    let port = registry.host().rsplit(':').next().unwrap().to_string();
    let other = if port == "5000" { "5001" } else { "5000" };
    let lading = Lading::allowing(&[&format!("127.0.0.1:{other}")]);

    let answer = lading.image(&format!("127.0.0.1:{port}/team/app:v1")).await;
    answer.assert_kind(403, "port_not_allowed");
    let message = answer.json["message"].as_str().unwrap();
    assert!(message.contains(&format!("port {other} only")), "{message}");
    assert!(
        message.contains(&format!("--allow-host 127.0.0.1:{port}")),
        "{message}"
    );
    assert!(!message.contains("0.0.0.0"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_api_path_is_a_bad_request_whose_status_matches() {
    let lading = Lading::allowing(&[]);
    let answer = lading.get("/api/nope?x=1", None).await;
    answer.assert_kind(400, "bad_request");
    let message = answer.json["message"].as_str().unwrap();
    assert!(
        message.contains("no such API endpoint /api/nope"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn health_names_the_reachable_registries_to_served_hosts_only() {
    let lading = Lading::allowing(&["127.0.0.1:5000", "registry.internal"]);
    let health: Health =
        serde_json::from_value(lading.get("/api/health", None).await.json).unwrap();
    assert_eq!(health.status, "ok");
    assert!(health.public_registries);
    assert_eq!(
        health.allowed_hosts,
        ["127.0.0.1:5000", "registry.internal"]
    );

    let ask = |host: &'static str| {
        Request::get("/api/health")
            .header("host", host)
            .body(Body::empty())
            .unwrap()
    };
    let served: Health =
        serde_json::from_value(lading.send_raw(ask("localhost:8080")).await.json()).unwrap();
    assert_eq!(served.allowed_hosts.len(), 2);
    // A name this instance does not serve (a rebinding page): liveness only.
    let answer = lading.send_raw(ask("attacker.example")).await;
    assert_eq!(answer.status, 200);
    let stranger: Health = serde_json::from_value(answer.json()).unwrap();
    assert_eq!(stranger.status, "ok");
    assert!(stranger.allowed_hosts.is_empty(), "{stranger:?}");
}
