//! Finding 1, the variations a second attacker tried on the shared caches: a pinned digest
//! answered with another cached manifest (the registry's `HEAD` named it), one odd 401
//! replacing the challenge everyone uses, and answers a cache in front of Lading could keep.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use lading_testkit::fixtures::{self, Blob, media_types};
use lading_testkit::{BackgroundServer, Registry};
use serde_json::json;

use crate::support::encode;

/// No answer made with credentials may be stored by a shared cache: one keyed by URL alone
/// would hand a signed-in person's answer to the next visitor. So every API answer varies on
/// the credentials headers, and none made with credentials is `public` (issue 11 made
/// anonymous answers cacheable: see `http_cache::` for the rules of each).
#[tokio::test(flavor = "multi_thread")]
async fn no_api_answer_may_be_stored_by_a_shared_cache() {
    let registry = Registry::htpasswd("cache-user", "cache-password");
    let pushed = fixtures::push_oci_image(&registry.pusher(), "cache/control", "v1").await;
    let lading = crate::support::Lading::allowing(&[&registry.host()]);
    let image = encode(&format!("{}/cache/control:v1", registry.host()));
    let pinned = encode(&format!(
        "{}/cache/control@{}",
        registry.host(),
        pushed.manifest.digest
    ));
    let layer = &pushed.layers[0].digest;
    let mut paths = Vec::new();
    for image in [&image, &pinned] {
        paths.extend([
            format!("/api/image?ref={image}"),
            format!("/api/layer?ref={image}&digest={layer}"),
            format!("/api/layer?ref={image}&digest={layer}"),
            format!("/api/merged?ref={image}"),
            format!("/api/file?ref={image}&path=/bin/sh&preview=16"),
            format!("/api/file?ref={image}&path=/bin/busybox"),
            format!("/api/blob?ref={image}&digest={layer}"),
            format!("/api/export?ref={image}"),
        ]);
    }
    paths.extend([
        format!(
            "/api/tags?repo={}",
            encode(&format!("{}/cache/control", registry.host()))
        ),
        format!("/api/catalog?registry={}", registry.host()),
        format!(
            "/api/image?ref={}",
            encode(&format!("{}/cache/none:v1", registry.host()))
        ),
        "/api/nothing-here".to_string(),
    ]);
    let credentials = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode("cache-user:cache-password")
    };
    for path in paths {
        let request = axum::http::Request::get(&path)
            .header(lading_shared::api::CREDENTIALS_HEADER, &credentials)
            .body(axum::body::Body::empty())
            .unwrap();
        let answer = lading.send_raw(request).await;
        let header = |name| answer.headers.get(name).map(|v| v.to_str().unwrap());
        let cache_control = header(header::CACHE_CONTROL).unwrap_or_default();
        assert!(
            ["private, no-cache", "no-store"].contains(&cache_control),
            "{path}: {} {cache_control:?}",
            answer.status
        );
        let vary = header(header::VARY).unwrap_or_default();
        assert!(
            vary.contains(lading_shared::api::CREDENTIALS_HEADER),
            "{path}: {vary:?}"
        );
    }
}

/// A fake registry for the cache variations below, answering from a closure.
fn scripted(
    name: &str,
    answer: impl Fn(&axum::http::Method, &str, &HeaderMap) -> Response + Clone + Send + Sync + 'static,
) -> BackgroundServer {
    let router = Router::new().fallback(
        move |method: axum::http::Method, uri: axum::http::Uri, headers: HeaderMap| {
            let answer = answer.clone();
            async move { answer(&method, uri.path(), &headers) }
        },
    );
    BackgroundServer::start(name, router)
}

fn manifest_answer(bytes: &[u8], digest: &str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, media_types::OCI_MANIFEST.to_string()),
        (
            header::HeaderName::from_static("docker-content-digest"),
            digest.to_string(),
        ),
    ];
    (headers, bytes.to_vec()).into_response()
}

/// Two small image manifests of one repository (their config is never fetched by the layer
/// routes, and an absent config is only a `config_error` for the image route).
fn two_manifests() -> (Vec<u8>, Vec<u8>) {
    let make = |seed: &str| {
        let config = Blob::json(media_types::OCI_CONFIG, &json!({"os": seed}));
        serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": media_types::OCI_MANIFEST,
            "config": config.descriptor().to_json(),
            "layers": [],
        }))
        .unwrap()
    };
    (make("linux"), make("other"))
}

/// `repo@B` must never be answered with the cached manifest A because the registry's `HEAD`
/// claimed `Docker-Content-Digest: A`: the digest asked for is the key.
#[tokio::test(flavor = "multi_thread")]
async fn a_pinned_digest_is_never_answered_with_another_cached_manifest() {
    let (a, b) = two_manifests();
    let (digest_a, digest_b) = (fixtures::sha256_digest(&a), fixtures::sha256_digest(&b));
    let pinned_b = format!("/v2/swap/img/manifests/{digest_b}");
    let (a2, da) = (a.clone(), digest_a.clone());
    let registry = scripted("swap-registry", move |_, path, _| match path {
        "/v2/" => Json(json!({})).into_response(),
        "/v2/swap/img/manifests/a" => manifest_answer(&a2, &da),
        // It lies about B's digest on HEAD and sends A's bytes on GET.
        p if p == pinned_b => manifest_answer(&a2, &da),
        _ => StatusCode::NOT_FOUND.into_response(),
    });
    let lading = crate::support::Lading::allowing(&[&registry.addr().to_string()]);
    let tag = encode(&format!("{}/swap/img:a", registry.addr()));
    let first = lading.get(&format!("/api/image?ref={tag}"), None).await;
    assert_eq!(first.json["digest"], digest_a.as_str(), "{:#}", first.json);
    let pinned = encode(&format!("{}/swap/img@{digest_b}", registry.addr()));
    let second = lading.get(&format!("/api/image?ref={pinned}"), None).await;
    assert_ne!(second.json["digest"], digest_a.as_str(), "A answered for B");
    assert_eq!(second.kind(), "integrity", "{:#}", second.json);
}

/// One odd 401 (a blob answered with an unusable token realm) must not replace the
/// registry's challenge for everyone: the next visitor's requests still authenticate.
#[tokio::test(flavor = "multi_thread")]
async fn one_odd_401_does_not_poison_the_shared_challenge() {
    let (manifest, _) = two_manifests();
    let digest = fixtures::sha256_digest(&manifest);
    let host = Arc::new(std::sync::OnceLock::<String>::new());
    let realm_host = host.clone();
    let registry = scripted("challenge-registry", move |_, path, headers| {
        let realm = format!("http://{}/token", realm_host.get().unwrap());
        let challenge = |realm: &str| {
            let value = format!("Bearer realm=\"{realm}\",service=\"fake\"");
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, value)],
            )
                .into_response()
        };
        let signed_in = headers
            .get(header::AUTHORIZATION)
            .is_some_and(|v| v.as_bytes() == b"Bearer t0ken");
        match path {
            "/token" => Json(json!({"token": "t0ken"})).into_response(),
            _ if !signed_in => challenge(&realm),
            "/v2/" => Json(json!({})).into_response(),
            "/v2/odd/img/manifests/v1" => manifest_answer(&manifest, &digest),
            // The config blob: a 401 whose realm is no URL at all.
            p if p.starts_with("/v2/odd/img/blobs/") => challenge("::not a url::"),
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    });
    host.set(registry.addr().to_string()).unwrap();
    let lading = crate::support::Lading::allowing(&[&registry.addr().to_string()]);
    let image = format!(
        "/api/image?ref={}",
        encode(&format!("{}/odd/img:v1", registry.addr()))
    );
    let first = lading.get(&image, None).await;
    assert_eq!(first.status, 200, "{:#}", first.json);
    assert!(first.json.get("config_error").is_some(), "{:#}", first.json);
    let second = lading.get(&image, None).await;
    assert_eq!(
        second.status, 200,
        "the registry still works: {:#}",
        second.json
    );
}
