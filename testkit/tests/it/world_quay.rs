//! quay.io fake: skopeo cross-check, the non-OCI ping body, relative Link, REST tag API.

use lading_testkit::{Vendor, World};
use serde_json::Value;

use super::world_common::{Check, cross_check, get, header};

#[test]
fn skopeo_reads_the_quay_fake() {
    let world = World::start(Vendor::Quay);
    let check = Check {
        creds_for_public: false,
        expected_tags: world.fixtures().tags.clone(),
        // Go forwards Authorization to a subdomain (cdn01.quay.io under quay.io): skopeo
        // does send it there, and Quay's CDN takes it; Lading's own tests check Lading never does.
        no_auth_hosts: &[],
    };
    cross_check(&world, check);
}

#[tokio::test]
async fn quay_quirks_are_on_the_wire() {
    let world = World::start(Vendor::Quay);
    let f = world.fixtures();
    let (status, headers, body) = get(&world, "https://quay.io/v2/", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(body, r#"{"error": "Invalid bearer token format"}"#);
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Bearer realm=\"https://quay.io/v2/auth\",service=\"quay.io\""
    );
    let token_url = format!(
        "https://quay.io/v2/auth?service=quay.io&scope=repository:{}:pull",
        f.public_repo
    );
    let (_, _, body) = get(&world, &token_url, &[]).await;
    let token: Value = serde_json::from_str(&body).unwrap();
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let url = format!("https://quay.io/v2/{}/tags/list?n=100", f.public_repo);
    let (status, headers, body) = get(&world, &url, &[("authorization", &bearer)]).await;
    assert_eq!(status, 200);
    let page: Value = serde_json::from_str(&body).unwrap();
    let tags: Vec<&str> = page["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        f.tags[..100].iter().map(String::as_str).collect::<Vec<_>>(),
        "oldest first"
    );
    assert_eq!(
        header(&headers, "link"),
        format!(
            "</v2/{}/tags/list?n=100&last={}>; rel=\"next\"",
            f.public_repo, f.tags[99]
        )
    );
    let rest = format!(
        "https://quay.io/api/v1/repository/{}/tag/?limit=100&page=2&onlyActiveTags=true",
        f.public_repo
    );
    let (status, _, body) = get(&world, &rest, &[]).await;
    assert_eq!(status, 200);
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["page"], 2);
    assert_eq!(page["has_additional"], false);
    let tags = page["tags"].as_array().unwrap();
    assert_eq!(tags.len(), f.tags.len() - 100);
    let date = tags[0]["last_modified"].as_str().unwrap();
    assert!(
        date.ends_with(" -0000") && date.contains(", "),
        "RFC 2822: {date}"
    );
    let private = format!(
        "https://quay.io/api/v1/repository/{}/tag/",
        f.private_repo.as_deref().unwrap()
    );
    assert_eq!(get(&world, &private, &[]).await.0, 401);
}
