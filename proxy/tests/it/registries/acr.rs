//! Azure Container Registry: tokens by `GET /oauth2/token` with Basic → `{"access_token":…}`;
//! anonymous pull off (the public views sign in); strict `Accept`.

use lading_testkit::Vendor;

vendor_suite!(Vendor::Acr);

#[tokio::test(flavor = "multi_thread")]
async fn the_token_comes_from_the_oauth2_endpoint_with_basic() {
    let stand = super::Stand::start(Vendor::Acr);
    let (_, signed_in) = super::denied_then_signed_in(&stand).await;
    let tokens = super::with_purpose(&signed_in, "token");
    assert!(!tokens.is_empty());
    for token in tokens {
        let url = token["url"].as_str().unwrap();
        assert!(
            url.starts_with("https://lading.azurecr.io/oauth2/token?service=lading.azurecr.io"),
            "{url}"
        );
        assert_eq!(token["method"], "GET");
        assert!(
            token["request_headers"]
                .to_string()
                .contains("Basic <redacted"),
            "{token:#}"
        );
    }
}
