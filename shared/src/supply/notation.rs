//! Notation signatures: the JWS envelope (`application/jose+json`, flattened JSON
//! serialization) decoded — protected header, certificate chain, signed target — and the
//! COSE envelope recognised but not decoded (Lading carries no CBOR decoder).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::SupplyError;
use super::cert::{CertificateSummary, MAX_CHAIN_CERTIFICATES, decode_certificate};
use super::decode::{base64, check_size, json, str_at};

pub const JWS_MEDIA_TYPE: &str = "application/jose+json";
pub const COSE_MEDIA_TYPE: &str = "application/cose";
/// The manifest annotation listing the chain's SHA-256 thumbprints.
pub const THUMBPRINT_ANNOTATION: &str = "io.cncf.notary.x509chain.thumbprint#S256";

/// A Notation signature envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "envelope")]
pub enum NotationSignature {
    /// Boxed: it is far larger than the COSE note.
    Jws(Box<NotationJws>),
    /// Recognised by media type; what is said here is all Lading knows of it.
    Cose {
        size: usize,
        /// Whether it opens with CBOR tag 18 (COSE_Sign1), as Notation writes it.
        cose_sign1_tag: bool,
        note: String,
    },
}

/// A decoded JWS envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotationJws {
    pub alg: Option<String>,
    pub cty: Option<String>,
    /// `io.cncf.notary.signingScheme` (`notary.x509`, `notary.x509.signingAuthority`).
    pub signing_scheme: Option<String>,
    /// `io.cncf.notary.signingTime`, as written (RFC 3339).
    pub signing_time: Option<String>,
    /// `io.cncf.notary.expiry`, when set.
    pub expiry: Option<String>,
    /// `crit`: header names a verifier must understand.
    pub critical: Vec<String>,
    /// `header.io.cncf.notary.signingAgent`, when set.
    pub signing_agent: Option<String>,
    /// `header.x5c`, leaf first.
    pub certificates: Vec<CertificateSummary>,
    pub target: Option<TargetArtifact>,
    /// What could not be decoded, one line each.
    pub problems: Vec<String>,
}

/// The payload's `targetArtifact`: the manifest the signature is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetArtifact {
    pub media_type: Option<String>,
    pub digest: Option<String>,
    pub size: Option<u64>,
    pub annotations: BTreeMap<String, String>,
}

/// Decodes a Notation signature layer blob by its media type.
pub fn decode_notation(media_type: &str, bytes: &[u8]) -> Result<NotationSignature, SupplyError> {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(JWS_MEDIA_TYPE) {
        return decode_notation_jws(bytes).map(|jws| NotationSignature::Jws(Box::new(jws)));
    }
    if essence.eq_ignore_ascii_case(COSE_MEDIA_TYPE) {
        check_size("COSE envelope", bytes)?;
        return Ok(NotationSignature::Cose {
            size: bytes.len(),
            cose_sign1_tag: bytes.first() == Some(&0xd2),
            note: "a COSE_Sign1 envelope (CBOR): Lading does not decode CBOR, so its \
                   protected header, certificate chain and payload are not shown"
                .to_string(),
        });
    }
    Err(SupplyError::MediaType {
        what: "Notation signature",
        found: media_type.to_string(),
    })
}

/// Decodes a JWS envelope (flattened JSON serialization).
pub fn decode_notation_jws(bytes: &[u8]) -> Result<NotationJws, SupplyError> {
    const WHAT: &str = "JWS envelope";
    let root: Value = json(WHAT, bytes)?;
    let protected = str_at(&root, "protected").ok_or(SupplyError::Missing {
        what: WHAT,
        field: "protected",
    })?;
    let header: Value = json(
        "JWS protected header",
        &base64("JWS protected header", protected)?,
    )?;
    let payload = str_at(&root, "payload").ok_or(SupplyError::Missing {
        what: WHAT,
        field: "payload",
    })?;
    let payload: Value = json("JWS payload", &base64("JWS payload", payload)?)?;
    let mut problems = Vec::new();
    let target = payload.get("targetArtifact").map(target_artifact);
    if target.is_none() {
        problems.push("the payload has no targetArtifact".to_string());
    }
    let unprotected = root.get("header");
    let certificates = x5c(unprotected, &mut problems);
    let owned = |key: &str| str_at(&header, key).map(str::to_string);
    Ok(NotationJws {
        alg: owned("alg"),
        cty: owned("cty"),
        signing_scheme: owned("io.cncf.notary.signingScheme"),
        signing_time: owned("io.cncf.notary.signingTime"),
        expiry: owned("io.cncf.notary.expiry"),
        critical: header
            .get("crit")
            .and_then(Value::as_array)
            .map(|c| {
                c.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        signing_agent: unprotected
            .and_then(|h| str_at(h, "io.cncf.notary.signingAgent"))
            .map(str::to_string),
        certificates,
        target,
        problems,
    })
}

impl NotationJws {
    /// Whether the manifest's thumbprint annotation lists exactly this envelope's chain, in
    /// order (Notation writes one from the other; a mismatch means one was swapped).
    pub fn thumbprints_match(&self, thumbprints: &[String]) -> bool {
        self.certificates.len() == thumbprints.len()
            && self
                .certificates
                .iter()
                .zip(thumbprints)
                .all(|(cert, print)| cert.sha256.eq_ignore_ascii_case(print))
    }
}

fn target_artifact(target: &Value) -> TargetArtifact {
    TargetArtifact {
        media_type: str_at(target, "mediaType").map(str::to_string),
        digest: str_at(target, "digest").map(str::to_string),
        size: target.get("size").and_then(Value::as_u64),
        annotations: target
            .get("annotations")
            .and_then(Value::as_object)
            .map(|a| {
                a.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `header.x5c`: base64 (standard, per RFC 7515) DER certificates, leaf first.
fn x5c(header: Option<&Value>, problems: &mut Vec<String>) -> Vec<CertificateSummary> {
    let Some(list) = header.and_then(|h| h.get("x5c")).and_then(Value::as_array) else {
        problems.push("the unprotected header has no x5c certificate chain".to_string());
        return Vec::new();
    };
    if list.len() > MAX_CHAIN_CERTIFICATES {
        problems.push(format!(
            "x5c holds {} certificates; the first {MAX_CHAIN_CERTIFICATES} are read",
            list.len()
        ));
    }
    list.iter()
        .take(MAX_CHAIN_CERTIFICATES)
        .enumerate()
        .filter_map(|(i, entry)| {
            let text = entry.as_str().unwrap_or_default();
            base64("x5c certificate", text)
                .and_then(|der| decode_certificate(&der))
                .map_err(|e| problems.push(format!("x5c[{i}]: {e}")))
                .ok()
        })
        .collect()
}

/// Reads the thumbprint annotation: a JSON array of lowercase hex SHA-256s, in a string.
pub fn decode_thumbprints(annotation: &str) -> Result<Vec<String>, SupplyError> {
    let list: Vec<String> = json("thumbprint annotation", annotation.as_bytes())?;
    Ok(list.into_iter().map(|t| t.to_ascii_lowercase()).collect())
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    use super::*;
    use crate::supply::cert::tests::{NOTATION_LEAF, NOTATION_LEAF_SHA256, der_of};

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    fn jws(x5c: &str) -> String {
        let protected = r#"{"alg":"PS256","crit":["io.cncf.notary.signingScheme"],"cty":"application/vnd.cncf.notary.payload.v1+json","io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"2025-12-01T12:00:00Z"}"#;
        let payload = format!(
            r#"{{"targetArtifact":{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{HEX}","size":528}}}}"#
        );
        format!(
            r#"{{"payload":"{}","protected":"{}","header":{{"x5c":[{x5c}],"io.cncf.notary.signingAgent":"Notation/1.0.0"}},"signature":"c2ln"}}"#,
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(protected),
        )
    }

    #[test]
    fn jws_envelope_decoded() {
        let x5c = format!("\"{}\"", STANDARD.encode(der_of(NOTATION_LEAF)));
        let sig = decode_notation(JWS_MEDIA_TYPE, jws(&x5c).as_bytes()).unwrap();
        let NotationSignature::Jws(j) = sig else {
            panic!("{sig:?}")
        };
        assert_eq!(j.problems, Vec::<String>::new());
        assert_eq!(j.alg.as_deref(), Some("PS256"));
        assert_eq!(
            j.cty.as_deref(),
            Some("application/vnd.cncf.notary.payload.v1+json")
        );
        assert_eq!(j.signing_scheme.as_deref(), Some("notary.x509"));
        assert_eq!(j.signing_time.as_deref(), Some("2025-12-01T12:00:00Z"));
        assert_eq!(j.critical, ["io.cncf.notary.signingScheme"]);
        assert_eq!(j.signing_agent.as_deref(), Some("Notation/1.0.0"));
        assert_eq!(j.certificates[0].sha256, NOTATION_LEAF_SHA256);
        let target = j.target.clone().unwrap();
        assert_eq!(target.digest, Some(format!("sha256:{HEX}")));
        assert_eq!(target.size, Some(528));
        let annotation = format!(r#"["{NOTATION_LEAF_SHA256}"]"#);
        assert!(j.thumbprints_match(&decode_thumbprints(&annotation).unwrap()));
        assert!(!j.thumbprints_match(&[]));
        assert!(!j.thumbprints_match(&["00".repeat(32)]));
    }

    #[test]
    fn a_bad_certificate_is_a_problem_not_a_failure() {
        let j = decode_notation_jws(jws(r#""AAAA""#).as_bytes()).unwrap();
        assert!(j.certificates.is_empty());
        assert!(j.problems[0].starts_with("x5c[0]: "), "{:?}", j.problems);
        assert!(j.target.is_some());
        let err = decode_notation_jws(br#"{"protected":"e30","payload":"!!"}"#).unwrap_err();
        assert!(
            matches!(
                err,
                SupplyError::Base64 {
                    what: "JWS payload",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn cose_is_named_not_faked_and_other_types_refused() {
        let sig = decode_notation("application/cose", &[0xd2, 0x84, 0x58]).unwrap();
        let NotationSignature::Cose {
            size,
            cose_sign1_tag,
            note,
        } = sig
        else {
            panic!("{sig:?}")
        };
        assert_eq!((size, cose_sign1_tag), (3, true));
        assert!(note.contains("does not decode CBOR"));
        assert!(matches!(
            decode_notation("text/plain", b"x").unwrap_err(),
            SupplyError::MediaType { .. }
        ));
    }

    #[test]
    fn thumbprint_annotation() {
        let text = format!(r#"["{}"]"#, NOTATION_LEAF_SHA256.to_uppercase());
        assert_eq!(decode_thumbprints(&text).unwrap(), [NOTATION_LEAF_SHA256]);
        assert!(matches!(
            decode_thumbprints("not json").unwrap_err(),
            SupplyError::Json { .. }
        ));
    }
}
