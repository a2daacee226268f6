//! The ghcr.io fake cross-checked with skopeo (a real client): inspect, every page of tags,
//! copy to `dir:`, and the private repository denied then read with credentials.

use super::world_common::{assert_copied, assert_no_auth_to, inspect_digest, list_tags};
use lading_testkit::{Vendor, World};

#[test]
fn skopeo_reads_the_ghcr_fake() {
    let world = World::start(Vendor::Ghcr);
    let f = world.fixtures();
    assert_eq!(world.registry(), "ghcr.io");
    let public = format!("docker://ghcr.io/{}", f.public_repo);

    assert_eq!(
        inspect_digest(&world, &format!("{public}:latest"), &[]),
        f.image.manifest.digest
    );
    let raw = world.skopeo_ok(&["inspect", "--raw", &format!("{public}:{}", f.index_tag)]);
    assert_eq!(raw.as_bytes(), f.index.index.manifest_bytes.as_slice());

    // Oldest first, 100 a page: skopeo follows the relative Link.
    world.clear_requests();
    assert_eq!(list_tags(&world, &public, &[]), f.tags);
    let pages = world
        .requests()
        .iter()
        .filter(|r| r.host == "ghcr.io" && r.path().ends_with("/tags/list"))
        .filter(|r| r.header("authorization").is_some())
        .count();
    assert_eq!(pages, 2, "134 tags at 100 a page");

    assert_copied(&world, &format!("{public}:latest"), &f.image, &[]);
    let cdn_hits = world
        .requests()
        .iter()
        .filter(|r| r.host == "pkg-containers.githubusercontent.com")
        .count();
    assert!(
        cdn_hits >= 3,
        "config and both layers come from the CDN host, saw {cdn_hits}"
    );
    assert_no_auth_to(&world, "pkg-containers.githubusercontent.com");

    // Private: denied anonymously, readable with the credentials.
    let private = format!(
        "docker://ghcr.io/{}:latest",
        f.private_repo.as_deref().unwrap()
    );
    let denied = world.skopeo(&["inspect", &private]);
    assert!(
        !denied.status.success(),
        "anonymous inspect of the private repository succeeded"
    );
    let (user, password) = f.credentials.clone().unwrap();
    let creds = format!("{user}:{password}");
    let digest = inspect_digest(&world, &private, &["--creds", &creds]);
    assert_eq!(digest, f.private_image.as_ref().unwrap().manifest.digest);

    // The token endpoint answered `{"token":…}` only and the challenge named ghcr.io.
    let token_requests: Vec<_> = world
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/token")
        .collect();
    assert!(
        token_requests
            .iter()
            .all(|r| r.path_and_query.contains("service=ghcr.io"))
    );
}
