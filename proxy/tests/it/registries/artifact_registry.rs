//! Artifact Registry (`us-docker.pkg.dev`): a challenge with no `service` at all.

use lading_testkit::Vendor;

vendor_suite!(Vendor::ArtifactRegistry);

#[tokio::test(flavor = "multi_thread")]
async fn no_service_is_invented_for_the_token_request() {
    let stand = super::Stand::start(Vendor::ArtifactRegistry);
    super::image_view_of_one_image(&stand).await;
    let tokens: Vec<_> = stand
        .world
        .requests()
        .into_iter()
        .filter(|r| r.path().ends_with("/token"))
        .collect();
    assert!(!tokens.is_empty());
    for token in tokens {
        assert!(
            !token.path_and_query.contains("service="),
            "{}",
            token.path_and_query
        );
    }
}
