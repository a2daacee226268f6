//! cosign's legacy signatures (`sha256-<hex>.sig`): the simple-signing payload each layer
//! holds and the annotations beside it (signature, certificate, chain, Rekor bundle).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::SupplyError;
use super::cert::{CertificateSummary, decode_certificate, decode_certificate_chain};
use super::decode::{base64, json};
use super::rekor::{RekorEntry, decode_rekor_bundle};
use crate::{Digest, Reference, Repository};

/// cosign's layer annotations.
pub mod annotations {
    pub const SIGNATURE: &str = "dev.cosignproject.cosign/signature";
    pub const CERTIFICATE: &str = "dev.sigstore.cosign/certificate";
    pub const CHAIN: &str = "dev.sigstore.cosign/chain";
    pub const BUNDLE: &str = "dev.sigstore.cosign/bundle";
    pub const RFC3161_TIMESTAMP: &str = "dev.sigstore.cosign/rfc3161timestamp";
}

/// A simple-signing payload: which image (by digest) was signed under which name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleSigning {
    /// `critical.identity.docker-reference`, as written (`index.docker.io/namespace/image`).
    pub docker_reference: Option<String>,
    /// `critical.image.docker-manifest-digest`, as written.
    pub manifest_digest: Option<String>,
    /// `critical.type` (`cosign container image signature`).
    pub signature_type: Option<String>,
    /// `optional`: free-form claims; `None` when absent or `null`.
    pub optional: Option<Value>,
}

/// Decodes a `.sig` layer blob. Keys are matched case-insensitively, as Go's encoding/json
/// (and so cosign) reads them: the spec itself writes `Docker-manifest-digest`.
pub fn decode_simple_signing(bytes: &[u8]) -> Result<SimpleSigning, SupplyError> {
    const WHAT: &str = "simple-signing payload";
    let root: Value = json(WHAT, bytes)?;
    let root = root.as_object().ok_or(SupplyError::Shape {
        what: WHAT,
        message: "not a JSON object".into(),
    })?;
    let critical =
        get_ci(root, "critical")
            .and_then(Value::as_object)
            .ok_or(SupplyError::Missing {
                what: WHAT,
                field: "critical",
            })?;
    let nested = |outer: &str, inner: &str| {
        get_ci(critical, outer)
            .and_then(Value::as_object)
            .and_then(|o| get_ci(o, inner))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(SimpleSigning {
        docker_reference: nested("identity", "docker-reference"),
        manifest_digest: nested("image", "docker-manifest-digest"),
        signature_type: get_ci(critical, "type")
            .and_then(Value::as_str)
            .map(str::to_string),
        optional: get_ci(root, "optional").filter(|v| !v.is_null()).cloned(),
    })
}

fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

impl SimpleSigning {
    /// The signed name as a Lading repository (`index.docker.io/namespace/image` →
    /// `docker.io/namespace/image`); `None` when it does not parse.
    pub fn repository(&self) -> Option<Repository> {
        let name = self.docker_reference.as_deref()?.trim();
        Repository::parse(name)
            .or_else(|_| Reference::parse(name).map(|r| r.repository()))
            .ok()
    }

    /// Whether the signed digest is `digest` (hex compared case-insensitively).
    pub fn signs(&self, digest: &Digest) -> bool {
        self.manifest_digest
            .as_deref()
            .is_some_and(|d| d.trim().eq_ignore_ascii_case(&digest.to_string()))
    }
}

/// What a `.sig` layer's annotations say; each part decoded on its own, so a bad
/// certificate does not hide the Rekor entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CosignLayerSummary {
    /// The signature, base64 as written.
    pub signature: Option<String>,
    /// Its decoded length in bytes, when it decodes.
    pub signature_len: Option<usize>,
    pub certificate: Option<CertificateSummary>,
    pub chain: Vec<CertificateSummary>,
    pub rekor: Option<RekorEntry>,
    /// Whether an RFC 3161 timestamp is attached (its content is not decoded).
    pub rfc3161_timestamp: bool,
    /// What could not be decoded, one line each.
    pub problems: Vec<String>,
}

/// Summarises a `.sig` layer's annotations.
pub fn summarize_cosign_annotations(annotations: &BTreeMap<String, String>) -> CosignLayerSummary {
    let mut out = CosignLayerSummary::default();
    if let Some(sig) = annotations.get(annotations::SIGNATURE) {
        match base64("signature", sig) {
            Ok(bytes) => out.signature_len = Some(bytes.len()),
            Err(e) => out.problems.push(e.to_string()),
        }
        out.signature = Some(sig.clone());
    }
    if let Some(pem) = annotations
        .get(annotations::CERTIFICATE)
        .filter(|p| !p.trim().is_empty())
    {
        match decode_certificate(pem.as_bytes()) {
            Ok(cert) => out.certificate = Some(cert),
            Err(e) => out.problems.push(format!("certificate: {e}")),
        }
    }
    if let Some(pem) = annotations
        .get(annotations::CHAIN)
        .filter(|p| !p.trim().is_empty())
    {
        match decode_certificate_chain(pem) {
            Ok(chain) => out.chain = chain,
            Err(e) => out.problems.push(format!("chain: {e}")),
        }
    }
    if let Some(bundle) = annotations.get(annotations::BUNDLE) {
        match decode_rekor_bundle(bundle.as_bytes()) {
            Ok(entry) => out.rekor = Some(entry),
            Err(e) => out.problems.push(e.to_string()),
        }
    }
    out.rfc3161_timestamp = annotations
        .get(annotations::RFC3161_TIMESTAMP)
        .is_some_and(|t| !t.trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supply::cert::tests::{FULCIO_CA, FULCIO_LEAF, FULCIO_LEAF_SHA256};

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    fn payload(key: &str) -> String {
        format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"index.docker.io/namespace/image"}},"image":{{"{key}":"sha256:{HEX}"}},"type":"cosign container image signature"}},"optional":null}}"#
        )
    }

    #[test]
    fn simple_signing_as_cosign_writes_it() {
        let s = decode_simple_signing(payload("docker-manifest-digest").as_bytes()).unwrap();
        assert_eq!(
            s.docker_reference.as_deref(),
            Some("index.docker.io/namespace/image")
        );
        assert_eq!(s.manifest_digest, Some(format!("sha256:{HEX}")));
        assert_eq!(
            s.signature_type.as_deref(),
            Some("cosign container image signature")
        );
        assert_eq!(s.optional, None);
        assert_eq!(
            s.repository().map(|r| r.to_string()).as_deref(),
            Some("docker.io/namespace/image")
        );
        let digest = Digest::parse(&format!("sha256:{HEX}")).unwrap();
        assert!(s.signs(&digest));
        assert!(!s.signs(&Digest::sha256(b"another image")));
    }

    #[test]
    fn the_spec_spelling_and_uppercase_hex_still_match() {
        let text = payload("Docker-manifest-digest").replace(HEX, &HEX.to_uppercase());
        let s = decode_simple_signing(text.as_bytes()).unwrap();
        assert!(s.signs(&Digest::parse(&format!("sha256:{HEX}")).unwrap()));
        let with_claims = payload("docker-manifest-digest")
            .replace(r#""optional":null"#, r#""optional":{"creator":"ci"}"#);
        let s = decode_simple_signing(with_claims.as_bytes()).unwrap();
        assert_eq!(s.optional.unwrap()["creator"], "ci");
        assert_eq!(
            decode_simple_signing(br#"{"optional":null}"#).unwrap_err(),
            SupplyError::Missing {
                what: "simple-signing payload",
                field: "critical"
            }
        );
    }

    #[test]
    fn layer_annotations_summarised_part_by_part() {
        let body = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            r#"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{}}"#,
        );
        let bundle = format!(
            r#"{{"SignedEntryTimestamp":"MEUCIQ==","Payload":{{"body":"{body}","integratedTime":1700000000,"logIndex":51234567,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"}}}}"#
        );
        let annotations = BTreeMap::from([
            (annotations::SIGNATURE.to_string(), "MEUCIQ==".to_string()),
            (
                annotations::CERTIFICATE.to_string(),
                FULCIO_LEAF.to_string(),
            ),
            (annotations::CHAIN.to_string(), FULCIO_CA.to_string()),
            (annotations::BUNDLE.to_string(), bundle),
        ]);
        let s = summarize_cosign_annotations(&annotations);
        assert_eq!(s.problems, Vec::<String>::new());
        assert_eq!(s.signature_len, Some(4));
        assert_eq!(s.certificate.unwrap().sha256, FULCIO_LEAF_SHA256);
        assert_eq!(s.chain.len(), 1);
        let rekor = s.rekor.unwrap();
        assert_eq!(rekor.log_index, Some(51234567));
        assert_eq!(rekor.integrated_time, Some(1700000000));
        assert_eq!(rekor.kind.as_deref(), Some("hashedrekord"));
        assert!(!s.rfc3161_timestamp);

        let broken = BTreeMap::from([
            (annotations::SIGNATURE.to_string(), "@@".to_string()),
            (
                annotations::CERTIFICATE.to_string(),
                "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----".to_string(),
            ),
            (annotations::BUNDLE.to_string(), "{".to_string()),
            (
                annotations::RFC3161_TIMESTAMP.to_string(),
                r#"{"SignedRFC3161Timestamp":"MA=="}"#.to_string(),
            ),
        ]);
        let s = summarize_cosign_annotations(&broken);
        assert_eq!(s.problems.len(), 3, "{:?}", s.problems);
        assert!(s.problems[0].contains("signature is not valid base64"));
        assert!(s.problems[1].starts_with("certificate: "));
        assert!(s.problems[2].contains("Rekor bundle is not valid JSON"));
        assert!(s.rfc3161_timestamp);
    }
}
