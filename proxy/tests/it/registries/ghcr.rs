//! ghcr.io: anonymous tokens `{"token":…}` only, the ping's placeholder scope, blobs on a
//! signed `pkg-containers.githubusercontent.com` URL that refuses `Authorization`.

use lading_testkit::Vendor;

vendor_suite!(Vendor::Ghcr);

#[tokio::test(flavor = "multi_thread")]
async fn blobs_reach_the_cdn_without_authorization_and_the_placeholder_scope_is_not_asked_for() {
    let stand = super::Stand::start(Vendor::Ghcr);
    super::layer_listing(&stand).await;
    let cdn = stand.requests_to("pkg-containers.githubusercontent.com");
    assert!(!cdn.is_empty(), "the layers came from the CDN");
    super::no_authorization_reached(&stand, "pkg-containers.githubusercontent.com");
    let tokens: Vec<_> = stand
        .requests_to("ghcr.io")
        .into_iter()
        .filter(|r| r.path() == "/token")
        .collect();
    assert!(!tokens.is_empty());
    for token in tokens {
        assert!(
            !token.path_and_query.contains("user%2Fimage"),
            "GHCR's ping scope is a placeholder: {}",
            token.path_and_query
        );
    }
}
