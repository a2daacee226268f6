//! Artifactory: `Basic realm="Artifactory Realm"`, a realm that is not a URL and is never
//! fetched as one.

use lading_testkit::Vendor;

vendor_suite!(Vendor::Artifactory);

#[tokio::test(flavor = "multi_thread")]
async fn a_realm_that_is_not_a_url_is_never_fetched() {
    let stand = super::Stand::start(Vendor::Artifactory);
    let (_, signed_in) = super::denied_then_signed_in(&stand).await;
    assert!(super::with_purpose(&signed_in, "token").is_empty());
    for request in stand.world.requests() {
        assert!(!request.path_and_query.contains("Realm"), "{request:?}");
        assert!(request.path().starts_with("/v2/"), "{request:?}");
    }
}
