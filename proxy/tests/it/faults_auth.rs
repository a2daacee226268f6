//! Token servers that fail: down (the challenge's realm is a closed port), answering garbage
//! (not JSON, JSON without a token, a token that is not a string), failing, cut, endless.
//! Each is a typed, explained error; a failed token is never cached, so the registry works
//! again as soon as its token server does.

use crate::faults_common;

use axum::http::StatusCode;
use faults_common::{App, assert_download_fails, assert_error};
use lading_testkit::{Fault, FaultRegistry, Target};

#[tokio::test(flavor = "multi_thread")]
async fn a_token_server_that_is_down_is_unreachable() {
    let (app, healthy, faulty) = (
        App::new(),
        FaultRegistry::with_token_auth(),
        FaultRegistry::with_token_auth(),
    );
    faulty.inject(Target::Token, Fault::Down);
    let (status, error) = app.image(&faulty.reference()).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_error(&error, "unreachable", &["could not reach 127.0.0.1"]);
    let trace = error["trace"].to_string();
    assert!(
        trace.contains("token request"),
        "the trace shows where: {trace}"
    );
    assert_error(&app.layer_failure(&faulty).await, "unreachable", &[]);
    let digest = faulty.image().layer_digest.clone();
    assert_download_fails(&app.blob(&faulty, &digest).await, "unreachable");
    assert!(faulty.issued_tokens().is_empty());
    app.assert_healthy(&healthy).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_server_answering_garbage_is_bad_upstream() {
    let (app, healthy) = (App::new(), FaultRegistry::with_token_auth());
    for fault in [Fault::Html, Fault::TokenMissing, Fault::TokenNotString] {
        let faulty = FaultRegistry::with_token_auth();
        faulty.inject(Target::Token, fault.clone());
        let (status, error) = app.image(&faulty.reference()).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{fault:?}");
        assert_error(&error, "bad_upstream", &["token server", "without a token"]);
        let (_, error) = app.tags(&faulty).await;
        assert_error(&error, "bad_upstream", &["without a token"]);
        assert_error(
            &app.layer_failure(&faulty).await,
            "bad_upstream",
            &["token"],
        );

        // Nothing of the failure is cached: the token server recovers, so does the registry.
        faulty.heal(Target::Token);
        let (status, image) = app.image(&faulty.reference()).await;
        assert_eq!(status, StatusCode::OK, "{fault:?} healed: {image:#}");
    }
    app.assert_healthy(&healthy).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_cut_or_endless_token_answer_is_typed() {
    let (app, healthy) = (App::new(), FaultRegistry::with_token_auth());
    let cases = [
        (
            Fault::Status {
                status: 500,
                json_body: true,
            },
            "upstream",
            "500",
        ),
        (Fault::ResetMidBody, "unreachable", "connection broke"),
        (Fault::Endless, "too_large", "token response"),
    ];
    for (fault, kind, says) in cases {
        let faulty = FaultRegistry::with_token_auth();
        faulty.inject(Target::Token, fault.clone());
        let (_, error) = app.image(&faulty.reference()).await;
        assert_error(&error, kind, &[says]);
        assert_download_fails(&app.file(&faulty).await, kind);
    }
    app.assert_healthy(&healthy).await;
}
