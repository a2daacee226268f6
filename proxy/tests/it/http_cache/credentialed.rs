//! Answers made with credentials: never `public`, kept by the person's browser only, and
//! revalidated without the registry only while the registry's word for that person and
//! repository stands (`registry::access`).

use axum::http::StatusCode;
use lading_testkit::Registry;
use lading_testkit::fixtures;

use super::{PRIVATE, Setup, caching};
use crate::support::encode;

const USER: &str = "alice";
const PASSWORD: &str = "s3cret-http-cache";

fn private_setup() -> Setup {
    Setup::new(Registry::htpasswd(USER, PASSWORD))
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_made_with_credentials_are_never_public() {
    let setup = private_setup();
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/private", "v1").await;
    let pinned = setup.reference(&image, true);
    let tagged = setup.reference(&image, false);
    let repo = encode(&format!("{}/{}", setup.relay.host(), image.repo));
    let layer = &image.layers[0].digest;
    let alice = Some((USER, PASSWORD));
    // Listed once (that answer streams, so no one keeps it), then known whole.
    for layer in &image.layers {
        let path = format!("/api/layer?ref={pinned}&digest={}", layer.digest);
        let first = setup.get(&path, alice, None).await;
        assert_eq!(caching(&first), ("no-store", None));
    }
    let validated = [
        format!("/api/image?ref={pinned}"),
        format!("/api/layer?ref={pinned}&digest={layer}"),
        format!("/api/merged?ref={pinned}"),
        format!("/api/file?ref={pinned}&path=/srv/app/config.toml&preview=16"),
        format!("/api/file?ref={pinned}&path=/srv/app/config.toml"),
        format!("/api/blob?ref={pinned}&digest={layer}"),
        format!("/api/export?ref={pinned}"),
    ];
    for path in validated {
        let answer = setup.get(&path, alice, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let (cache_control, etag) = caching(&answer);
        assert_eq!(cache_control, PRIVATE, "{path}");
        assert!(etag.is_some(), "{path}");
    }
    for path in [
        format!("/api/image?ref={tagged}"),
        format!("/api/tags?repo={repo}"),
        format!("/api/catalog?registry={}", setup.relay.host()),
    ] {
        let answer = setup.get(&path, alice, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(caching(&answer), (PRIVATE, None), "{path}");
    }
    // Without credentials the registry refuses: an error, kept by no one.
    let refused = setup
        .get(&format!("/api/image?ref={pinned}"), None, None)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(caching(&refused), ("no-store", None));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proven_scope_revalidates_without_the_registry() {
    let setup = private_setup();
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/proven", "v1").await;
    let path = format!("/api/image?ref={}", setup.reference(&image, true));
    let alice = Some((USER, PASSWORD));
    // The view proves alice's access to the repository for a while.
    let answer = setup.get(&path, alice, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let etag = caching(&answer).1.expect("ETag").to_string();
    let before = setup.relay.lines().len();
    let again = setup.get(&path, alice, Some(&etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(caching(&again), (PRIVATE, Some(etag.as_str())));
    assert_eq!(setup.relay.lines().split_off(before), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_proof_the_registry_is_asked_before_a_304() {
    let mut setup = private_setup();
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/unproven", "v1").await;
    let reference = setup.reference(&image, true);
    let alice = Some((USER, PASSWORD));
    let layer = &image.layers[0].digest;
    for path in [
        format!("/api/image?ref={reference}"),
        format!("/api/blob?ref={reference}&digest={layer}"),
    ] {
        let answer = setup.get(&path, alice, None).await;
        let etag = caching(&answer).1.expect("ETag").to_string();
        // A fresh instance holds no proof: the held ETag alone lets no one in.
        setup.restart();
        let before = setup.relay.lines().len();
        let wrong = setup.get(&path, Some((USER, "wrong")), Some(&etag)).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(caching(&wrong), ("no-store", None), "{path}");
        let again = setup.get(&path, alice, Some(&etag)).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(caching(&again), (PRIVATE, Some(etag.as_str())), "{path}");
        let asked = setup.relay.lines().split_off(before);
        assert!(
            asked.iter().any(|r| r.contains("/manifests/")),
            "{path}: the registry was not asked: {asked:?}"
        );
    }
}
