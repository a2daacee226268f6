//! Bodies that break: a reset mid-body, a body shorter than its `Content-Length`, bytes that
//! are not what the digest says, a drip, a stall, a body that never ends. A listing must end
//! in an `error` event (never `done`), a download must break (never complete a wrong file),
//! and each failure is named for what happened: integrity only when bytes were wrong, a
//! network failure when the connection broke, a timeout when it stalled.

use crate::faults_common;

use axum::http::StatusCode;
use faults_common::{
    App, FAST_DRIP, STALLING_DRIP, assert_download_fails, assert_error, short_limits,
};
use lading_testkit::{Fault, FaultRegistry, Target};

/// Every route that reads the layer, for a fault on the layer: listing, download, file.
async fn layer_routes_fail(app: &App, faulty: &FaultRegistry, kind: &str, says: &[&str]) {
    let error = app.layer_failure(faulty).await;
    assert_error(&error, kind, says);
    let digest = faulty.image().layer_digest.clone();
    assert_download_fails(&app.blob(faulty, &digest).await, kind);
    let file = app.file(faulty).await;
    assert_download_fails(&file, kind);
    if file.body.is_ok() {
        assert_error(&file.error(), kind, says);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_mid_body_is_a_broken_connection_not_a_verified_layer() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    faulty.inject(Target::Layer, Fault::ResetMidBody);
    layer_routes_fail(&app, &faulty, "unreachable", &["connection broke"]).await;
    // The harness really resets (the OS's words, passed through for the person).
    let error = app.layer_failure(&faulty).await;
    assert_error(&error, "unreachable", &["connection reset"]);

    // A reset manifest or tag list: the same kind, saying what was being read.
    let faulty = FaultRegistry::start();
    faulty.inject(Target::Manifest, Fault::ResetMidBody);
    faulty.inject(Target::Tags, Fault::ResetMidBody);
    let (status, error) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_error(&error, "unreachable", &["manifest"]);
    assert_error(&app.tags(&faulty).await.1, "unreachable", &["tag list"]);
    app.assert_healthy(&healthy).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_body_is_never_taken_for_the_whole() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    faulty.inject(Target::Layer, Fault::Truncated);
    layer_routes_fail(&app, &faulty, "unreachable", &["connection broke"]).await;
    let error = app.layer_failure(&faulty).await;
    assert_error(&error, "unreachable", &["before message length"]);

    let faulty = FaultRegistry::start();
    faulty.inject(Target::Manifest, Fault::Truncated);
    faulty.inject(Target::Config, Fault::Truncated);
    let (_, error) = app.image(&faulty.reference()).await;
    assert_error(&error, "unreachable", &["manifest"]);
    faulty.heal(Target::Manifest);
    let (status, image) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::OK, "{image:#}");
    assert!(image["config"].is_null(), "a short config is not shown");
    let config_error = image["config_error"].as_str().unwrap_or_default();
    assert!(config_error.contains("connection broke"), "{image:#}");
    app.assert_healthy(&healthy).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_bytes_are_an_integrity_error() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    faulty.inject(Target::Layer, Fault::WrongDigest);
    let digest = faulty.image().layer_digest.clone();
    layer_routes_fail(
        &app,
        &faulty,
        "integrity",
        &["did not match its digest", &digest],
    )
    .await;

    // Config: the image shows, the config is refused. Manifest by digest: refused.
    let faulty = FaultRegistry::start();
    faulty.inject(Target::Config, Fault::WrongDigest);
    let (status, image) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::OK);
    let config_error = image["config_error"].as_str().unwrap_or_default();
    assert!(
        config_error.contains("did not match its digest"),
        "{image:#}"
    );
    // A fresh registry: the healthy manifest is cached by digest now, rightly.
    let faulty = FaultRegistry::start();
    faulty.inject(Target::Manifest, Fault::WrongDigest);
    let (status, error) = app.image(&faulty.digest_reference()).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_error(
        &error,
        "integrity",
        &["manifest", &faulty.image().manifest_digest],
    );
    app.assert_healthy(&healthy).await;
}

/// A registry that stops sending (a drip slower than the idle limit) times out on every
/// route; a drip fast enough to stay under the idle limit still hits the whole-request limit
/// on manifests and tag lists.
#[tokio::test(flavor = "multi_thread")]
async fn stalls_and_drips_hit_the_time_limits() {
    let (app, healthy) = (App::new(), FaultRegistry::start());
    let stall = Fault::SlowDrip {
        every: STALLING_DRIP,
    };
    let faulty = FaultRegistry::start();
    faulty.inject(Target::Layer, stall.clone());
    let error = app.layer_failure(&faulty).await;
    assert_error(&error, "timeout", &["127.0.0.1"]);
    let digest = faulty.image().layer_digest.clone();
    assert_download_fails(&app.blob(&faulty, &digest).await, "timeout");

    let faulty = FaultRegistry::start();
    faulty.inject(Target::Manifest, Fault::SlowDrip { every: FAST_DRIP });
    faulty.inject(Target::Tags, Fault::SlowDrip { every: FAST_DRIP });
    let (status, error) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{error:#}");
    assert_error(&error, "timeout", &["timed out"]);
    let (status, error) = app.tags(&faulty).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{error:#}");
    app.assert_healthy(&healthy).await;
    assert!(short_limits().idle_read < STALLING_DRIP);
}

/// A body that never ends is cut by a size limit: the manifest's and the tag page's caps,
/// the layer's own descriptor size.
#[tokio::test(flavor = "multi_thread")]
async fn an_endless_body_is_cut_by_a_size_limit() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    faulty.inject(Target::Manifest, Fault::Endless);
    faulty.inject(Target::Tags, Fault::Endless);
    let (_, error) = app.image(&faulty.reference()).await;
    assert_error(&error, "too_large", &["manifest", "limit"]);
    let (_, error) = app.tags(&faulty).await;
    assert_error(&error, "too_large", &["tag list"]);

    let faulty = FaultRegistry::start();
    faulty.inject(Target::Layer, Fault::Endless);
    let size = faulty.image().layer.len().to_string();
    layer_routes_fail(&app, &faulty, "integrity", &[&size]).await;
    app.assert_healthy(&healthy).await;
}
