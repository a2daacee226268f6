//! gcr.io: an unquoted `service`, 401s after the ping without `WWW-Authenticate` (the ping's
//! challenge is reused), tokens for 12 hours.

use lading_testkit::Vendor;

vendor_suite!(Vendor::Gcr);

/// The private repository's 401 names no challenge: Lading answers it with the ping's, and
/// the signed-in retry gets a token from gcr.io's realm.
#[tokio::test(flavor = "multi_thread")]
async fn a_401_without_a_challenge_is_answered_with_the_pings() {
    let stand = super::Stand::start(Vendor::Gcr);
    let (anonymous, signed_in) = super::denied_then_signed_in(&stand).await;
    assert_ne!(anonymous.kind(), "bad_upstream");
    let tokens = super::with_purpose(&signed_in, "token");
    assert!(
        tokens.iter().any(|t| t["url"]
            .as_str()
            .unwrap()
            .starts_with("https://gcr.io/v2/token?service=gcr.io")),
        "{tokens:#?}"
    );
}
