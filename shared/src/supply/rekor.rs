//! Rekor transparency-log entries as signatures carry them: cosign's `bundle` annotation
//! (`{"SignedEntryTimestamp","Payload":{"body","integratedTime","logIndex","logID"}}`) and
//! a Sigstore bundle's `tlogEntries`. Read, not checked against the log.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::SupplyError;
use super::decode::{base64, json, str_at};

/// One log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RekorEntry {
    /// The entry's index in the log (what `search.sigstore.dev/?logIndex=` takes).
    pub log_index: Option<i64>,
    /// When the log took it, Unix seconds.
    pub integrated_time: Option<i64>,
    /// The log's id (hex in cosign bundles, base64 `keyId` in Sigstore bundles), as written.
    pub log_id: Option<String>,
    /// The entry's type (`hashedrekord`, `dsse`, `intoto`) and its version (`0.0.1`).
    pub kind: Option<String>,
    pub kind_version: Option<String>,
    /// Whether a signed entry timestamp / an inclusion proof came with it.
    pub signed_entry_timestamp: bool,
    pub inclusion_proof: bool,
}

/// Decodes cosign's `dev.sigstore.cosign/bundle` annotation.
pub fn decode_rekor_bundle(bytes: &[u8]) -> Result<RekorEntry, SupplyError> {
    const WHAT: &str = "Rekor bundle";
    let root: Value = json(WHAT, bytes)?;
    let payload = root.get("Payload").ok_or(SupplyError::Missing {
        what: WHAT,
        field: "Payload",
    })?;
    let kind = str_at(payload, "body").and_then(body_kind);
    Ok(RekorEntry {
        log_index: int64(payload.get("logIndex")),
        integrated_time: int64(payload.get("integratedTime").or(root.get("integratedTime"))),
        log_id: str_at(payload, "logID").map(str::to_string),
        kind: kind.as_ref().map(|(k, _)| k.clone()),
        kind_version: kind.map(|(_, v)| v),
        signed_entry_timestamp: str_at(&root, "SignedEntryTimestamp")
            .is_some_and(|s| !s.is_empty()),
        inclusion_proof: false,
    })
}

/// A Sigstore bundle's `tlogEntries[]` item (protobuf JSON: int64 as strings).
pub(crate) fn tlog_entry(entry: &Value) -> RekorEntry {
    let kind_version = entry.get("kindVersion");
    RekorEntry {
        log_index: int64(entry.get("logIndex")),
        integrated_time: int64(entry.get("integratedTime")),
        log_id: entry
            .get("logId")
            .and_then(|id| str_at(id, "keyId"))
            .map(str::to_string),
        kind: kind_version
            .and_then(|k| str_at(k, "kind"))
            .map(str::to_string),
        kind_version: kind_version
            .and_then(|k| str_at(k, "version"))
            .map(str::to_string),
        signed_entry_timestamp: entry
            .get("inclusionPromise")
            .and_then(|p| str_at(p, "signedEntryTimestamp"))
            .is_some(),
        inclusion_proof: entry.get("inclusionProof").is_some_and(Value::is_object),
    }
}

/// Reads a JSON number or a decimal string (protobuf JSON writes int64 as a string).
pub(crate) fn int64(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The `kind` and `apiVersion` of a base64 Rekor entry body.
fn body_kind(body: &str) -> Option<(String, String)> {
    let bytes = base64("Rekor entry body", body).ok()?;
    let body: Value = serde_json::from_slice(&bytes).ok()?;
    Some((
        str_at(&body, "kind")?.to_string(),
        str_at(&body, "apiVersion").unwrap_or_default().to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int64_as_number_or_string() {
        assert_eq!(int64(Some(&Value::from(7))), Some(7));
        assert_eq!(
            int64(Some(&Value::from("123456789012"))),
            Some(123456789012)
        );
        assert_eq!(int64(Some(&Value::from("twelve"))), None);
        assert_eq!(int64(None), None);
    }

    #[test]
    fn bundle_without_payload_is_named() {
        assert_eq!(
            decode_rekor_bundle(br#"{"SignedEntryTimestamp":"MEUCIQ=="}"#).unwrap_err(),
            SupplyError::Missing {
                what: "Rekor bundle",
                field: "Payload"
            }
        );
    }
}
