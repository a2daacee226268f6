//! gcr.io and Artifact Registry fakes: skopeo cross-check, and the quirks seen on the wire.

use lading_testkit::{Vendor, World};
use serde_json::Value;

use super::world_common::{Check, cross_check, get, header, lexical};

#[test]
fn skopeo_reads_the_gcr_fake() {
    let world = World::start(Vendor::Gcr);
    let check = Check {
        creds_for_public: false,
        expected_tags: lexical(&world),
        no_auth_hosts: &["storage.googleapis.com"],
    };
    cross_check(&world, check);
    assert!(
        world
            .requests()
            .iter()
            .any(|r| r.host == "storage.googleapis.com")
    );
}

#[tokio::test]
async fn gcr_quirks_are_on_the_wire() {
    let world = World::start(Vendor::Gcr);
    let f = world.fixtures();
    let (status, headers, _) = get(&world, "https://gcr.io/v2/", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Bearer realm=\"https://gcr.io/v2/token\",service=gcr.io"
    );
    // After the ping: 401 without a challenge.
    let tags_url = format!("https://gcr.io/v2/{}/tags/list", f.public_repo);
    let (status, headers, _) = get(&world, &tags_url, &[]).await;
    assert_eq!(status, 401);
    assert!(headers.get("www-authenticate").is_none());
    let token_url = format!(
        "https://gcr.io/v2/token?service=gcr.io&scope=repository:{}:pull",
        f.public_repo
    );
    let (status, _, body) = get(&world, &token_url, &[]).await;
    assert_eq!(status, 200);
    let token: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(token["expires_in"], 43200);
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    // Everything in one page even when n asks for less; child and manifest map.
    let (status, headers, body) = get(
        &world,
        &format!("{tags_url}?n=10"),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(status, 200);
    assert!(headers.get("link").is_none());
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["tags"].as_array().unwrap().len(), f.tags.len());
    assert_eq!(page["child"], serde_json::json!(["nested"]));
    let entry = &page["manifest"][&f.image.manifest.digest];
    assert!(
        entry["timeCreatedMs"].is_string() && entry["imageSizeBytes"].is_string(),
        "{entry}"
    );
    assert!(
        entry["tag"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "latest")
    );
}

#[test]
fn skopeo_reads_the_artifact_registry_fake() {
    let world = World::start(Vendor::ArtifactRegistry);
    assert_eq!(world.registry(), "us-docker.pkg.dev");
    let check = Check {
        creds_for_public: false,
        expected_tags: lexical(&world),
        no_auth_hosts: &[],
    };
    cross_check(&world, check);
}

#[tokio::test]
async fn artifact_registry_challenge_has_no_service() {
    let world = World::start(Vendor::ArtifactRegistry);
    let (status, headers, _) = get(&world, "https://us-docker.pkg.dev/v2/", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Bearer realm=\"https://us-docker.pkg.dev/v2/token\""
    );
}
