//! DSSE envelopes (cosign `.att` layers, bundles' `dsseEnvelope`) and the in-toto Statements
//! they carry (also found bare in BuildKit's attestation layers).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SupplyError;
use super::decode::{base64, json};

/// The payload type of an in-toto Statement inside DSSE.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
pub const STATEMENT_V0_1: &str = "https://in-toto.io/Statement/v0.1";
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// The most subjects kept from one Statement.
pub const MAX_SUBJECTS: usize = 10_000;

/// A DSSE envelope with its payload decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DsseEnvelope {
    pub payload_type: String,
    /// The decoded payload bytes, exactly (the PAE and any digest are computed over them).
    /// Travels as standard base64.
    #[serde(with = "super::decode::base64_bytes")]
    pub payload: Vec<u8>,
    pub signatures: Vec<DsseSignature>,
}

/// One signature; `sig` is base64 as written, `keyid` often empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DsseSignature {
    pub keyid: Option<String>,
    pub sig: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireEnvelope {
    pub payload_type: String,
    pub payload: String,
    #[serde(default)]
    pub signatures: Option<Vec<WireSignature>>,
}

#[derive(Deserialize)]
pub(crate) struct WireSignature {
    #[serde(default)]
    keyid: Option<String>,
    #[serde(default)]
    sig: String,
}

impl WireEnvelope {
    pub(crate) fn decode(self) -> Result<DsseEnvelope, SupplyError> {
        Ok(DsseEnvelope {
            payload: base64("DSSE payload", &self.payload)?,
            payload_type: self.payload_type,
            signatures: self
                .signatures
                .unwrap_or_default()
                .into_iter()
                .map(|s| DsseSignature {
                    keyid: s.keyid,
                    sig: s.sig,
                })
                .collect(),
        })
    }
}

/// Decodes a DSSE envelope (`{"payloadType","payload","signatures"}`).
pub fn decode_dsse(bytes: &[u8]) -> Result<DsseEnvelope, SupplyError> {
    json::<WireEnvelope>("DSSE envelope", bytes)?.decode()
}

impl DsseEnvelope {
    /// The bytes the signatures sign (see [`pae`]).
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// The payload as an in-toto Statement, when the payload type says it is one.
    pub fn statement(&self) -> Result<Statement, SupplyError> {
        if !self.payload_type.eq_ignore_ascii_case(IN_TOTO_PAYLOAD_TYPE) {
            return Err(SupplyError::PayloadType {
                expected: IN_TOTO_PAYLOAD_TYPE,
                found: self.payload_type.clone(),
            });
        }
        decode_statement(&self.payload)
    }
}

/// DSSE's pre-authentication encoding: `DSSEv1 <len> <type> <len> <payload>`, lengths in
/// ASCII decimal bytes, single spaces.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(
        format!(
            "DSSEv1 {} {} {} ",
            payload_type.len(),
            payload_type,
            payload.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(payload);
    out
}

/// Which Statement layout `_type` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementVersion {
    V0_1,
    V1,
    /// Another `_type`: read with the v1 layout, shown as written.
    Other,
}

/// An in-toto Statement: what it is about and what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// `_type` as written.
    pub statement_type: String,
    pub version: StatementVersion,
    pub subjects: Vec<Subject>,
    /// How many subjects past [`MAX_SUBJECTS`] were dropped.
    pub subjects_dropped: usize,
    pub predicate_type: String,
    /// The predicate, kept whole for the views that know its type.
    pub predicate: serde_json::Value,
}

/// A subject: `name` is optional in v1; `digest` maps algorithm to hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub name: Option<String>,
    pub digest: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStatement {
    #[serde(rename = "_type")]
    statement_type: String,
    #[serde(default)]
    subject: Option<Vec<WireSubject>>,
    #[serde(default)]
    predicate_type: Option<String>,
    #[serde(default)]
    predicate: serde_json::Value,
}

#[derive(Deserialize)]
struct WireSubject {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    digest: Option<BTreeMap<String, String>>,
}

/// Decodes a bare in-toto Statement (v0.1 or v1).
pub fn decode_statement(bytes: &[u8]) -> Result<Statement, SupplyError> {
    let wire: WireStatement = json("in-toto Statement", bytes)?;
    let version = match wire.statement_type.as_str() {
        STATEMENT_V0_1 => StatementVersion::V0_1,
        STATEMENT_V1 => StatementVersion::V1,
        _ => StatementVersion::Other,
    };
    let predicate_type = wire.predicate_type.ok_or(SupplyError::Missing {
        what: "in-toto Statement",
        field: "predicateType",
    })?;
    let subjects = wire.subject.unwrap_or_default();
    let subjects_dropped = subjects.len().saturating_sub(MAX_SUBJECTS);
    Ok(Statement {
        statement_type: wire.statement_type,
        version,
        subjects: subjects
            .into_iter()
            .take(MAX_SUBJECTS)
            .map(|s| Subject {
                name: s.name,
                digest: s.digest.unwrap_or_default(),
            })
            .collect(),
        subjects_dropped,
        predicate_type,
        predicate: wire.predicate,
    })
}

/// An attestation layer's Statement, DSSE-wrapped (cosign, `+dsse` layers) or bare
/// (BuildKit's `application/vnd.in-toto+json`): the JSON itself says which.
pub fn decode_attestation(bytes: &[u8]) -> Result<Statement, SupplyError> {
    let probe: serde_json::Value = json("attestation", bytes)?;
    if probe.get("payloadType").is_some() && probe.get("payload").is_some() {
        let wire: WireEnvelope = serde_json::from_value(probe).map_err(|e| SupplyError::Shape {
            what: "DSSE envelope",
            message: e.to_string(),
        })?;
        return wire.decode()?.statement();
    }
    decode_statement(bytes)
}

impl Statement {
    /// Whether a subject carries `digest` (`sha256:<hex>`), compared case-insensitively.
    pub fn is_about(&self, digest: &crate::Digest) -> bool {
        let algorithm = digest.algorithm().name();
        self.subjects.iter().any(|s| {
            s.digest
                .get(algorithm)
                .is_some_and(|hex| hex.eq_ignore_ascii_case(digest.hex()))
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    const HEX: &str = "4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec";

    pub(crate) fn statement_v1(predicate_type: &str, predicate: &str) -> String {
        format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"pkg:docker/library/alpine@latest?platform=linux%2Famd64","digest":{{"sha256":"{HEX}"}}}}],"predicateType":"{predicate_type}","predicate":{predicate}}}"#
        )
    }

    fn envelope(payload: &str) -> String {
        format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{}","signatures":[{{"keyid":"","sig":"MEUCIQ=="}}]}}"#,
            STANDARD.encode(payload)
        )
    }

    #[test]
    fn envelope_decodes_and_pae_matches_the_spec() {
        let statement = statement_v1("https://slsa.dev/provenance/v1", "{}");
        let env = decode_dsse(envelope(&statement).as_bytes()).unwrap();
        assert_eq!(env.payload_type, IN_TOTO_PAYLOAD_TYPE);
        assert_eq!(env.payload, statement.as_bytes());
        assert_eq!(
            env.signatures,
            [DsseSignature {
                keyid: Some(String::new()),
                sig: "MEUCIQ==".into()
            }]
        );
        // The DSSE spec's own example: PAE("http://example.com/HelloWorld", "hello world").
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        let expected = format!(
            "DSSEv1 28 application/vnd.in-toto+json {} ",
            statement.len()
        );
        assert!(env.pae().starts_with(expected.as_bytes()));
        assert!(env.pae().ends_with(statement.as_bytes()));
    }

    #[test]
    fn statements_v0_1_and_v1() {
        let v01 = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v0.1","subject":[{{"name":"pkg:docker/alpine@latest","digest":{{"sha256":"{HEX}"}}}}],"predicateType":"https://slsa.dev/provenance/v0.2","predicate":{{"builder":{{"id":""}}}}}}"#
        );
        let s = decode_statement(v01.as_bytes()).unwrap();
        assert_eq!(s.version, StatementVersion::V0_1);
        assert_eq!(s.predicate_type, "https://slsa.dev/provenance/v0.2");
        assert_eq!(
            s.subjects[0].name.as_deref(),
            Some("pkg:docker/alpine@latest")
        );
        assert_eq!(s.predicate["builder"]["id"], "");
        let digest = crate::Digest::parse(&format!("sha256:{HEX}")).unwrap();
        assert!(s.is_about(&digest));
        assert!(!s.is_about(&crate::Digest::sha256(b"other")));
        // v1: subject name optional; through DSSE or bare, the same Statement.
        let v1 = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"digest":{{"sha256":"{HEX}"}}}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{{}}}}"#
        );
        let bare = decode_attestation(v1.as_bytes()).unwrap();
        assert_eq!(bare.version, StatementVersion::V1);
        assert_eq!(bare.subjects[0].name, None);
        assert_eq!(decode_attestation(envelope(&v1).as_bytes()).unwrap(), bare);
    }

    #[test]
    fn specific_errors() {
        let err = decode_dsse(br#"{"payload":"e30="}"#).unwrap_err();
        assert!(err.to_string().contains("payloadType"), "{err}");
        let err = decode_dsse(br#"{"payloadType":"x","payload":"%%%"}"#).unwrap_err();
        assert!(
            matches!(
                err,
                SupplyError::Base64 {
                    what: "DSSE payload",
                    ..
                }
            ),
            "{err}"
        );
        let err = decode_dsse(b"{").unwrap_err();
        assert!(matches!(err, SupplyError::Json { .. }), "{err}");
        let other = r#"{"payloadType":"text/plain","payload":"e30="}"#;
        let err = decode_attestation(other.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            SupplyError::PayloadType {
                expected: IN_TOTO_PAYLOAD_TYPE,
                found: "text/plain".into()
            }
        );
        let err = decode_statement(br#"{"_type":"https://in-toto.io/Statement/v1"}"#).unwrap_err();
        assert_eq!(
            err,
            SupplyError::Missing {
                what: "in-toto Statement",
                field: "predicateType"
            }
        );
    }
}
