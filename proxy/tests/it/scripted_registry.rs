//! Behaviour distribution 2.8 cannot show, against scripted servers on loopback: `Link`
//! pagination, junk tags, blob redirects to a CDN, redirect loops and hostile redirects.

use std::sync::{Arc, Mutex};

use crate::support::Lading;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use lading_shared::Digest;
use lading_shared::api::TagsResponse;
use lading_testkit::{BackgroundServer, NextLink, ScriptedRegistry, TagScript};

#[tokio::test(flavor = "multi_thread")]
async fn follows_relative_link_pagination_to_the_end_and_reports_junk() {
    let scripted =
        ScriptedRegistry::start(TagScript::new("big/repo", 2_500).page_size(100).with_junk());
    let lading = Lading::allowing(&[&scripted.host()]);
    let answer = lading.tags(&format!("{}/big/repo", scripted.host())).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let tags: TagsResponse = serde_json::from_value(answer.json).unwrap();
    assert_eq!(tags.tags, scripted.tags());
    assert_eq!(tags.pages, 25);
    let skipped: Vec<&str> = tags.skipped.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped.contains(&"null"));
}

#[tokio::test(flavor = "multi_thread")]
async fn follows_absolute_same_host_links() {
    let scripted = ScriptedRegistry::start(
        TagScript::new("abs/repo", 250)
            .page_size(100)
            .next_link(NextLink::Absolute),
    );
    let lading = Lading::allowing(&[&scripted.host()]);
    let answer = lading.tags(&format!("{}/abs/repo", scripted.host())).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(answer.json["tags"].as_array().unwrap().len(), 250);
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_pagination_links_to_another_host() {
    let scripted = ScriptedRegistry::start(
        TagScript::new("evil/repo", 250)
            .page_size(100)
            .next_link(NextLink::ForeignHost),
    );
    let lading = Lading::allowing(&[&scripted.host(), lading_testkit::FOREIGN_HOST]);
    let answer = lading.tags(&format!("{}/evil/repo", scripted.host())).await;
    assert_eq!(answer.kind(), "bad_upstream", "{:#}", answer.json);
    assert!(
        answer.json["message"]
            .as_str()
            .unwrap()
            .contains("another host")
    );
    assert!(
        answer
            .exchanges()
            .iter()
            .all(|e| !e.2.contains(lading_testkit::FOREIGN_HOST))
    );
}

/// A registry that wants Basic auth and sends blobs to a CDN on another port, which records
/// the headers it receives.
struct CdnSetup {
    registry: BackgroundServer,
    cdn: BackgroundServer,
    seen: Arc<Mutex<Vec<HeaderMap>>>,
    config_digest: Digest,
}

#[derive(Clone)]
struct Script {
    config: Vec<u8>,
    manifest: Vec<u8>,
    cdn: Arc<Mutex<String>>,
    redirect_to: Arc<Mutex<Option<String>>>,
    seen: Arc<Mutex<Vec<HeaderMap>>>,
}

const BASIC: &str = "Basic dXNlcjpwdw=="; // user:pw

async fn registry(State(s): State<Script>, uri: Uri, headers: HeaderMap) -> Response {
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(BASIC)
    {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"test\"")],
            "",
        )
            .into_response();
    }
    let path = uri.path();
    if path == "/v2/" {
        return "{}".into_response();
    }
    if path.contains("/manifests/") {
        return (
            [(
                header::CONTENT_TYPE,
                "application/vnd.oci.image.manifest.v1+json",
            )],
            s.manifest.clone(),
        )
            .into_response();
    }
    let target = s
        .redirect_to
        .lock()
        .unwrap()
        .clone()
        .unwrap_or_else(|| format!("{}/blob", s.cdn.lock().unwrap()));
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, target)],
        "",
    )
        .into_response()
}

async fn cdn(State(s): State<Script>, uri: Uri, headers: HeaderMap) -> Response {
    s.seen.lock().unwrap().push(headers);
    if uri.path() == "/loop" {
        return (StatusCode::FOUND, [(header::LOCATION, "/loop")], "").into_response();
    }
    s.config.clone().into_response()
}

fn cdn_setup(redirect_to: Option<&str>) -> CdnSetup {
    let config = br#"{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[]}}"#.to_vec();
    let config_digest = Digest::sha256(&config);
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": config.len() },
        "layers": []
    });
    let script = Script {
        config,
        manifest: serde_json::to_vec(&manifest).unwrap(),
        cdn: Arc::new(Mutex::new(String::new())),
        redirect_to: Arc::new(Mutex::new(None)),
        seen: Arc::new(Mutex::new(Vec::new())),
    };
    let cdn_server = BackgroundServer::start(
        "scripted-cdn",
        Router::new().fallback(cdn).with_state(script.clone()),
    );
    *script.cdn.lock().unwrap() = format!("http://{}", cdn_server.addr());
    *script.redirect_to.lock().unwrap() =
        redirect_to.map(|r| r.replace("CDN", &format!("http://{}", cdn_server.addr())));
    let registry_server = BackgroundServer::start(
        "scripted-registry",
        Router::new().fallback(registry).with_state(script.clone()),
    );
    CdnSetup {
        registry: registry_server,
        cdn: cdn_server,
        seen: script.seen,
        config_digest,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn blob_redirect_to_cdn_drops_authorization() {
    let setup = cdn_setup(None);
    let (registry, cdn) = (
        setup.registry.addr().to_string(),
        setup.cdn.addr().to_string(),
    );
    let lading = Lading::allowing(&[&registry, &cdn]);
    let answer = lading
        .image_as(&format!("{registry}/r/app:v1"), "user", "pw")
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert_eq!(
        answer.json["config"]["digest"],
        setup.config_digest.to_string()
    );
    assert!(
        answer.json.get("config_error").is_none(),
        "{:#}",
        answer.json
    );
    let seen = setup.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].get(header::AUTHORIZATION).is_none(),
        "Authorization leaked to the CDN"
    );
    let notes = answer.json["trace"].to_string();
    assert!(notes.contains("no Authorization sent"), "{notes}");
}

#[tokio::test(flavor = "multi_thread")]
async fn redirect_loops_end_in_a_clear_error() {
    let setup = cdn_setup(Some("CDN/loop"));
    let (registry, cdn) = (
        setup.registry.addr().to_string(),
        setup.cdn.addr().to_string(),
    );
    let lading = Lading::allowing(&[&registry, &cdn]);
    let answer = lading
        .image_as(&format!("{registry}/r/app:v1"), "user", "pw")
        .await;
    assert_eq!(
        answer.status, 200,
        "the manifest is still shown: {:#}",
        answer.json
    );
    let error = answer.json["config_error"].as_str().unwrap();
    assert!(error.contains("more than 5 redirects"), "{error}");
    assert!(setup.seen.lock().unwrap().len() <= 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_to_private_addresses_are_refused() {
    for target in [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/blob",
        "CDN/blob",
    ] {
        let setup = cdn_setup(Some(target));
        // The CDN itself is not allow-listed here: loopback is private like the rest.
        let registry = setup.registry.addr().to_string();
        let lading = Lading::allowing(&[&registry]);
        let answer = lading
            .image_as(&format!("{registry}/r/app:v1"), "user", "pw")
            .await;
        let error = answer.json["config_error"].as_str().unwrap_or_default();
        assert!(
            error.contains("private or loopback")
                || error.contains("plain http")
                || error.contains("allow-listed for port"),
            "{target}: {error}"
        );
        assert!(
            setup.seen.lock().unwrap().is_empty(),
            "{target}: the CDN was contacted"
        );
    }
}
