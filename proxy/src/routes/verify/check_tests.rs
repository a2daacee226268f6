use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_shared::supply::{IN_TOTO_PAYLOAD_TYPE, pae};
use lading_testkit::fixtures::cosign_sign::{SigningKey, simple_signing_payload};

use super::*;

const IMAGE: &str = "sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";
const OTHER: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

fn layer(media_type: &str, annotations: &[(&str, &str)]) -> Descriptor {
    let annotations: serde_json::Map<_, _> = annotations
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    serde_json::from_value(serde_json::json!({
        "mediaType": media_type,
        "digest": OTHER,
        "size": 1,
        "annotations": annotations,
    }))
    .unwrap()
}

fn statement_about(digest: &str) -> Vec<u8> {
    let hex = digest.strip_prefix("sha256:").unwrap();
    format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"example.test/app","digest":{{"sha256":"{hex}"}}}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{{}}}}"#
    )
    .into_bytes()
}

/// A key-signed v0.3 bundle over `statement`, as cosign 3 writes it with `--key`.
fn dsse_bundle(statement: &[u8], signature: &str) -> Vec<u8> {
    format!(
        r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{"publicKey":{{"hint":"abc"}},"tlogEntries":[]}},"dsseEnvelope":{{"payload":"{payload}","payloadType":"{IN_TOTO_PAYLOAD_TYPE}","signatures":[{{"keyid":"","sig":"{signature}"}}]}}}}"#,
        payload = STANDARD.encode(statement),
    )
    .into_bytes()
}

fn key_of(signer: &SigningKey) -> PublicKey {
    PublicKey::from_pem(&signer.public_pem).unwrap()
}

fn image() -> Digest {
    Digest::parse(IMAGE).unwrap()
}

#[test]
fn dsse_bundle_verifies_over_the_pae_and_names_the_image() {
    let signer = SigningKey::p256();
    let statement = statement_about(IMAGE);
    let signature = STANDARD.encode(signer.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &statement)));
    let bundle = dsse_bundle(&statement, &signature);
    let layer = layer("application/vnd.dev.sigstore.bundle.v0.3+json", &[]);
    assert_eq!(layer_kind(&layer), LayerKind::Bundle);
    let check = judge_bundle(&layer, &bundle, &key_of(&signer), &image());
    assert_eq!(check.outcome, "verified", "{}", check.why);
    assert_eq!(check.kind, BUNDLE_DSSE);
    assert!(check.matches_image);
    // Signed over the bare payload instead of the PAE: not what DSSE signs.
    let wrong = STANDARD.encode(signer.sign(&statement));
    let check = judge_bundle(
        &layer,
        &dsse_bundle(&statement, &wrong),
        &key_of(&signer),
        &image(),
    );
    assert_eq!(check.outcome, "not verified");
    assert!(
        check.why.contains("does not verify under this key"),
        "{}",
        check.why
    );
}

#[test]
fn dsse_bundle_about_another_digest_is_not_verified() {
    let signer = SigningKey::ed25519();
    let statement = statement_about(OTHER);
    let signature = STANDARD.encode(signer.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &statement)));
    let layer = layer("application/vnd.dev.sigstore.bundle.v0.3+json", &[]);
    let check = judge_bundle(
        &layer,
        &dsse_bundle(&statement, &signature),
        &key_of(&signer),
        &image(),
    );
    assert_eq!(check.outcome, "not verified");
    assert_eq!(check.signed_digest.unwrap().to_string(), OTHER);
    assert!(!check.matches_image);
    assert!(
        check.why.contains(&format!(
            "it signs {OTHER}, not the image's current digest {IMAGE}"
        )),
        "{}",
        check.why
    );
}

#[test]
fn message_signature_bundles_are_said_not_to_be_checked() {
    let bundle = br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"abc"}},"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"},"signature":"MEUCIQ=="}}"#;
    let layer = layer("application/vnd.dev.sigstore.bundle.v0.3+json", &[]);
    let check = judge_bundle(&layer, bundle, &key_of(&SigningKey::p256()), &image());
    assert_eq!(check.kind, BUNDLE_MESSAGE);
    assert_eq!(check.outcome, "not verified");
    assert!(
        check.why.starts_with("not verified: message signatures"),
        "{}",
        check.why
    );
}

/// Layer annotations, payload, the start of `why`.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [u8], &'a str);

#[test]
fn simple_signing_reasons_are_specific() {
    let signer = SigningKey::p256();
    let key = key_of(&signer);
    let payload = simple_signing_payload("example.test/app", IMAGE);
    let signature = STANDARD.encode(signer.sign(&payload));
    let table: [Case; 5] = [
        (
            &[(cosign_annotations::SIGNATURE, &signature)],
            &payload,
            "verified: a valid ECDSA P-256 SHA-256 signature",
        ),
        (
            &[],
            &payload,
            "not verified: the layer has no dev.cosignproject.cosign/signature annotation",
        ),
        (
            &[(cosign_annotations::SIGNATURE, "%%%")],
            &payload,
            "not verified: the signature is malformed base64",
        ),
        (
            &[(cosign_annotations::SIGNATURE, &signature)],
            b"{}",
            "not verified: the signature does not verify under this key",
        ),
        (
            &[
                (cosign_annotations::SIGNATURE, &signature),
                (
                    cosign_annotations::CERTIFICATE,
                    "-----BEGIN CERTIFICATE-----",
                ),
            ],
            b"{}",
            "not verified: the signature does not verify under this key: another key made it, or the payload was changed after signing (it carries a certificate",
        ),
    ];
    for (annotations, payload, expected) in table {
        let layer = layer(types::COSIGN_SIMPLE_SIGNING, annotations);
        let check = judge_simple_signing(&layer, payload, &key, &image());
        assert!(
            check.why.starts_with(expected),
            "{expected:?}: {}",
            check.why
        );
    }
}

#[test]
fn valid_signature_over_a_payload_naming_no_digest() {
    let signer = SigningKey::p256();
    let payload =
        br#"{"critical":{"identity":{},"image":{},"type":"cosign container image signature"}}"#;
    let signature = STANDARD.encode(signer.sign(payload));
    let layer = layer(
        types::COSIGN_SIMPLE_SIGNING,
        &[(cosign_annotations::SIGNATURE, &signature)],
    );
    let check = judge_simple_signing(&layer, payload, &key_of(&signer), &image());
    assert_eq!(check.outcome, "not verified");
    assert!(
        check
            .why
            .ends_with("but the payload names no docker-manifest-digest"),
        "{}",
        check.why
    );
}
