//! public.ecr.aws: the ping's challenge carries `scope="aws"` literally; the token request
//! asks for the repository's pull scope first and `aws` beside it, as clients do.

use lading_testkit::Vendor;

vendor_suite!(@public Vendor::PublicEcr);

#[tokio::test(flavor = "multi_thread")]
async fn the_token_request_carries_the_challenges_own_scope() {
    let stand = super::Stand::start(Vendor::PublicEcr);
    let answer = super::image_view_of_one_image(&stand).await;
    let tokens = super::with_purpose(&answer, "token");
    assert_eq!(tokens.len(), 1, "one token for the view: {tokens:#?}");
    let url = tokens[0]["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://public.ecr.aws/token/?service=public.ecr.aws&scope=repository%3A"),
        "{url}"
    );
    assert!(url.ends_with("&scope=aws"), "{url}");
}
