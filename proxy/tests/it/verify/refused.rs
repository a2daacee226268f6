//! Keys refused before any registry is asked, and signature manifests that hold none.

use lading_shared::api::MAX_VERIFY_KEY_BYTES;
use lading_testkit::fixtures::cosign_sign::{SigningKey, p384_public_pem};
use lading_testkit::{Registry, fixtures};

use super::post_verify;
use crate::support::Lading;

const SIGNATURE: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn lading() -> (Registry, Lading, String) {
    let registry = Registry::plain();
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{}/team/signed:v1", registry.host());
    (registry, lading, reference)
}

#[track_caller]
fn assert_refused(status: u16, json: &serde_json::Value, code: u16, kind: &str, message: &str) {
    assert_eq!(
        (status, json["kind"].as_str()),
        (code, Some(kind)),
        "{json:#}"
    );
    let text = json["message"].as_str().unwrap();
    assert!(text.starts_with(message), "{text}");
    assert_eq!(
        json["trace"],
        serde_json::json!([]),
        "no registry asked: {json:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_pem_is_a_bad_request_saying_why() {
    let (_registry, lading, reference) = lading();
    let (status, json) =
        post_verify(&lading, &reference, SIGNATURE, "ssh-ed25519 AAAA me@host").await;
    assert_refused(
        status,
        &json,
        400,
        "bad_request",
        "the key is not a PEM public key: it does not start with -----BEGIN",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn private_key_is_refused_by_name() {
    let (_registry, lading, reference) = lading();
    let pem = "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n";
    let (status, json) = post_verify(&lading, &reference, SIGNATURE, pem).await;
    assert_refused(
        status,
        &json,
        400,
        "bad_request",
        "the key is not a PEM public key: this is a ENCRYPTED COSIGN PRIVATE KEY; paste the public key",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn p384_key_is_unsupported() {
    let (_registry, lading, reference) = lading();
    let (status, json) = post_verify(&lading, &reference, SIGNATURE, &p384_public_pem()).await;
    assert_refused(
        status,
        &json,
        422,
        "unsupported",
        "unsupported key type: ECDSA P-384; Lading checks ECDSA P-256, RSA",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_body_is_refused() {
    let (_registry, lading, reference) = lading();
    let key = SigningKey::p256().public_pem;
    let padded = format!("{key}{}", " ".repeat(MAX_VERIFY_KEY_BYTES));
    let (status, json) = post_verify(&lading, &reference, SIGNATURE, &padded).await;
    assert_refused(
        status,
        &json,
        400,
        "bad_request",
        &format!("the key is larger than {MAX_VERIFY_KEY_BYTES} bytes"),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn manifest_without_signature_layers_verifies_nothing() {
    let (registry, lading, reference) = lading();
    let image = fixtures::push_oci_image(&registry.pusher(), "team/signed", "v1").await;
    let key = SigningKey::p256().public_pem;
    // The image itself named as the signature manifest: its layers are tars, not signatures.
    let (status, json) = post_verify(&lading, &reference, &image.manifest.digest, &key).await;
    assert_eq!(status, 200, "{json:#}");
    assert_eq!(json["verified"], false);
    assert_eq!(json["signatures"], serde_json::json!([]));
    let not_checked: Vec<&str> = json["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        not_checked.contains(&"no layer of this manifest holds a cosign or Sigstore signature"),
        "{json:#}"
    );
    assert!(
        not_checked.contains(&"2 layers of other media types"),
        "{json:#}"
    );
}
