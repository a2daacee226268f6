//! Checking a cosign signature with a public key the person pastes (`/api/verify`): which
//! signatures in one signature manifest verify under that key, whether they sign the image
//! the reference names now, and, in words, what was and was not checked.

use serde::{Deserialize, Serialize};

use super::{Exchange, RegistryNotes};
use crate::digest::Digest;
use crate::reference::Reference;

/// `POST /api/verify?ref=IMAGE&signature=DIGEST`, body the PEM public key (`text/plain`),
/// → [`VerifyResponse`].
pub const VERIFY_PATH: &str = "/api/verify";
/// The largest key body accepted: a PEM RSA 8192 public key is under 2 KiB.
pub const MAX_VERIFY_KEY_BYTES: usize = 16 * 1024;

/// Query of [`VERIFY_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyQuery {
    /// The image whose current digest the signatures must sign.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The signature manifest to check (a `.sig` manifest or a Sigstore bundle referrer).
    pub signature: Digest,
}

/// The pasted key, as understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySummary {
    /// `ECDSA P-256`, `RSA 2048` (the modulus size), `Ed25519`.
    pub algorithm: String,
    /// `sha256:<hex>` of the key's SubjectPublicKeyInfo DER (what `openssl pkey -pubin
    /// -outform DER | sha256sum` prints).
    pub fingerprint: String,
}

/// One signature of the manifest, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureCheck {
    /// The layer that holds it.
    pub layer: Digest,
    /// `cosign simple-signing`, `sigstore bundle (DSSE)`, `sigstore bundle (message
    /// signature)`.
    pub kind: String,
    /// `verified` or `not verified`.
    pub outcome: String,
    /// One sentence for the person, saying the outcome and its reason.
    pub why: String,
    /// The digest the signed payload names, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_digest: Option<Digest>,
    /// `signed_digest` is the image's current digest.
    pub matches_image: bool,
}

/// The outcome words of [`SignatureCheck::outcome`].
pub mod outcome {
    pub const VERIFIED: &str = "verified";
    pub const NOT_VERIFIED: &str = "not verified";
}

/// What [`VERIFY_PATH`] answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyResponse {
    /// The image reference as named, normalised.
    pub reference: Reference,
    /// The digest it names now (the tag resolved, an index not descended into: cosign signs
    /// the manifest the reference names).
    pub image_digest: Digest,
    /// The signature manifest checked.
    pub signature: Digest,
    pub key: KeySummary,
    pub signatures: Vec<SignatureCheck>,
    /// At least one signature verified under the key and signs `image_digest`.
    pub verified: bool,
    /// What was checked, in words.
    pub checked: Vec<String>,
    /// What was not, in words.
    pub not_checked: Vec<String>,
    #[serde(default)]
    pub registry_notes: RegistryNotes,
    pub trace: Vec<Exchange>,
}
