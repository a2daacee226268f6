//! Harbor: Bearer when no credentials were sent, `Basic realm="harbor"` once an
//! `Authorization` header was: answered with the credentials, once, never looped.

use lading_testkit::Vendor;

vendor_suite!(Vendor::Harbor);

/// Anonymous: the Bearer token is refused with Basic, and without credentials that is the
/// end (one retry at most, no loop). Signed in: it works.
#[tokio::test(flavor = "multi_thread")]
async fn the_basic_switch_neither_loops_nor_gives_up() {
    let stand = super::Stand::start(Vendor::Harbor);
    let (anonymous, signed_in) = super::denied_then_signed_in(&stand).await;
    let heads = super::with_purpose(&anonymous, "manifest_head");
    assert!(heads.len() <= 2, "at most one retry: {heads:#?}");
    let manifests = super::with_purpose(&signed_in, "manifest_get").len()
        + super::with_purpose(&signed_in, "manifest_head").len();
    assert!(manifests <= 4, "{:#}", signed_in.json["trace"]);
}

/// Harbor's missing manifest is code `UNKNOWN` "not found": read from the one GET (no HEAD
/// first with nothing cached, issue 11) and shown, while the answer is still a missing tag.
#[tokio::test(flavor = "multi_thread")]
async fn a_missing_tag_shows_harbors_unknown_error() {
    let stand = super::Stand::start(Vendor::Harbor);
    let f = stand.world.fixtures();
    let answer = stand
        .image(&stand.reference(&f.public_repo, "no-such-tag"), None)
        .await;
    answer.assert_kind(404, "manifest_unknown");
    let gets = super::with_purpose(&answer, "manifest_get");
    assert_eq!(gets.len(), 1, "{:#}", answer.json["trace"]);
    assert!(gets[0]["error_body"].is_string(), "{:#}", gets[0]);
    let errors = &answer.json["registry_errors"];
    assert_eq!(errors[0]["code"], "UNKNOWN", "{:#}", answer.json);
    assert!(
        errors[0]["message"].as_str().unwrap().contains("not found"),
        "{errors:#}"
    );
}
