//! The public key a person pastes: one PEM `PUBLIC KEY` block (SubjectPublicKeyInfo, what
//! `cosign generate-key-pair` writes to `cosign.pub`), read with `spki` and checked with
//! `ring` (already built for rustls).

use base64::Engine as _;
use lading_shared::api::KeySummary;
use ring::signature::{self, UnparsedPublicKey};
use sha2::{Digest as _, Sha256};
use spki::der::{Decode, Reader, SliceReader, asn1::UintRef};
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};

use crate::error::ProxyError;

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// ring (and cosign) refuse smaller RSA keys; larger ones take too long to be worth it.
const MIN_RSA_BITS: usize = 2048;
const MAX_RSA_BITS: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    P256,
    Rsa,
    Ed25519,
}

/// A supported public key: its algorithm and the raw key ring reads (an uncompressed P-256
/// point, a PKCS#1 RSAPublicKey, 32 Ed25519 bytes).
#[derive(Debug, Clone)]
pub struct PublicKey {
    algorithm: Algorithm,
    raw: Vec<u8>,
    pub summary: KeySummary,
}

fn malformed(why: impl std::fmt::Display) -> ProxyError {
    ProxyError::BadRequest(format!("the key is not a PEM public key: {why}"))
}

fn unsupported(what: &str) -> ProxyError {
    ProxyError::Unsupported(format!(
        "unsupported key type: {what}; Lading checks ECDSA P-256, RSA (2048 to 8192 bits) and \
         Ed25519 keys"
    ))
}

impl PublicKey {
    /// Reads the pasted text. Malformed input is a bad request; a well-formed key of a kind
    /// Lading does not check is unsupported (422), and the message names it.
    pub fn from_pem(text: &str) -> Result<PublicKey, ProxyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(malformed(
                "the body is empty; paste the contents of cosign.pub",
            ));
        }
        let (label, der) = pem_block(text)?;
        let label = label.as_str();
        match label {
            "PUBLIC KEY" => {}
            label if label.contains("PRIVATE KEY") => {
                return Err(malformed(format!(
                    "this is a {label}; paste the public key (cosign.pub), never the private one"
                )));
            }
            "RSA PUBLIC KEY" => {
                return Err(malformed(
                    "a PKCS#1 RSA PUBLIC KEY block; convert it with `openssl rsa -RSAPublicKey_in \
                     -pubout` to a PUBLIC KEY block",
                ));
            }
            label => {
                return Err(malformed(format!(
                    "the block is a {label}, not a PUBLIC KEY"
                )));
            }
        }
        let info = SubjectPublicKeyInfoRef::from_der(&der)
            .map_err(|e| malformed(format!("its SubjectPublicKeyInfo does not parse: {e}")))?;
        let raw = info
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| malformed("its key bits are not whole bytes"))?
            .to_vec();
        let (algorithm, name) = identify(&info, &raw)?;
        let summary = KeySummary {
            algorithm: name,
            fingerprint: format!("sha256:{}", hex(&Sha256::digest(&der))),
        };
        Ok(PublicKey {
            algorithm,
            raw,
            summary,
        })
    }

    /// Which scheme, if any, verifies `signature` over `message` under this key. ECDSA takes
    /// DER or fixed-size (r‖s) signatures, RSA PKCS#1 v1.5 or PSS, all with SHA-256.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Option<&'static str> {
        let schemes: &[(&'static dyn signature::VerificationAlgorithm, &'static str)] =
            match self.algorithm {
                Algorithm::P256 => &[
                    (&signature::ECDSA_P256_SHA256_ASN1, "ECDSA P-256 SHA-256"),
                    (&signature::ECDSA_P256_SHA256_FIXED, "ECDSA P-256 SHA-256"),
                ],
                Algorithm::Rsa => &[
                    (
                        &signature::RSA_PKCS1_2048_8192_SHA256,
                        "RSA PKCS#1 v1.5 SHA-256",
                    ),
                    (&signature::RSA_PSS_2048_8192_SHA256, "RSA-PSS SHA-256"),
                ],
                Algorithm::Ed25519 => &[(&signature::ED25519, "Ed25519")],
            };
        schemes.iter().find_map(|(algorithm, name)| {
            UnparsedPublicKey::new(*algorithm, &self.raw)
                .verify(message, signature)
                .is_ok()
                .then_some(*name)
        })
    }
}

fn identify(
    info: &SubjectPublicKeyInfoRef<'_>,
    raw: &[u8],
) -> Result<(Algorithm, String), ProxyError> {
    let oid = info.algorithm.oid;
    if oid == EC_PUBLIC_KEY {
        let curve = info
            .algorithm
            .parameters_oid()
            .map_err(|e| malformed(format!("its EC key names no curve: {e}")))?;
        return match curve {
            P256 if raw.len() == 65 && raw[0] == 4 => Ok((Algorithm::P256, "ECDSA P-256".into())),
            P256 => Err(unsupported("ECDSA P-256 with a compressed point")),
            P384 => Err(unsupported("ECDSA P-384")),
            P521 => Err(unsupported("ECDSA P-521")),
            other => Err(unsupported(&format!("ECDSA on curve {other}"))),
        };
    }
    if oid == RSA_ENCRYPTION {
        let bits = rsa_bits(raw)?;
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(unsupported(&format!("RSA {bits}")));
        }
        return Ok((Algorithm::Rsa, format!("RSA {bits}")));
    }
    if oid == ED25519 {
        if raw.len() != 32 {
            return Err(malformed("an Ed25519 key is 32 bytes"));
        }
        return Ok((Algorithm::Ed25519, "Ed25519".into()));
    }
    if oid == RSA_PSS {
        return Err(unsupported("an RSASSA-PSS-only key (id-RSASSA-PSS)"));
    }
    Err(unsupported(&format!("algorithm {oid}")))
}

/// The modulus size of a PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus, publicExponent }`.
fn rsa_bits(raw: &[u8]) -> Result<usize, ProxyError> {
    let parse = || -> spki::der::Result<usize> {
        let mut reader = SliceReader::new(raw)?;
        let bits = reader.sequence(|r| {
            let modulus = UintRef::decode(r)?;
            let _exponent = UintRef::decode(r)?;
            let bytes = modulus.as_bytes();
            Ok(match bytes.first() {
                Some(first) => bytes.len() * 8 - first.leading_zeros() as usize,
                None => 0,
            })
        })?;
        reader.finish(bits)
    };
    parse().map_err(|e| malformed(format!("its RSA key does not parse: {e}")))
}

/// One PEM block, read leniently: a pasted key often comes with its lines joined, rewrapped
/// or ended in CRLF, which strict RFC 7468 readers refuse; the base64 itself must be exact.
fn pem_block(text: &str) -> Result<(String, Vec<u8>), ProxyError> {
    let expected = "expected one block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----";
    let rest = text
        .strip_prefix("-----BEGIN ")
        .ok_or_else(|| malformed(format!("it does not start with -----BEGIN ({expected})")))?;
    let (label, rest) = rest
        .split_once("-----")
        .ok_or_else(|| malformed(format!("its BEGIN line is not closed ({expected})")))?;
    let end = format!("-----END {label}-----");
    let (body, after) = rest
        .split_once(&end)
        .ok_or_else(|| malformed(format!("it has no {end} line ({expected})")))?;
    if !after.trim().is_empty() {
        return Err(malformed(format!(
            "there is text after {end}; paste one key"
        )));
    }
    let body: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| {
            malformed(format!(
                "the text between its BEGIN and END lines is not base64 ({e})"
            ))
        })?;
    Ok((label.to_string(), der))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes a base64 signature as cosign writes it (standard alphabet, padded).
pub fn decode_signature(text: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| format!("the signature is malformed base64 ({e})"))
}

#[cfg(test)]
#[path = "key_tests.rs"]
mod tests;
