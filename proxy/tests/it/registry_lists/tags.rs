//! Every vendor's tag list, complete across all its pages.

use lading_testkit::Vendor;

use super::{Stand, strings};

/// The public repository's tags as lading lists them equal the fixture's, whatever the
/// vendor's paging (`Link` relative or absolute, ACR's `orderby=`, ECR's `n` bound,
/// Google's one page, Harbor's `Link` only with `n`).
async fn every_tag_of(vendor: Vendor) {
    let stand = Stand::start(vendor);
    let fixtures = stand.world.fixtures().clone();
    let answer = stand.tags_as_needed(&fixtures.public_repo).await;
    let mut got = strings(&answer["tags"]);
    let mut want = fixtures.tags.clone();
    got.sort();
    want.sort();
    assert_eq!(
        got.len(),
        want.len(),
        "{vendor:?}: {} pages",
        answer["pages"]
    );
    assert_eq!(got, want, "{vendor:?}");
    // Only Artifactory's quirk entries (JSON null, digests listed as tags) are skipped.
    for skipped in answer["skipped"].as_array().unwrap() {
        let value = skipped["value"].as_str().unwrap();
        assert!(
            vendor == Vendor::Artifactory && (value == "null" || value.starts_with("\"sha256:")),
            "{vendor:?} skipped {skipped}"
        );
    }
    assert!(answer["pages"].as_u64().unwrap() >= 1);
    // Every page stayed on the registry's host and API.
    for exchange in answer["trace"].as_array().unwrap() {
        if exchange["purpose"] == "tag_page" {
            let url = exchange["url"].as_str().unwrap();
            assert!(url.contains("/v2/") && url.contains("/tags/list"), "{url}");
        }
    }
}

macro_rules! vendor_tests {
    ($($name:ident => $vendor:expr),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread")]
        async fn $name() {
            every_tag_of($vendor).await;
        }
    )*};
}

vendor_tests! {
    docker_hub_lists_every_tag => Vendor::DockerHub,
    ghcr_lists_every_tag => Vendor::Ghcr,
    gcr_lists_every_tag => Vendor::Gcr,
    artifact_registry_lists_every_tag => Vendor::ArtifactRegistry,
    quay_lists_every_tag => Vendor::Quay,
    ecr_lists_every_tag => Vendor::Ecr,
    public_ecr_lists_every_tag => Vendor::PublicEcr,
    acr_lists_every_tag => Vendor::Acr,
    gitlab_lists_every_tag => Vendor::GitLab,
    harbor_lists_every_tag => Vendor::Harbor,
    artifactory_lists_every_tag => Vendor::Artifactory,
}

/// The private repository's tags: denied without credentials, listed with them.
#[tokio::test(flavor = "multi_thread")]
async fn harbor_private_tags_need_credentials() {
    let stand = Stand::start(Vendor::Harbor);
    let fixtures = stand.world.fixtures().clone();
    let private = fixtures.private_repo.clone().unwrap();
    let repo = format!("{}/{private}", stand.world.registry());
    let (status, json, _) = stand.get(&super::tags_path(&repo), None, None).await;
    assert_eq!(status, 401, "{json}");
    let answer = stand.tags(&private, stand.credentials()).await;
    assert!(
        strings(&answer["tags"]).contains(&fixtures.private_tag),
        "{answer}"
    );
}
