//! An index's children are asked for all at once: a fake registry holds each child's answer
//! until every child has been asked for, so children fetched a few at a time would never all
//! arrive, and each held answer gives up (bounded) with a 503 the test sees.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lading_testkit::BackgroundServer;
use lading_testkit::fixtures::Blob;
use lading_testkit::fixtures::media_types::{OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};
use serde_json::json;
use tokio::sync::watch;

use crate::support::Lading;

/// Children of the index: more than the old four-at-a-time, fewer than the bound.
const CHILDREN: usize = 12;
/// How long a held child answer waits for the others before giving up.
const HOLD_BOUND: Duration = Duration::from_secs(10);

#[derive(Clone)]
struct Fake {
    index: Arc<Blob>,
    children: Arc<Vec<Blob>>,
    arrived: Arc<AtomicUsize>,
    all_arrived: watch::Sender<bool>,
}

fn child(n: usize) -> Blob {
    let config = Blob::json(
        OCI_CONFIG,
        &json!({ "architecture": format!("arch{n}"), "os": "linux" }),
    );
    let layer = Blob::new(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        vec![n as u8; 64],
    );
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor().to_json(),
        "layers": [layer.descriptor().to_json()],
    });
    Blob::json(OCI_MANIFEST, &manifest)
}

async fn manifest(
    State(fake): State<Fake>,
    Path((_, _, reference)): Path<(String, String, String)>,
) -> Response {
    if reference == "v1" {
        return served(&fake.index);
    }
    let Some(child) = fake.children.iter().find(|c| c.digest() == reference) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if fake.arrived.fetch_add(1, Ordering::SeqCst) + 1 == fake.children.len() {
        fake.all_arrived.send_replace(true);
    }
    let mut all = fake.all_arrived.subscribe();
    match tokio::time::timeout(HOLD_BOUND, all.wait_for(|a| *a)).await {
        Ok(Ok(_)) => served(child),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "children arrived one by one",
        )
            .into_response(),
    }
}

fn served(blob: &Blob) -> Response {
    (
        [
            ("content-type", blob.media_type.clone()),
            ("docker-content-digest", blob.digest()),
        ],
        blob.bytes.clone(),
    )
        .into_response()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_index_s_children_are_asked_for_at_once() {
    let children: Vec<Blob> = (0..CHILDREN).map(child).collect();
    let entries: Vec<_> = children
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let platform = json!({ "architecture": format!("arch{n}"), "os": "linux" });
            c.descriptor().with_platform(platform).to_json()
        })
        .collect();
    let index = json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries });
    let fake = Fake {
        index: Arc::new(Blob::json(OCI_INDEX, &index)),
        children: Arc::new(children),
        arrived: Arc::new(AtomicUsize::new(0)),
        all_arrived: watch::channel(false).0,
    };
    let router = Router::new()
        .route("/v2/", get(|| async { "{}" }))
        .route("/v2/{ns}/{name}/manifests/{reference}", get(manifest))
        .with_state(fake);
    let server = BackgroundServer::start("held-children", router);
    let host = server.addr().to_string();
    let lading = Lading::allowing(&[&host]);
    let answer = lading.image(&format!("{host}/held/index:v1")).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let summaries = answer.json["children"].as_array().unwrap();
    assert_eq!(summaries.len(), CHILDREN);
    for summary in summaries {
        assert!(summary.get("error").is_none(), "held too long: {summary:#}");
        assert_eq!(summary["layer_count"], 1, "{summary:#}");
    }
}
