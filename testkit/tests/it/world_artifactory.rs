//! Artifactory fake: skopeo cross-check (a `null` tag comes out as ""), the non-URL Basic
//! realm, `next` links missing the repository key.

use lading_testkit::{Vendor, World};
use serde_json::Value;

use super::world_common::{Check, cross_check, get, header, lexical};

const JFROG: &str = "lading.jfrog.io";

fn expected(world: &World) -> Vec<String> {
    let mut tags = vec![String::new()];
    tags.extend(lexical(world));
    // The digest listed as a tag: the first pushed tag's manifest.
    tags.push(world.fixtures().image.manifest.digest.clone());
    tags
}

#[test]
fn skopeo_reads_the_artifactory_fake() {
    let world = World::start(Vendor::Artifactory);
    let check = Check {
        creds_for_public: false,
        expected_tags: expected(&world),
        no_auth_hosts: &[],
    };
    cross_check(&world, check);
}

#[tokio::test]
async fn artifactory_quirks_are_on_the_wire() {
    let world = World::start(Vendor::Artifactory);
    let f = world.fixtures();
    let private = format!(
        "https://{JFROG}/v2/{}/tags/list",
        f.private_repo.as_deref().unwrap()
    );
    let (status, headers, _) = get(&world, &private, &[]).await;
    assert_eq!(status, 401);
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Basic realm=\"Artifactory Realm\""
    );
    let url = format!("https://{JFROG}/v2/{}/tags/list?n=50", f.public_repo);
    let (status, headers, body) = get(&world, &url, &[]).await;
    assert_eq!(status, 200);
    let page: Value = serde_json::from_str(&body).unwrap();
    assert!(page["tags"][0].is_null(), "{page}");
    let tail = f.public_repo.split_once('/').unwrap().1;
    assert!(
        header(&headers, "link").starts_with(&format!("</v2/{tail}/tags/list?last=")),
        "{:?}",
        header(&headers, "link")
    );
}
