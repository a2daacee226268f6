//! Amazon ECR: Basic only (`Basic realm="https://<host>/",service="ecr.amazonaws.com"`),
//! a `Not Authorized` text/plain body; the realm is never fetched, no token ever asked for.

use lading_testkit::Vendor;

vendor_suite!(Vendor::Ecr);

#[tokio::test(flavor = "multi_thread")]
async fn basic_only_never_fetches_the_realm_nor_a_token() {
    let stand = super::Stand::start(Vendor::Ecr);
    let (anonymous, signed_in) = super::denied_then_signed_in(&stand).await;
    assert_eq!(anonymous.kind(), "unauthorized", "{:#}", anonymous.json);
    assert!(
        super::with_purpose(&signed_in, "token").is_empty(),
        "Basic needs no token"
    );
    let trace = signed_in.json["trace"].to_string();
    assert!(trace.contains("Basic <redacted"), "{trace}");
    for request in stand.world.requests() {
        assert!(
            request.path().starts_with("/v2/") || request.host != stand.world.registry(),
            "{request:?}"
        );
    }
}
