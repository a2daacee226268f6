//! Answers that arrive whole but are not what was asked for: an HTML page (a captive portal,
//! a misrouted proxy) where a manifest, tag list or blob should be, JSON cut off mid-way, a
//! Content-Type that lies about a good body. Refused with the reason, or — when only the
//! label is wrong — read correctly from the bytes.

use crate::faults_common;

use axum::http::StatusCode;
use faults_common::{App, assert_download_fails, assert_error};
use lading_testkit::{Fault, FaultRegistry, Target};

#[tokio::test(flavor = "multi_thread")]
async fn an_html_or_broken_manifest_is_refused_as_unreadable() {
    let (app, healthy) = (App::new(), FaultRegistry::start());
    for fault in [Fault::Html, Fault::MalformedJson] {
        let faulty = FaultRegistry::start();
        faulty.inject(Target::Manifest, fault.clone());
        let (status, error) = app.image(&faulty.reference()).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{fault:?}");
        assert_error(&error, "bad_upstream", &["manifest Lading cannot read"]);
        let layer = app.layer_failure(&faulty).await;
        assert_error(&layer, "bad_upstream", &["manifest"]);
        let digest = faulty.image().layer_digest.clone();
        assert_download_fails(&app.blob(&faulty, &digest).await, "bad_upstream");
        assert_download_fails(&app.file(&faulty).await, "bad_upstream");
    }
    app.assert_healthy(&healthy).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_html_or_broken_tag_list_is_refused_as_unexpected() {
    let (app, healthy) = (App::new(), FaultRegistry::start());
    for fault in [Fault::Html, Fault::MalformedJson] {
        let faulty = FaultRegistry::start();
        faulty.inject(Target::Tags, fault);
        let (status, error) = app.tags(&faulty).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert_error(
            &error,
            "bad_upstream",
            &["tag list is not the expected JSON"],
        );
    }
    app.assert_healthy(&healthy).await;
}

/// An HTML page instead of a blob is not the blob: its length and digest say so.
#[tokio::test(flavor = "multi_thread")]
async fn an_html_page_instead_of_a_blob_is_an_integrity_error() {
    let (app, healthy, faulty) = (App::new(), FaultRegistry::start(), FaultRegistry::start());
    faulty.inject(Target::Layer, Fault::Html);
    faulty.inject(Target::Config, Fault::Html);
    let error = app.layer_failure(&faulty).await;
    assert_error(&error, "integrity", &["length of blob"]);
    let digest = faulty.image().layer_digest.clone();
    assert_download_fails(&app.blob(&faulty, &digest).await, "integrity");
    assert_download_fails(&app.file(&faulty).await, "integrity");
    let (status, image) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::OK);
    let config_error = image["config_error"].as_str().unwrap_or_default();
    assert!(
        config_error.contains("did not match its digest"),
        "{image:#}"
    );
    app.assert_healthy(&healthy).await;
}

/// A good manifest labelled `text/html` is read from its bytes, and the label is shown as
/// sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_manifest_whose_content_type_lies_is_read_from_its_bytes() {
    let (app, faulty) = (App::new(), FaultRegistry::start());
    faulty.inject(Target::Manifest, Fault::ContentTypeLies);
    let (status, image) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::OK, "{image:#}");
    assert_eq!(image["digest"], faulty.image().manifest_digest.as_str());
    assert_eq!(image["content_type"], "text/html");
    assert_eq!(
        image["config"]["digest"],
        faulty.image().config_digest.as_str()
    );
    let listing = app.layer(&faulty).await.expect("lists");
    assert!(listing.done().verified);
}
