//! GitLab: `service="container_registry"` (a literal, not the host; the token endpoint
//! refuses any other), tokens from `gitlab.com`, strict `Accept`.

use lading_testkit::Vendor;

vendor_suite!(Vendor::GitLab);

#[tokio::test(flavor = "multi_thread")]
async fn the_literal_service_is_sent_verbatim() {
    let stand = super::Stand::start(Vendor::GitLab);
    super::image_view_of_the_index(&stand).await;
    let tokens: Vec<_> = stand
        .requests_to("gitlab.com")
        .into_iter()
        .filter(|r| r.path() == "/jwt/auth")
        .collect();
    assert!(!tokens.is_empty());
    for token in tokens {
        assert!(
            token.path_and_query.contains("service=container_registry"),
            "{}",
            token.path_and_query
        );
    }
    // Every manifest type Lading reads is in Accept, so a strict registry serves them all.
    for request in stand.requests_to("registry.gitlab.com") {
        if request.path().contains("/manifests/") {
            let accept = request.header("accept").unwrap_or_default();
            for media_type in lading_shared::media_type::MANIFEST_ACCEPT {
                assert!(accept.contains(media_type), "{accept}");
            }
        }
    }
}
