//! quay.io: a `/v2/` 401 body that is not OCI JSON (`{"error": "Invalid bearer token
//! format"}`), which must not make the registry a "bad upstream".

use lading_testkit::Vendor;

vendor_suite!(Vendor::Quay);

/// A missing tag: the HEAD's 404 is followed by one GET for quay's own error body, whose
/// code reaches the page beside Lading's explanation.
#[tokio::test(flavor = "multi_thread")]
async fn a_missing_tag_shows_the_registrys_own_error() {
    let stand = super::Stand::start(Vendor::Quay);
    let f = stand.world.fixtures();
    let answer = stand
        .image(&stand.reference(&f.public_repo, "no-such-tag"), None)
        .await;
    let message = answer.assert_kind(404, "manifest_unknown").to_string();
    assert!(message.contains("no-such-tag"), "{message}");
    let bodies = super::with_purpose(&answer, "error_body");
    assert_eq!(bodies.len(), 1, "one GET for the error body");
    assert_eq!(bodies[0]["method"], "GET");
    let codes: Vec<&str> = answer.json["registry_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert!(!codes.is_empty(), "{:#}", answer.json);
}
