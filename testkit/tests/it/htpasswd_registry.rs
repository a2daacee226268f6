//! The harness against `docker-registry` behind htpasswd (Basic) authentication.

use lading_testkit::fixtures::push_oci_image;
use lading_testkit::{HTPASSWD_REALM, Registry};

#[tokio::test]
async fn basic_auth_is_required_and_accepted() {
    let registry = Registry::htpasswd("alice", "s3cret pass");
    let pusher = registry.pusher();
    push_oci_image(&pusher, "private/app", "1").await;
    let url = format!("{}/v2/private/app/tags/list", registry.base_url());

    let anonymous = pusher.http().get(&url).send().await.expect("GET");
    assert_eq!(anonymous.status(), 401);
    let challenge = anonymous.headers()["www-authenticate"]
        .to_str()
        .expect("ASCII");
    assert!(challenge.starts_with("Basic "), "{challenge}");
    assert!(challenge.contains(HTPASSWD_REALM), "{challenge}");

    let wrong = pusher
        .http()
        .get(&url)
        .basic_auth("alice", Some("nope"))
        .send()
        .await
        .expect("GET");
    assert_eq!(wrong.status(), 401);

    let right = pusher
        .http()
        .get(&url)
        .basic_auth("alice", Some("s3cret pass"))
        .send()
        .await
        .expect("GET");
    assert_eq!(right.status(), 200);
    let auth = pusher.authorization("private/app").expect("Basic header");
    let again = pusher
        .http()
        .get(&url)
        .header("authorization", auth)
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 200);
}
