//! GitLab fake: skopeo cross-check; the literal `container_registry` service, tokens from
//! gitlab.com, distribution's strict-Accept wording.

use lading_testkit::{Vendor, World};
use serde_json::Value;

use super::world_common::{Check, cross_check, get, header, lexical};

#[test]
fn skopeo_reads_the_gitlab_fake() {
    let world = World::start(Vendor::GitLab);
    let check = Check {
        creds_for_public: false,
        expected_tags: lexical(&world),
        no_auth_hosts: &["cdn.registry.gitlab-static.net"],
    };
    cross_check(&world, check);
    let tokens: Vec<_> = world
        .requests()
        .into_iter()
        .filter(|r| r.host == "gitlab.com")
        .collect();
    assert!(!tokens.is_empty());
    assert!(
        tokens
            .iter()
            .all(|r| r.path_and_query.contains("service=container_registry"))
    );
}

#[tokio::test]
async fn gitlab_quirks_are_on_the_wire() {
    let world = World::start(Vendor::GitLab);
    let f = world.fixtures();
    let (_, headers, _) = get(&world, "https://registry.gitlab.com/v2/", &[]).await;
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Bearer realm=\"https://gitlab.com/jwt/auth\",service=\"container_registry\""
    );
    let scope = format!("repository:{}:pull", f.public_repo);
    let wrong = format!("https://gitlab.com/jwt/auth?service=registry.gitlab.com&scope={scope}");
    assert_eq!(
        get(&world, &wrong, &[]).await.0,
        400,
        "the host is not the service"
    );
    let right = format!("https://gitlab.com/jwt/auth?service=container_registry&scope={scope}");
    let (status, _, body) = get(&world, &right, &[]).await;
    assert_eq!(status, 200);
    let token: Value = serde_json::from_str(&body).unwrap();
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let url = format!(
        "https://registry.gitlab.com/v2/{}/manifests/latest",
        f.public_repo
    );
    let accept = "application/vnd.docker.distribution.manifest.v2+json";
    let (status, _, body) = get(
        &world,
        &url,
        &[("authorization", &bearer), ("accept", accept)],
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        body.contains("OCI manifest found, but accept header does not support OCI manifests"),
        "{body}"
    );
}
