//! `POST /api/verify` against a real registry: `.sig` manifests signed by the testkit's own
//! cosign-like producer (`fixtures::cosign_sign`: ring, not cosign or sigstore-rs), checked
//! with the pasted public key.

mod refused;

use axum::body::Body;
use axum::http::Request;
use base64::Engine as _;
use lading_shared::api::VerifyResponse;
use lading_testkit::fixtures::cosign_sign::{
    SigningKey, cosign_sign, push_sig_manifest, signature_layer, simple_signing_payload,
};
use lading_testkit::fixtures::{self, sha256_digest};
use lading_testkit::{Pusher, Registry};
use serde_json::Value;

use crate::support::{Lading, encode};

const REPO: &str = "team/signed";

/// POSTs `key` as the body; the status and the JSON answer.
pub async fn post_verify(
    lading: &Lading,
    reference: &str,
    signature: &str,
    key: &str,
) -> (u16, Value) {
    let uri = format!(
        "/api/verify?ref={}&signature={}",
        encode(reference),
        encode(signature)
    );
    let request = Request::post(uri)
        .header("content-type", "text/plain")
        .body(Body::from(key.to_string()))
        .unwrap();
    let answer = lading.send_raw(request).await;
    (answer.status.as_u16(), answer.json())
}

fn verified(status: u16, json: &Value) -> VerifyResponse {
    assert_eq!(status, 200, "{json:#}");
    serde_json::from_value(json.clone()).expect("VerifyResponse")
}

/// The fingerprint computed here: sha256 over the DER between the PEM lines.
fn fingerprint(pem: &str) -> String {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    sha256_digest(&der)
}

struct Signed {
    registry: Registry,
    lading: Lading,
    reference: String,
    image: String,
    signature: String,
}

/// An image `REPO:v1` signed with `key`.
async fn signed_image(key: &SigningKey) -> Signed {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let image = fixtures::push_oci_image(&pusher, REPO, "v1").await;
    let name = format!("{}/{REPO}", registry.host());
    let sig = cosign_sign(&pusher, REPO, &name, &image.manifest.digest, key).await;
    let lading = Lading::allowing(&[&registry.host()]);
    Signed {
        reference: format!("{name}:v1"),
        image: image.manifest.digest,
        signature: sig.manifest.digest,
        lading,
        registry,
    }
}

fn pusher(signed: &Signed) -> Pusher {
    signed.registry.pusher()
}

#[tokio::test(flavor = "multi_thread")]
async fn p256_signature_verifies_with_its_key() {
    let key = SigningKey::p256();
    let s = signed_image(&key).await;
    let (status, json) = post_verify(&s.lading, &s.reference, &s.signature, &key.public_pem).await;
    let answer = verified(status, &json);
    assert!(answer.verified, "{json:#}");
    assert_eq!(answer.image_digest.to_string(), s.image);
    assert_eq!(answer.signature.to_string(), s.signature);
    assert_eq!(answer.key.algorithm, "ECDSA P-256");
    assert_eq!(answer.key.fingerprint, fingerprint(&key.public_pem));
    let [check] = &answer.signatures[..] else {
        panic!("one signature layer: {json:#}")
    };
    assert_eq!(check.kind, "cosign simple-signing");
    assert_eq!(check.outcome, "verified");
    assert!(
        check
            .why
            .starts_with("verified: a valid ECDSA P-256 SHA-256 signature"),
        "{}",
        check.why
    );
    assert_eq!(check.signed_digest.as_ref().unwrap().to_string(), s.image);
    assert!(check.matches_image);
    for claim in [
        "the Rekor transparency log inclusion",
        "the certificate chain to Fulcio's root",
        "who the signer is (identity in the certificate)",
    ] {
        assert!(answer.not_checked.iter().any(|n| n == claim), "{json:#}");
    }
    assert!(
        answer
            .checked
            .iter()
            .any(|c| c.contains(&answer.key.fingerprint))
    );
    // The image resolved, the signature manifest, its payload blob: all in the trace.
    let urls: Vec<_> = answer.trace.iter().map(|e| e.url.clone()).collect();
    assert!(urls.iter().any(|u| u.contains("/blobs/")), "{urls:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn ed25519_signature_verifies_with_its_key() {
    let key = SigningKey::ed25519();
    let s = signed_image(&key).await;
    let (status, json) = post_verify(&s.lading, &s.reference, &s.signature, &key.public_pem).await;
    let answer = verified(status, &json);
    assert!(answer.verified, "{json:#}");
    assert_eq!(answer.key.algorithm, "Ed25519");
    assert!(answer.signatures[0].why.contains("Ed25519"), "{json:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_key_does_not_verify() {
    let s = signed_image(&SigningKey::p256()).await;
    let other = SigningKey::p256();
    let (status, json) =
        post_verify(&s.lading, &s.reference, &s.signature, &other.public_pem).await;
    let answer = verified(status, &json);
    assert!(!answer.verified, "{json:#}");
    let check = &answer.signatures[0];
    assert_eq!(check.outcome, "not verified");
    assert!(
        check
            .why
            .starts_with("not verified: the signature does not verify under this key"),
        "{}",
        check.why
    );
    // The payload still names the image: only the key is wrong.
    assert!(check.matches_image);
}

#[tokio::test(flavor = "multi_thread")]
async fn signature_over_the_old_digest_after_the_tag_moved() {
    let key = SigningKey::p256();
    let s = signed_image(&key).await;
    let moved = fixtures::push_docker_image(&pusher(&s), REPO, "v1").await;
    assert_ne!(moved.manifest.digest, s.image);
    let (status, json) = post_verify(&s.lading, &s.reference, &s.signature, &key.public_pem).await;
    let answer = verified(status, &json);
    assert!(!answer.verified, "{json:#}");
    assert_eq!(answer.image_digest.to_string(), moved.manifest.digest);
    let check = &answer.signatures[0];
    assert_eq!(check.outcome, "not verified");
    assert_eq!(check.signed_digest.as_ref().unwrap().to_string(), s.image);
    assert!(!check.matches_image);
    let expected = format!(
        "not verified: the ECDSA P-256 SHA-256 signature is valid, but it signs {}, not the \
         image's current digest {}: the tag has moved since it was signed, or the signature was \
         copied from another image",
        s.image, moved.manifest.digest
    );
    assert_eq!(check.why, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn signature_copied_onto_another_images_sig_tag() {
    let key = SigningKey::p256();
    let s = signed_image(&key).await;
    let pusher = pusher(&s);
    let other = fixtures::push_docker_image(&pusher, REPO, "other").await;
    // The same signed payload and signature, filed under the other image's `.sig` tag.
    let name = format!("{}/{REPO}", s.registry.host());
    let payload = simple_signing_payload(&name, &s.image);
    let layer = signature_layer(payload.clone(), &key.sign(&payload));
    let copied = push_sig_manifest(&pusher, REPO, &other.manifest.digest, vec![layer]).await;
    let reference = format!("{name}:other");
    let (status, json) = post_verify(
        &s.lading,
        &reference,
        &copied.manifest.digest,
        &key.public_pem,
    )
    .await;
    let answer = verified(status, &json);
    assert!(!answer.verified, "{json:#}");
    let check = &answer.signatures[0];
    assert_eq!(check.signed_digest.as_ref().unwrap().to_string(), s.image);
    assert!(!check.matches_image);
    assert!(
        check.why.contains(&format!(
            "it signs {}, not the image's current digest {}",
            s.image, other.manifest.digest
        )),
        "{}",
        check.why
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_of_two_signatures_verifies() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let image = fixtures::push_oci_image(&pusher, REPO, "v1").await;
    let name = format!("{}/{REPO}", registry.host());
    let payload = simple_signing_payload(&name, &image.manifest.digest);
    let (first, second) = (SigningKey::ed25519(), SigningKey::p256());
    let layers = vec![
        signature_layer(payload.clone(), &first.sign(&payload)),
        signature_layer(payload.clone(), &second.sign(&payload)),
    ];
    let sig = push_sig_manifest(&pusher, REPO, &image.manifest.digest, layers).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{name}@{}", image.manifest.digest);
    let (status, json) = post_verify(
        &lading,
        &reference,
        &sig.manifest.digest,
        &second.public_pem,
    )
    .await;
    let answer = verified(status, &json);
    assert!(answer.verified, "{json:#}");
    let outcomes: Vec<_> = answer
        .signatures
        .iter()
        .map(|c| c.outcome.as_str())
        .collect();
    assert_eq!(outcomes, ["not verified", "verified"]);
}
