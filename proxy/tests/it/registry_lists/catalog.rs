//! `/api/catalog`: every page of `_catalog` where a registry offers one, filtered by a
//! namespace; `no_catalog` saying what to use instead where it does not.

use lading_testkit::Vendor;
use serde_json::Value;

use super::{Stand, catalog_path};

fn names(answer: &Value) -> Vec<String> {
    answer["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

/// The catalog lists every repository of the World (with credentials where the catalog
/// wants them), and the public repository's namespace filters it by whole segments.
async fn catalog_of(vendor: Vendor) {
    let stand = Stand::start(vendor);
    let fixtures = stand.world.fixtures().clone();
    let registry = stand.world.registry().to_string();
    let path = catalog_path(&registry, None);
    let (mut status, mut answer, _) = stand.get(&path, None, None).await;
    // Asked anonymously, some catalogs want credentials (Harbor) and some answer as if
    // there were none (ACR): either way, signed in they list.
    if status == 401 || answer["kind"] == "no_catalog" {
        assert!(
            matches!(answer["kind"].as_str(), Some("unauthorized" | "no_catalog")),
            "{answer}"
        );
        (status, answer, _) = stand.get(&path, stand.credentials(), None).await;
    }
    assert_eq!(status, 200, "{vendor:?}: {answer}");
    assert_eq!(answer["source"], "catalog");
    let listed = names(&answer);
    assert!(
        listed.contains(&fixtures.public_repo),
        "{vendor:?}: {listed:?}"
    );
    assert!(
        listed.contains(&fixtures.nested_repo),
        "{vendor:?}: {listed:?}"
    );
    let trace = answer["trace"].as_array().unwrap();
    assert!(trace.iter().any(|e| e["purpose"] == "catalog_page"));

    let namespace = fixtures.public_repo.split('/').next().unwrap().to_string();
    let path = catalog_path(&registry, Some(&namespace));
    let (status, filtered, _) = stand.get(&path, stand.credentials(), None).await;
    assert_eq!(status, 200, "{filtered}");
    let filtered = names(&filtered);
    assert!(filtered.contains(&fixtures.public_repo), "{filtered:?}");
    let prefix = format!("{namespace}/");
    assert!(
        filtered
            .iter()
            .all(|n| n == &namespace || n.starts_with(&prefix)),
        "{filtered:?}"
    );
    assert!(filtered.len() < listed.len() || listed.iter().all(|n| n.starts_with(&prefix)));
}

#[tokio::test(flavor = "multi_thread")]
async fn acr_catalog_every_page_and_a_prefix() {
    catalog_of(Vendor::Acr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn harbor_catalog_wants_credentials_then_lists() {
    catalog_of(Vendor::Harbor).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn quay_catalog_every_page_and_a_prefix() {
    catalog_of(Vendor::Quay).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn artifactory_catalog_every_page_and_a_prefix() {
    catalog_of(Vendor::Artifactory).await;
}

/// `no_catalog`, with what to use instead.
async fn no_catalog(vendor: Vendor, instead: &str) {
    let stand = Stand::start(vendor);
    let path = catalog_path(stand.world.registry(), None);
    let (status, answer, _) = stand.get(&path, stand.credentials(), None).await;
    assert_eq!(status, 404, "{vendor:?}: {answer}");
    assert_eq!(answer["kind"], "no_catalog", "{vendor:?}: {answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains(instead), "{vendor:?}: {message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_hub_has_no_catalog_name_a_namespace() {
    no_catalog(Vendor::DockerHub, "?registry=docker.io&namespace=library").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ghcr_has_no_catalog_see_github() {
    no_catalog(Vendor::Ghcr, "github.com").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ecr_has_no_catalog_type_a_repository() {
    no_catalog(Vendor::Ecr, "type a repository").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gitlab_has_no_catalog_type_a_repository() {
    no_catalog(Vendor::GitLab, "type a repository").await;
}
