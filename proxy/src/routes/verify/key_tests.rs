use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_testkit::fixtures::cosign_sign::{SigningKey, p384_public_pem};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};

use super::*;

const RSA_PUB: &str = include_str!("testdata/rsa2048.pub.pem");
const RSA_PAYLOAD: &[u8] = include_bytes!("testdata/rsa2048.payload");
const RSA_PKCS1: &str = include_str!("testdata/rsa2048.pkcs1.b64");
const RSA_PSS: &str = include_str!("testdata/rsa2048.pss.b64");
/// `openssl pkey -pubin -in rsa2048.pub.pem -outform DER | sha256sum`.
const RSA_FINGERPRINT: &str =
    "sha256:10ad149938c9f14756212c0da85929b321f10805321c373f7c0e0394a26799a5";

fn message(error: ProxyError) -> (bool, String) {
    match error {
        ProxyError::BadRequest(m) => (true, m),
        ProxyError::Unsupported(m) => (false, m),
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn p256_key_verifies_its_own_der_signature_and_nothing_else() {
    let signer = SigningKey::p256();
    let key = PublicKey::from_pem(&signer.public_pem).unwrap();
    assert_eq!(key.summary.algorithm, "ECDSA P-256");
    let signature = signer.sign(b"payload");
    assert_eq!(
        key.verify(b"payload", &signature),
        Some("ECDSA P-256 SHA-256")
    );
    assert_eq!(key.verify(b"payloaD", &signature), None);
    let other = PublicKey::from_pem(&SigningKey::p256().public_pem).unwrap();
    assert_eq!(other.verify(b"payload", &signature), None);
    assert_ne!(other.summary.fingerprint, key.summary.fingerprint);
}

#[test]
fn p256_accepts_fixed_size_signatures_too() {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let signature = pair.sign(&rng, b"payload").unwrap();
    assert_eq!(signature.as_ref().len(), 64);
    // The same SubjectPublicKeyInfo head the testkit writes, over this pair's point.
    let mut der = data_encoding_hex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    der.extend_from_slice(pair.public_key().as_ref());
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(&der)
    );
    // One unwrapped line, CRLF: how keys arrive pasted from elsewhere.
    let key = PublicKey::from_pem(&pem.replace('\n', "\r\n")).unwrap();
    assert_eq!(
        key.verify(b"payload", signature.as_ref()),
        Some("ECDSA P-256 SHA-256")
    );
}

fn data_encoding_hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn fingerprint_is_sha256_of_the_spki_der() {
    let key = PublicKey::from_pem(RSA_PUB).unwrap();
    assert_eq!(key.summary.algorithm, "RSA 2048");
    assert_eq!(key.summary.fingerprint, RSA_FINGERPRINT);
}

#[test]
fn rsa_verifies_pkcs1_and_pss_signatures_made_by_openssl() {
    let key = PublicKey::from_pem(RSA_PUB).unwrap();
    let pkcs1 = decode_signature(RSA_PKCS1).unwrap();
    let pss = decode_signature(RSA_PSS).unwrap();
    assert_eq!(
        key.verify(RSA_PAYLOAD, &pkcs1),
        Some("RSA PKCS#1 v1.5 SHA-256")
    );
    assert_eq!(key.verify(RSA_PAYLOAD, &pss), Some("RSA-PSS SHA-256"));
    assert_eq!(key.verify(b"other bytes", &pkcs1), None);
}

#[test]
fn ed25519_verifies_over_the_payload() {
    let signer = SigningKey::ed25519();
    let key = PublicKey::from_pem(&signer.public_pem).unwrap();
    assert_eq!(key.summary.algorithm, "Ed25519");
    let signature = signer.sign(b"payload");
    assert_eq!(key.verify(b"payload", &signature), Some("Ed25519"));
    assert_eq!(key.verify(b"other", &signature), None);
}

#[test]
fn unsupported_keys_are_named() {
    let table = [
        (p384_public_pem(), "unsupported key type: ECDSA P-384"),
        (
            include_str!("testdata/rsa1024.pub.pem").to_string(),
            "unsupported key type: RSA 1024",
        ),
        (
            include_str!("testdata/rsa-pss-only.pub.pem").to_string(),
            "unsupported key type: an RSASSA-PSS-only key",
        ),
    ];
    for (pem, expected) in table {
        let (bad_request, text) = message(PublicKey::from_pem(&pem).unwrap_err());
        assert!(!bad_request, "{text}");
        assert!(text.starts_with(expected), "{text}");
    }
}

#[test]
fn malformed_pastes_say_what_is_wrong() {
    let private = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let junk_der = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    let table = [
        ("", "the body is empty"),
        ("   \n", "the body is empty"),
        (
            "hello",
            "expected one block from -----BEGIN PUBLIC KEY-----",
        ),
        (private, "this is a PRIVATE KEY; paste the public key"),
        (cert, "the block is a CERTIFICATE, not a PUBLIC KEY"),
        (junk_der, "its SubjectPublicKeyInfo does not parse"),
    ];
    for (pem, expected) in table {
        let (bad_request, text) = message(PublicKey::from_pem(pem).unwrap_err());
        assert!(bad_request, "{pem:?}: {text}");
        assert!(
            text.starts_with("the key is not a PEM public key: "),
            "{text}"
        );
        assert!(text.contains(expected), "{pem:?}: {text}");
    }
}

#[test]
fn malformed_base64_signature_is_named() {
    let error = decode_signature("not base64!").unwrap_err();
    assert!(
        error.starts_with("the signature is malformed base64"),
        "{error}"
    );
}
