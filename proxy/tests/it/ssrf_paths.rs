//! Issue 4, SSRF by path: only registry API paths are reachable. A reference cannot smuggle
//! a path, query, fragment, header or userinfo into the URL Lading builds; `digest=` and
//! `platform=` are digests, never path segments; `path=` (a file in a layer) never becomes
//! part of an upstream URL. Junk input is a 400 before any upstream request.

use crate::support::{Lading, RawAnswer, encode};
use lading_testkit::fixtures::{hostile_layer, layer_descriptor, script_image};
use lading_testkit::{Canned, ScriptedRegistry, TagScript};

const REPO: &str = "team/app";
const TAG: &str = "v1";

/// A scripted image with one real (gzip tar) layer, and a lading allowed to reach it.
fn stand() -> (ScriptedRegistry, Lading, String) {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 3));
    let layer = hostile_layer().build().blob;
    let descriptor = layer_descriptor(&layer.media_type, &layer.bytes);
    let digest = descriptor["digest"].as_str().unwrap().to_string();
    registry.respond(
        &format!("/v2/{REPO}/blobs/{digest}"),
        Canned::new(200, "application/octet-stream", layer.bytes),
    );
    script_image(&registry, REPO, TAG, vec![descriptor]);
    let lading = Lading::allowing(&[&registry.host()]);
    (registry, lading, digest)
}

/// Every request the registry saw was for a `/v2/` path.
fn only_api_paths(registry: &ScriptedRegistry) {
    for request in registry.requests() {
        let target = request.split(' ').nth(1).unwrap_or_default();
        assert!(
            target.starts_with("/v2/"),
            "the registry was asked {request:?}"
        );
        assert!(
            !target.contains("admin"),
            "the registry was asked {request:?}"
        );
    }
}

/// Every URL in a JSON answer's trace is on the registry and under `/v2/`.
fn trace_is_api_only(json: &serde_json::Value, registry: &ScriptedRegistry) {
    let prefix = format!("{}/v2/", registry.base_url());
    for exchange in json["trace"].as_array().into_iter().flatten() {
        let url = exchange["url"].as_str().unwrap_or_default();
        assert!(url.starts_with(&prefix), "Lading built {url}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn references_cannot_smuggle_paths_queries_fragments_or_userinfo() {
    let (registry, lading, _) = stand();
    let host = registry.host();
    let smuggled = [
        format!("{host}/..%2f..%2fadmin:x"),
        format!("{host}/../../admin:x"),
        format!("{host}/team/../admin:x"),
        format!("{host}/team/%2e%2e/admin:x"),
        format!("{host}/a?x=1"),
        format!("{host}/a:v1?x=1"),
        format!("{host}/a#f"),
        format!("{host}/a:v1#f"),
        format!("{host}/a\r\nX-Injected: 1"),
        format!("{host}/a:v1\r\nHost: evil.example"),
        format!("{host}/a%0d%0aX-Injected:1"),
        format!("{host}/a%00"),
        format!("{host}/a\\..\\admin"),
        format!("user@{host}/a:v1"),
        format!("user:pw@{host}/a:v1"),
        format!("{host}@evil.example/a:v1"),
        format!("{host}/a@evil.example"),
        format!("http://{host}/a:v1"),
        format!("//{host}/a:v1"),
        format!("{host}//a:v1"),
        format!("{host}/a/:v1"),
        format!("{host}/A:v1"),
        format!("{host}/a:../../admin"),
        format!("{host}/a:v1/../../admin"),
        format!("{host}/a@sha256:../../admin"),
    ];
    for reference in &smuggled {
        let answer = lading.image(reference).await;
        assert_eq!(
            (answer.status.as_u16(), answer.kind()),
            (400, "invalid_reference"),
            "{reference:?}: {:#}",
            answer.json
        );
        let repo = lading.tags(reference).await;
        assert_eq!(repo.status, 400, "{reference:?}: {:#}", repo.json);
    }
    assert_eq!(registry.request_count(), 0, "{:?}", registry.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn digests_and_platforms_are_never_path_segments() {
    let (registry, lading, digest) = stand();
    let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));
    let hex = &digest["sha256:".len()..];
    let junk = [
        "sha256:../../admin".to_string(),
        format!("{digest}/../../admin"),
        format!("{digest}%2f..%2fadmin"),
        format!("{digest}?x=1"),
        format!("{digest}#f"),
        format!("sha256:{}", hex.to_uppercase()),
        format!("sha256:{hex}\r\nX: 1"),
        format!("../{hex}"),
        "../../admin".to_string(),
    ];
    for value in &junk {
        let value = encode(value);
        for path in [
            format!("/api/blob?ref={image}&digest={value}"),
            format!("/api/layer?ref={image}&digest={value}"),
            format!("/api/file?ref={image}&digest={value}&path=/a&preview=1"),
            format!("/api/image?ref={image}%40{value}"),
            format!("/api/merged?ref={image}&platform={value}"),
            format!("/api/export?ref={image}&platform={value}"),
        ] {
            let answer = lading.get_raw(&path).await;
            assert_eq!(answer.status, 400, "{path}: {}", body(&answer));
        }
    }
    only_api_paths(&registry);
}

#[tokio::test(flavor = "multi_thread")]
async fn file_paths_never_become_upstream_urls() {
    let (registry, lading, digest) = stand();
    let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));
    for path in [
        "/../../../admin",
        "/v2/../admin?x=1#f",
        "http://169.254.169.254/latest/meta-data",
        "//127.0.0.1:1/admin",
        "/srv/%2e%2e/%2e%2e/admin",
        "/srv/pwn-link",
    ] {
        let path = encode(path);
        for query in [
            format!("/api/file?ref={image}&digest={digest}&path={path}&preview=64"),
            format!("/api/file?ref={image}&path={path}&preview=64"),
        ] {
            let answer = lading.get_raw(&query).await;
            let json = answer.json();
            assert!(
                matches!(answer.status.as_u16(), 200 | 400 | 404),
                "{query}: {json:#}"
            );
            trace_is_api_only(&json, &registry);
        }
    }
    only_api_paths(&registry);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_url_built_for_a_user_is_a_registry_api_path() {
    let (registry, lading, digest) = stand();
    let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));
    let answer = lading.get(&format!("/api/image?ref={image}"), None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    trace_is_api_only(&answer.json, &registry);
    let tags = lading.tags(&format!("{}/{REPO}", registry.host())).await;
    assert_eq!(tags.status, 200, "{:#}", tags.json);
    trace_is_api_only(&tags.json, &registry);
    for path in [
        format!("/api/blob?ref={image}&digest={digest}"),
        format!("/api/layer?ref={image}&digest={digest}"),
        format!("/api/merged?ref={image}"),
        format!("/api/export?ref={image}"),
    ] {
        let answer = lading.get_raw(&path).await;
        assert_eq!(answer.status, 200, "{path}");
    }
    only_api_paths(&registry);
    assert!(registry.request_count() > 5);
}

fn body(answer: &RawAnswer) -> String {
    String::from_utf8_lossy(&answer.body).into_owned()
}
