//! Sigstore bundles v0.1–v0.3 (cosign 3's referrers, `.sigstore.json` files): the
//! verification material (certificate, chain or key hint; log entries; timestamps) and the
//! content, a DSSE envelope or a message signature.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::SupplyError;
use super::cert::{CertificateSummary, MAX_CHAIN_CERTIFICATES, decode_certificate};
use super::decode::{base64, hex, json, str_at};
use super::dsse::{DsseEnvelope, Statement, WireEnvelope};
use super::rekor::{RekorEntry, tlog_entry};

/// The most log entries read from one bundle.
pub const MAX_TLOG_ENTRIES: usize = 64;

/// A Sigstore bundle, summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SigstoreBundle {
    /// `mediaType` as written.
    pub media_type: String,
    /// `0.1`, `0.2`, `0.3`…, read from the media type.
    pub version: Option<String>,
    /// The signing certificate: `certificate` (v0.3) or the chain's first (v0.1, v0.2).
    pub certificate: Option<CertificateSummary>,
    /// The rest of `x509CertificateChain`, when one was given.
    pub chain: Vec<CertificateSummary>,
    /// `publicKey.hint`, for key-signed bundles.
    pub public_key_hint: Option<String>,
    pub tlog_entries: Vec<RekorEntry>,
    /// How many RFC 3161 timestamps came with it (their content is not decoded).
    pub rfc3161_timestamps: usize,
    pub content: BundleContent,
    /// The envelope's in-toto Statement, when it carries one.
    pub statement: Option<Statement>,
    /// What could not be decoded, one line each.
    pub problems: Vec<String>,
}

/// What the bundle signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum BundleContent {
    Dsse(DsseEnvelope),
    MessageSignature {
        /// `SHA2_256` and the like, as written.
        digest_algorithm: Option<String>,
        /// The signed digest, lowercase hex (the bundle holds it as base64).
        digest: Option<String>,
        /// base64, as written.
        signature: String,
    },
    /// Neither `dsseEnvelope` nor `messageSignature`.
    Missing,
}

/// Decodes a Sigstore bundle.
pub fn decode_bundle(bytes: &[u8]) -> Result<SigstoreBundle, SupplyError> {
    const WHAT: &str = "Sigstore bundle";
    let root: Value = json(WHAT, bytes)?;
    let media_type = str_at(&root, "mediaType")
        .ok_or(SupplyError::Missing {
            what: WHAT,
            field: "mediaType",
        })?
        .to_string();
    let material = root
        .get("verificationMaterial")
        .ok_or(SupplyError::Missing {
            what: WHAT,
            field: "verificationMaterial",
        })?;
    let mut problems = Vec::new();
    let (certificate, chain) = certificates(material, &mut problems);
    let tlog = material.get("tlogEntries").and_then(Value::as_array);
    let tlog_entries = tlog
        .into_iter()
        .flatten()
        .take(MAX_TLOG_ENTRIES)
        .map(tlog_entry)
        .collect();
    let rfc3161_timestamps = material
        .get("timestampVerificationData")
        .and_then(|t| t.get("rfc3161Timestamps"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let content = content(&root)?;
    let statement = match &content {
        BundleContent::Dsse(env) if env.payload_type == super::dsse::IN_TOTO_PAYLOAD_TYPE => env
            .statement()
            .map_err(|e| problems.push(format!("statement: {e}")))
            .ok(),
        _ => None,
    };
    Ok(SigstoreBundle {
        version: bundle_version(&media_type),
        media_type,
        certificate,
        chain,
        public_key_hint: material
            .get("publicKey")
            .and_then(|k| str_at(k, "hint"))
            .map(str::to_string),
        tlog_entries,
        rfc3161_timestamps,
        content,
        statement,
        problems,
    })
}

/// `application/vnd.dev.sigstore.bundle+json;version=0.2` and
/// `application/vnd.dev.sigstore.bundle.v0.3+json` both name their version.
fn bundle_version(media_type: &str) -> Option<String> {
    if let Some((_, v)) = media_type.split_once("version=") {
        return Some(v.split(';').next().unwrap_or(v).trim().to_string());
    }
    let rest = media_type.split(".bundle.v").nth(1)?;
    Some(rest.split('+').next().unwrap_or(rest).to_string())
}

fn certificates(
    material: &Value,
    problems: &mut Vec<String>,
) -> (Option<CertificateSummary>, Vec<CertificateSummary>) {
    let raw = |c: &Value| str_at(c, "rawBytes").map(str::to_string);
    let mut raws: Vec<String> = Vec::new();
    if let Some(single) = material.get("certificate").and_then(raw) {
        raws.push(single);
    } else if let Some(list) = material
        .get("x509CertificateChain")
        .and_then(|c| c.get("certificates"))
        .and_then(Value::as_array)
    {
        if list.len() > MAX_CHAIN_CERTIFICATES {
            problems.push(format!(
                "the chain holds {} certificates; the first {MAX_CHAIN_CERTIFICATES} are read",
                list.len()
            ));
        }
        raws.extend(list.iter().take(MAX_CHAIN_CERTIFICATES).filter_map(raw));
    }
    let mut summaries = raws.iter().filter_map(|text| {
        base64("certificate rawBytes", text)
            .and_then(|der| decode_certificate(&der))
            .map_err(|e| problems.push(e.to_string()))
            .ok()
    });
    let first = summaries.next();
    let rest = summaries.collect();
    (first, rest)
}

fn content(root: &Value) -> Result<BundleContent, SupplyError> {
    if let Some(env) = root.get("dsseEnvelope") {
        let wire: WireEnvelope =
            serde_json::from_value(env.clone()).map_err(|e| SupplyError::Shape {
                what: "bundle's dsseEnvelope",
                message: e.to_string(),
            })?;
        return Ok(BundleContent::Dsse(wire.decode()?));
    }
    let Some(message) = root.get("messageSignature") else {
        return Ok(BundleContent::Missing);
    };
    let digest = message.get("messageDigest");
    Ok(BundleContent::MessageSignature {
        digest_algorithm: digest
            .and_then(|d| str_at(d, "algorithm"))
            .map(str::to_string),
        digest: digest
            .and_then(|d| str_at(d, "digest"))
            .map(|d| base64("message digest", d).map(|bytes| hex(&bytes)))
            .transpose()?,
        signature: str_at(message, "signature").unwrap_or_default().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;
    use crate::supply::cert::tests::{FULCIO_CA, FULCIO_LEAF, FULCIO_LEAF_SHA256, der_of};
    use crate::supply::dsse::tests::statement_v1;

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    #[test]
    fn v0_3_dsse_bundle_as_cosign_3_writes_it() {
        let statement = statement_v1("https://sigstore.dev/cosign/sign/v1", "{}");
        let bundle = format!(
            r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{"certificate":{{"rawBytes":"{cert}"}},"tlogEntries":[{{"logIndex":"51234567","logId":{{"keyId":"wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="}},"kindVersion":{{"kind":"dsse","version":"0.0.1"}},"integratedTime":"1764590400","inclusionPromise":{{"signedEntryTimestamp":"MEUCIQ=="}},"inclusionProof":{{"logIndex":"29330305","treeSize":"29330306"}}}}],"timestampVerificationData":{{}}}},"dsseEnvelope":{{"payload":"{payload}","payloadType":"application/vnd.in-toto+json","signatures":[{{"sig":"MEUCIQ=="}}]}}}}"#,
            cert = STANDARD.encode(der_of(FULCIO_LEAF)),
            payload = STANDARD.encode(&statement),
        );
        let b = decode_bundle(bundle.as_bytes()).unwrap();
        assert_eq!(b.version.as_deref(), Some("0.3"));
        assert_eq!(b.problems, Vec::<String>::new());
        assert_eq!(b.certificate.unwrap().sha256, FULCIO_LEAF_SHA256);
        let entry = &b.tlog_entries[0];
        assert_eq!(entry.log_index, Some(51234567));
        assert_eq!(entry.integrated_time, Some(1764590400));
        assert_eq!(entry.kind.as_deref(), Some("dsse"));
        assert_eq!(entry.kind_version.as_deref(), Some("0.0.1"));
        assert!(entry.signed_entry_timestamp && entry.inclusion_proof);
        let BundleContent::Dsse(env) = &b.content else {
            panic!("{:?}", b.content)
        };
        assert_eq!(env.payload, statement.as_bytes());
        let s = b.statement.unwrap();
        assert_eq!(s.predicate_type, "https://sigstore.dev/cosign/sign/v1");
    }

    #[test]
    fn v0_1_chain_and_message_signature() {
        let digest = STANDARD.encode([0xab; 32]);
        let bundle = format!(
            r#"{{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1","verificationMaterial":{{"x509CertificateChain":{{"certificates":[{{"rawBytes":"{leaf}"}},{{"rawBytes":"{ca}"}}]}},"tlogEntries":[{{"logIndex":12,"integratedTime":1700000000}}]}},"messageSignature":{{"messageDigest":{{"algorithm":"SHA2_256","digest":"{digest}"}},"signature":"MEQCIA=="}}}}"#,
            leaf = STANDARD.encode(der_of(FULCIO_LEAF)),
            ca = STANDARD.encode(der_of(FULCIO_CA)),
        );
        let b = decode_bundle(bundle.as_bytes()).unwrap();
        assert_eq!(b.version.as_deref(), Some("0.1"));
        assert!(b.certificate.is_some());
        assert_eq!(b.chain.len(), 1);
        assert_eq!(b.tlog_entries[0].log_index, Some(12));
        assert_eq!(
            b.content,
            BundleContent::MessageSignature {
                digest_algorithm: Some("SHA2_256".into()),
                digest: Some("ab".repeat(32)),
                signature: "MEQCIA==".into()
            }
        );
        assert_eq!(b.statement, None);
        let _ = HEX;
    }

    #[test]
    fn key_hint_bad_certificate_and_missing_parts() {
        let bundle = r#"{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.2","verificationMaterial":{"publicKey":{"hint":"my-key"},"certificate":{"rawBytes":"AAAA"}}}"#;
        let b = decode_bundle(bundle.as_bytes()).unwrap();
        assert_eq!(b.version.as_deref(), Some("0.2"));
        assert_eq!(b.public_key_hint.as_deref(), Some("my-key"));
        assert_eq!(b.content, BundleContent::Missing);
        assert_eq!(b.problems.len(), 1, "{:?}", b.problems);
        assert_eq!(
            decode_bundle(br#"{"verificationMaterial":{}}"#).unwrap_err(),
            SupplyError::Missing {
                what: "Sigstore bundle",
                field: "mediaType"
            }
        );
        let bad = r#"{"mediaType":"x","verificationMaterial":{},"dsseEnvelope":{"payloadType":"t","payload":"!!"}}"#;
        assert!(matches!(
            decode_bundle(bad.as_bytes()).unwrap_err(),
            SupplyError::Base64 { .. }
        ));
    }
}
