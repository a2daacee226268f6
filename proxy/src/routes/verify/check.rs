//! One signature layer judged under the pasted key: the payload fetched (bounded, digest
//! checked), the signature verified over its exact bytes (cosign simple-signing) or over the
//! DSSE pre-authentication encoding (Sigstore bundles), then the digest the payload names
//! compared with the image's current one. Every outcome is one sentence the UI shows as is.

use lading_shared::api::{SignatureCheck, verify_outcome as outcome};
use lading_shared::supply::{
    BundleContent, cosign_annotations, decode_bundle, decode_simple_signing, types,
};
use lading_shared::{Descriptor, Digest};

use super::key::{PublicKey, decode_signature};
use crate::error::ProxyError;
use crate::registry::Session;

/// A simple-signing payload is a few hundred bytes and a bundle a few KiB; a signature
/// layer larger than this is not worth reading.
pub const MAX_SIGNED_PAYLOAD_BYTES: usize = 1024 * 1024;
/// A base64 signature is under 1.5 KiB even for RSA 8192.
pub const MAX_SIGNATURE_CHARS: usize = 16 * 1024;
/// Signatures tried per DSSE envelope (cosign writes one).
pub const MAX_DSSE_SIGNATURES: usize = 16;

pub const SIMPLE_SIGNING: &str = "cosign simple-signing";
pub const BUNDLE_DSSE: &str = "sigstore bundle (DSSE)";
pub const BUNDLE_MESSAGE: &str = "sigstore bundle (message signature)";

/// What a layer of a signature manifest holds, by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    SimpleSigning,
    Bundle,
    Other,
}

pub fn layer_kind(layer: &Descriptor) -> LayerKind {
    let media_type = layer.media_type.as_str();
    if media_type.eq_ignore_ascii_case(types::COSIGN_SIMPLE_SIGNING) {
        LayerKind::SimpleSigning
    } else if media_type.starts_with(types::SIGSTORE_BUNDLE_PREFIX) {
        LayerKind::Bundle
    } else {
        LayerKind::Other
    }
}

/// Fetches and judges one signature layer; a layer that cannot be read is "not verified"
/// with the reason, never a failure of the whole answer.
pub async fn check_layer(
    session: &Session,
    repository: &str,
    layer: &Descriptor,
    key: &PublicKey,
    image: &Digest,
) -> SignatureCheck {
    let kind = layer_kind(layer);
    let bytes = match fetch_payload(session, repository, layer).await {
        Ok(bytes) => bytes,
        Err(why) => {
            let label = match kind {
                LayerKind::Bundle => BUNDLE_DSSE,
                _ => SIMPLE_SIGNING,
            };
            return not_verified(layer, label, why, None, image);
        }
    };
    match kind {
        LayerKind::Bundle => judge_bundle(layer, &bytes, key, image),
        _ => judge_simple_signing(layer, &bytes, key, image),
    }
}

async fn fetch_payload(
    session: &Session,
    repository: &str,
    layer: &Descriptor,
) -> Result<bytes::Bytes, String> {
    if layer.size > MAX_SIGNED_PAYLOAD_BYTES as u64 {
        return Err(format!(
            "the signed payload is {} bytes, over Lading's {MAX_SIGNED_PAYLOAD_BYTES}-byte limit",
            layer.size
        ));
    }
    let what = "the signed payload";
    match session
        .fetch_blob(repository, &layer.digest, MAX_SIGNED_PAYLOAD_BYTES, what)
        .await
    {
        Ok(bytes) => Ok(bytes),
        Err(ProxyError::Integrity { actual, .. }) => Err(format!(
            "the payload blob's digest mismatches: the signature manifest says {}, the registry \
             sent bytes of {actual}",
            layer.digest
        )),
        Err(error) => Err(format!("the payload could not be read: {error}")),
    }
}

/// A `.sig` layer: the annotation's signature over exactly `payload`.
pub fn judge_simple_signing(
    layer: &Descriptor,
    payload: &[u8],
    key: &PublicKey,
    image: &Digest,
) -> SignatureCheck {
    let signed = decode_simple_signing(payload)
        .map_err(|e| format!("the payload does not decode: {e}"))
        .and_then(|s| {
            let text = s
                .manifest_digest
                .ok_or("the payload names no docker-manifest-digest")?;
            Digest::parse(&text).map_err(|e| format!("its docker-manifest-digest {text:?}: {e}"))
        });
    let Some(text) = layer.annotation(cosign_annotations::SIGNATURE) else {
        let why = format!(
            "the layer has no {} annotation holding the signature",
            cosign_annotations::SIGNATURE
        );
        return not_verified(layer, SIMPLE_SIGNING, why, signed.ok(), image);
    };
    let signature = match bounded_signature(text) {
        Ok(signature) => signature,
        Err(why) => return not_verified(layer, SIMPLE_SIGNING, why, signed.ok(), image),
    };
    let keyless = layer.annotation(cosign_annotations::CERTIFICATE).is_some();
    let scheme = key.verify(payload, &signature);
    conclude(layer, SIMPLE_SIGNING, scheme, keyless, signed, image)
}

/// A Sigstore bundle layer: a DSSE envelope's signatures over its PAE; the Statement's
/// subjects name the signed digest.
pub fn judge_bundle(
    layer: &Descriptor,
    bytes: &[u8],
    key: &PublicKey,
    image: &Digest,
) -> SignatureCheck {
    let bundle = match decode_bundle(bytes) {
        Ok(bundle) => bundle,
        Err(e) => {
            let why = format!("the bundle does not decode: {e}");
            return not_verified(layer, BUNDLE_DSSE, why, None, image);
        }
    };
    let keyless = bundle.certificate.is_some();
    let envelope = match bundle.content {
        BundleContent::Dsse(envelope) => envelope,
        BundleContent::MessageSignature { .. } => {
            let why = "message signatures (over an artifact's SHA-256 digest) are not checked by \
                       Lading; cosign signs images with a DSSE envelope"
                .to_string();
            return not_verified(layer, BUNDLE_MESSAGE, why, None, image);
        }
        BundleContent::Missing => {
            let why = "the bundle holds neither a DSSE envelope nor a message signature".into();
            return not_verified(layer, BUNDLE_DSSE, why, None, image);
        }
    };
    let signed = envelope
        .statement()
        .map_err(|e| format!("the envelope's payload is no in-toto Statement: {e}"))
        .and_then(|statement| match statement.is_about(image) {
            true => Ok(image.clone()),
            false => statement
                .subjects
                .iter()
                .find_map(|s| s.digest.get("sha256"))
                .ok_or_else(|| "its Statement has no sha256 subject".to_string())
                .and_then(|hex| Digest::parse(&format!("sha256:{hex}")).map_err(|e| e.to_string())),
        });
    if envelope.signatures.is_empty() {
        let why = "the DSSE envelope holds no signature".into();
        return not_verified(layer, BUNDLE_DSSE, why, signed.ok(), image);
    }
    let message = envelope.pae();
    let mut malformed = None;
    let mut scheme = None;
    for signature in envelope.signatures.iter().take(MAX_DSSE_SIGNATURES) {
        match bounded_signature(&signature.sig) {
            Ok(bytes) => scheme = scheme.or_else(|| key.verify(&message, &bytes)),
            Err(why) => malformed = malformed.or(Some(why)),
        }
    }
    match (scheme, malformed) {
        (None, Some(why)) if envelope.signatures.len() == 1 => {
            not_verified(layer, BUNDLE_DSSE, why, signed.ok(), image)
        }
        (scheme, _) => conclude(layer, BUNDLE_DSSE, scheme, keyless, signed, image),
    }
}

fn bounded_signature(text: &str) -> Result<Vec<u8>, String> {
    if text.len() > MAX_SIGNATURE_CHARS {
        return Err(format!(
            "the signature is {} characters, over Lading's {MAX_SIGNATURE_CHARS}-character limit",
            text.len()
        ));
    }
    decode_signature(text)
}

/// The outcome once the signature was tried: valid under the key and over this image's
/// digest, or the first reason it is not.
fn conclude(
    layer: &Descriptor,
    kind: &str,
    scheme: Option<&str>,
    keyless: bool,
    signed: Result<Digest, String>,
    image: &Digest,
) -> SignatureCheck {
    let Some(scheme) = scheme else {
        let mut why = "the signature does not verify under this key: another key made it, or \
                       the payload was changed after signing"
            .to_string();
        if keyless {
            why.push_str(" (it carries a certificate: it was signed keyless, not with a key)");
        }
        return not_verified(layer, kind, why, signed.ok(), image);
    };
    match signed {
        Err(reason) => {
            let why = format!("the {scheme} signature is valid, but {reason}");
            not_verified(layer, kind, why, None, image)
        }
        Ok(digest) if digest != *image => {
            let why = format!(
                "the {scheme} signature is valid, but it signs {digest}, not the image's current \
                 digest {image}: the tag has moved since it was signed, or the signature was \
                 copied from another image"
            );
            not_verified(layer, kind, why, Some(digest), image)
        }
        Ok(digest) => SignatureCheck {
            layer: layer.digest.clone(),
            kind: kind.to_string(),
            outcome: outcome::VERIFIED.to_string(),
            why: format!(
                "verified: a valid {scheme} signature under this key over a payload naming this \
                 image's digest {image}"
            ),
            signed_digest: Some(digest),
            matches_image: true,
        },
    }
}

fn not_verified(
    layer: &Descriptor,
    kind: &str,
    reason: String,
    signed: Option<Digest>,
    image: &Digest,
) -> SignatureCheck {
    SignatureCheck {
        layer: layer.digest.clone(),
        kind: kind.to_string(),
        outcome: outcome::NOT_VERIFIED.to_string(),
        why: format!("not verified: {reason}"),
        matches_image: signed.as_ref() == Some(image),
        signed_digest: signed,
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
