//! Tag details where the vendor gives them for free, in the same `/api/tags` answer.

use lading_testkit::Vendor;
use serde_json::Value;

use super::{Stand, is_utc_seconds};

/// Details from `source` for most of the public repository's tags, each date RFC 3339 UTC.
async fn details_of(vendor: Vendor, source: &str, created: bool) -> Value {
    let stand = Stand::start(vendor);
    let fixtures = stand.world.fixtures().clone();
    let answer = stand.tags_as_needed(&fixtures.public_repo).await;
    assert_eq!(
        answer["detail_source"], source,
        "{vendor:?}: {}",
        answer["detail_error"]
    );
    assert!(
        answer["detail_error"].is_null(),
        "{vendor:?}: {}",
        answer["detail_error"]
    );
    let details = answer["details"].as_array().unwrap();
    assert!(
        details.len() >= fixtures.tags.len() * 9 / 10,
        "{vendor:?}: {} details for {} tags",
        details.len(),
        fixtures.tags.len()
    );
    let latest = details
        .iter()
        .find(|d| d["name"] == fixtures.image_tag)
        .unwrap_or_else(|| panic!("{vendor:?}: no detail for {}", fixtures.image_tag));
    let date = if created {
        &latest["created"]
    } else {
        &latest["pushed"]
    };
    let date = date
        .as_str()
        .unwrap_or_else(|| panic!("{vendor:?}: no date in {latest}"));
    assert!(is_utc_seconds(date), "{vendor:?}: {date}");
    assert_eq!(
        latest["digest"],
        fixtures.image.manifest.digest.as_str(),
        "{latest}"
    );
    answer
}

#[tokio::test(flavor = "multi_thread")]
async fn gcr_dates_come_from_the_manifest_map() {
    let answer = details_of(Vendor::Gcr, "google_tag_list", true).await;
    // One page for everything (n=10000), no REST call.
    assert_eq!(answer["pages"], 1);
    let purposes: Vec<_> = answer["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["purpose"])
        .collect();
    assert!(
        !purposes.iter().any(|p| *p == "registry_api"),
        "{purposes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn artifact_registry_dates_come_from_the_manifest_map() {
    details_of(Vendor::ArtifactRegistry, "google_tag_list", true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn quay_dates_come_from_its_rest_api() {
    let answer = details_of(Vendor::Quay, "quay_api", false).await;
    let rest = answer["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["purpose"] == "registry_api")
        .count();
    assert!(rest >= 2, "the REST API has more than one page: {rest}");
}

#[tokio::test(flavor = "multi_thread")]
async fn harbor_dates_come_from_its_rest_api() {
    details_of(Vendor::Harbor, "harbor_api", false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registries_without_details_say_nothing() {
    let stand = Stand::start(Vendor::Ghcr);
    let fixtures = stand.world.fixtures().clone();
    let answer = stand.tags_as_needed(&fixtures.public_repo).await;
    assert!(answer.get("detail_source").is_none(), "{answer}");
    assert!(answer.get("details").is_none());
}
