//! Harbor fake: skopeo cross-check; Bearer vs Basic challenges, Link only with `n`, UNKNOWN
//! "not found", the artifacts REST API.

use lading_testkit::{Vendor, World};
use serde_json::Value;

use super::world_common::{Check, cross_check, get, header, lexical};

const HARBOR: &str = "harbor.lading.test";

#[test]
fn skopeo_reads_the_harbor_fake() {
    let world = World::start(Vendor::Harbor);
    let check = Check {
        creds_for_public: false,
        expected_tags: lexical(&world),
        no_auth_hosts: &[],
    };
    cross_check(&world, check);
}

#[tokio::test]
async fn harbor_quirks_are_on_the_wire() {
    let world = World::start(Vendor::Harbor);
    let f = world.fixtures();
    let (_, headers, _) = get(&world, &format!("https://{HARBOR}/v2/"), &[]).await;
    assert_eq!(
        header(&headers, "www-authenticate"),
        format!("Bearer realm=\"https://{HARBOR}/service/token\",service=\"harbor-registry\"")
    );
    let (_, headers, _) = get(
        &world,
        &format!("https://{HARBOR}/v2/"),
        &[("authorization", "Bearer nonsense")],
    )
    .await;
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Basic realm=\"harbor\""
    );
    let (status, headers, _) = get(&world, &format!("https://{HARBOR}/v2/_catalog"), &[]).await;
    assert_eq!(status, 401);
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Basic realm=\"harbor\""
    );
    let (user, password) = f.credentials.clone().unwrap();
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{user}:{password}")
        )
    );
    let auth = [("authorization", basic.as_str())];
    let (status, _, body) = get(&world, &format!("https://{HARBOR}/v2/_catalog"), &auth).await;
    assert_eq!(status, 200, "{body}");
    let tags = format!("https://{HARBOR}/v2/{}/tags/list", f.public_repo);
    let (_, headers, body) = get(&world, &tags, &auth).await;
    assert!(headers.get("link").is_none(), "no Link without n");
    let page: Value = serde_json::from_str(&body).unwrap();
    let mut sorted = f.tags.clone();
    sorted.sort();
    assert_eq!(page["tags"], serde_json::json!(sorted));
    let (_, headers, _) = get(&world, &format!("{tags}?n=100"), &auth).await;
    assert!(header(&headers, "link").contains("n=100"));
    let missing = format!(
        "https://{HARBOR}/v2/{}/manifests/no-such-tag",
        f.public_repo
    );
    let (status, _, body) = get(&world, &missing, &auth).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        r#"{"errors":[{"code":"UNKNOWN","message":"not found"}]}"#
    );
    let (project, repository) = f.public_repo.split_once('/').unwrap();
    let rest = format!(
        "https://{HARBOR}/api/v2.0/projects/{project}/repositories/{repository}/artifacts?with_tag=true&page=1&page_size=2"
    );
    let (status, headers, body) = get(&world, &rest, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&headers, "x-total-count"), "4");
    assert!(header(&headers, "link").contains("page=2"));
    let artifacts: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(artifacts.as_array().unwrap().len(), 2);
    assert!(
        artifacts[0]["tags"][0]["push_time"]
            .as_str()
            .unwrap()
            .ends_with(".000Z")
    );
}
