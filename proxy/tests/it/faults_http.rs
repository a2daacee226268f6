//! Upstream failures by status: 5xx with and without a registry error body, 429 with
//! `Retry-After`, a redirect loop, a CDN that is down. Each reaches the person as a typed,
//! explained `ApiError` through every endpoint that meets it, and the same app answers a
//! healthy registry right after.

use crate::faults_common;
use crate::support;

use axum::http::StatusCode;
use faults_common::{App, assert_download_fails, assert_error};
use lading_testkit::{Fault, FaultRegistry, Target};

/// A 503 from the manifest endpoint (no body: HEAD never has one) is `upstream`, naming
/// the status, for the image and for every layer route.
#[tokio::test(flavor = "multi_thread")]
async fn a_503_on_the_manifest_is_upstream_everywhere() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    let fault = Fault::Status {
        status: 503,
        json_body: false,
    };
    faulty.inject(Target::Manifest, fault);

    let (status, error) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_error(&error, "upstream", &["503", "manifest"]);
    assert_error(&app.layer_failure(&faulty).await, "upstream", &["503"]);
    let digest = faulty.image().layer_digest.clone();
    assert_download_fails(&app.blob(&faulty, &digest).await, "upstream");
    assert_download_fails(&app.file(&faulty).await, "upstream");
    assert!(faulty.faults_fired() >= 4);
    app.assert_healthy(&healthy).await;
}

/// 500 and 502 with the registry's JSON error body: the codes reach the person.
#[tokio::test(flavor = "multi_thread")]
async fn a_5xx_with_an_error_body_carries_the_registry_errors() {
    let (app, healthy) = (App::new(), FaultRegistry::start());
    for (status, target) in [
        (500, Target::Tags),
        (502, Target::Layer),
        (503, Target::Ping),
    ] {
        let faulty = FaultRegistry::start();
        faulty.inject(
            target,
            Fault::Status {
                status,
                json_body: true,
            },
        );
        let error = match target {
            Target::Tags => app.tags(&faulty).await.1,
            Target::Layer => app.layer_failure(&faulty).await,
            _ => app.image(&faulty.reference()).await.1,
        };
        assert_error(&error, "upstream", &[&status.to_string()]);
        assert_eq!(
            error["registry_errors"][0]["code"], "UNAVAILABLE",
            "{target:?}: {error:#}"
        );
        if target == Target::Layer {
            let digest = faulty.image().layer_digest.clone();
            assert_download_fails(&app.blob(&faulty, &digest).await, "upstream");
        }
    }
    app.assert_healthy(&healthy).await;
}

/// 429 keeps its status and `Retry-After` from manifest, tags, layer and token alike.
#[tokio::test(flavor = "multi_thread")]
async fn a_429_keeps_its_retry_after_through_every_route() {
    let (app, healthy) = (App::new(), FaultRegistry::start());
    let limited = Fault::TooManyRequests { retry_after: 7 };
    let check = |status: StatusCode, error: &serde_json::Value| {
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{error:#}");
        assert_error(error, "too_many_requests", &["rate-limiting"]);
        assert_eq!(error["retry_after"], 7, "{error:#}");
    };

    let faulty = FaultRegistry::start();
    faulty.inject(Target::Manifest, limited.clone());
    let path = format!("/api/image?ref={}", support::encode(&faulty.reference()));
    let answer = app.call(&path).await;
    assert_eq!(answer.headers["retry-after"], "7", "the header is kept too");
    let (status, error) = app.image(&faulty.reference()).await;
    check(status, &error);

    let faulty = FaultRegistry::start();
    faulty.inject(Target::Tags, limited.clone());
    let (status, error) = app.tags(&faulty).await;
    check(status, &error);
    assert_eq!(error["registry_errors"][0]["code"], "TOOMANYREQUESTS");

    let faulty = FaultRegistry::start();
    faulty.inject(Target::Layer, limited.clone());
    check(
        StatusCode::TOO_MANY_REQUESTS,
        &app.layer_failure(&faulty).await,
    );
    let digest = faulty.image().layer_digest.clone();
    let blob = app.blob(&faulty, &digest).await;
    check(blob.status, &blob.error());
    let file = app.file(&faulty).await;
    check(file.status, &file.error());

    let faulty = FaultRegistry::with_token_auth();
    faulty.inject(Target::Token, limited);
    let (status, error) = app.image(&faulty.reference()).await;
    check(status, &error);
    app.assert_healthy(&healthy).await;
}

/// A blob that redirects to itself forever stops at the hop limit, named as such.
#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_loop_stops_at_the_hop_limit() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    faulty.inject(Target::Layer, Fault::RedirectLoop);
    faulty.inject(Target::Config, Fault::RedirectLoop);

    let error = app.layer_failure(&faulty).await;
    assert_redirects(&error);
    let digest = faulty.image().layer_digest.clone();
    let blob = app.blob(&faulty, &digest).await;
    assert_eq!(blob.status, StatusCode::BAD_GATEWAY);
    assert_redirects(&blob.error());
    // The image still shows; only its config is explained as missing.
    let (status, image) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::OK, "{image:#}");
    let config_error = image["config_error"].as_str().unwrap_or_default();
    assert!(config_error.contains("redirect"), "{image:#}");
    let hops = faulty
        .requests()
        .iter()
        .filter(|r| r.contains("/blobs/"))
        .count();
    assert!(hops <= 3 * 7, "bounded hops: {hops}");
    app.assert_healthy(&healthy).await;
}

fn assert_redirects(error: &serde_json::Value) {
    // `bad_upstream` before the limits audit, `too_large` ("more than 5 redirects") after.
    let kind = error["kind"].as_str().unwrap_or_default();
    assert!(matches!(kind, "bad_upstream" | "too_large"), "{error:#}");
    assert_error(error, kind, &["redirect", "5"]);
}

/// A CDN that is down (the registry redirects to a closed port): `unreachable`, naming it.
#[tokio::test(flavor = "multi_thread")]
async fn a_cdn_that_is_down_is_unreachable() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    faulty.inject(Target::Layer, Fault::Down);
    let error = app.layer_failure(&faulty).await;
    assert_error(&error, "unreachable", &["127.0.0.1"]);
    let digest = faulty.image().layer_digest.clone();
    assert_download_fails(&app.blob(&faulty, &digest).await, "unreachable");
    assert_download_fails(&app.file(&faulty).await, "unreachable");
    app.assert_healthy(&healthy).await;
}

/// Regression: a layer listing read once for several waiters (`/api/file`, `/api/merged`)
/// turned its failure into text, so a 429 became `bad_upstream` without `Retry-After` and an
/// unreachable CDN became `bad_upstream` too.
#[tokio::test(flavor = "multi_thread")]
async fn a_shared_listing_failure_keeps_its_kind_and_retry_after() {
    let (app, faulty) = (App::new(), FaultRegistry::start());
    faulty.inject(Target::Layer, Fault::TooManyRequests { retry_after: 7 });
    let file = app.file(&faulty).await;
    assert_eq!(file.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(file.error()["retry_after"], 7);
    let merged = format!("/api/merged?ref={}", support::encode(&faulty.reference()));
    let answer = app.call(&merged).await;
    let body = String::from_utf8(answer.body.expect("a whole stream")).unwrap();
    let last: serde_json::Value =
        serde_json::from_str(body.lines().last().expect("a last line")).unwrap();
    assert_eq!(last["event"], "error", "{body}");
    assert_eq!(last["kind"], "too_many_requests", "{last:#}");
    assert_eq!(last["retry_after"], 7);
}
