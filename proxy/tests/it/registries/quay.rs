//! quay.io: a `/v2/` 401 body that is not OCI JSON (`{"error": "Invalid bearer token
//! format"}`), which must not make the registry a "bad upstream".

use lading_testkit::Vendor;

vendor_suite!(Vendor::Quay);

/// A missing tag: one GET (nothing cached, so no HEAD first: issue 11) whose 404 carries
/// quay's own error body, and its code reaches the page beside Lading's explanation.
#[tokio::test(flavor = "multi_thread")]
async fn a_missing_tag_shows_the_registrys_own_error() {
    let stand = super::Stand::start(Vendor::Quay);
    let f = stand.world.fixtures();
    let answer = stand
        .image(&stand.reference(&f.public_repo, "no-such-tag"), None)
        .await;
    let message = answer.assert_kind(404, "manifest_unknown").to_string();
    assert!(message.contains("no-such-tag"), "{message}");
    let gets = super::with_purpose(&answer, "manifest_get");
    assert_eq!(gets.len(), 1, "one GET, its error body kept");
    assert_eq!(gets[0]["status"], 404);
    assert!(gets[0]["error_body"].is_string(), "{:#}", gets[0]);
    assert!(super::with_purpose(&answer, "manifest_head").is_empty());
    let codes: Vec<&str> = answer.json["registry_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert!(!codes.is_empty(), "{:#}", answer.json);
}
