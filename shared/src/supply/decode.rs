//! The bounded primitives every decoder here uses: size checks, JSON, base64.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::DeserializeOwned;

use super::SupplyError;

/// The largest document (an envelope, a bundle, an SBOM) Lading decodes.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;
/// The largest base64 payload, once decoded (BuildKit caps attestation blobs at 40 MiB).
pub const MAX_PAYLOAD_BYTES: usize = 40 * 1024 * 1024;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

pub(crate) fn check_size(what: &'static str, bytes: &[u8]) -> Result<(), SupplyError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(SupplyError::TooLarge {
            what,
            size: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    Ok(())
}

/// Parses a bounded document as JSON into `T`, telling a syntax error from a wrong shape.
/// serde_json's recursion limit (128) stays on: it is the depth bound.
pub(crate) fn json<T: DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
) -> Result<T, SupplyError> {
    check_size(what, bytes)?;
    serde_json::from_slice(bytes).map_err(|e| {
        let message = e.to_string();
        if e.is_data() {
            SupplyError::Shape { what, message }
        } else {
            SupplyError::Json { what, message }
        }
    })
}

/// Decodes base64 in either alphabet (DSSE writes standard, JWS base64url), padded or not,
/// refusing payloads over [`MAX_PAYLOAD_BYTES`] before decoding them.
pub(crate) fn base64(what: &'static str, text: &str) -> Result<Vec<u8>, SupplyError> {
    let text = text.trim();
    let decoded_size = text.len() / 4 * 3 + 3;
    if decoded_size > MAX_PAYLOAD_BYTES + 3 {
        return Err(SupplyError::TooLarge {
            what,
            size: decoded_size,
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let engine = if text.contains(['-', '_']) {
        &URL_SAFE
    } else {
        &STANDARD
    };
    engine.decode(text).map_err(|e| SupplyError::Base64 {
        what,
        message: e.to_string(),
    })
}

/// Lowercase hex, as digests and thumbprints are written.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A JSON value as display text: strings bare, anything else as compact JSON.
pub(crate) fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `value[key]` as a string, when it is one.
pub(crate) fn str_at<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(serde_json::Value::as_str)
}

/// Bytes as standard base64 in serialized summaries (a payload as a JSON array of numbers
/// would be four times larger).
pub(crate) mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::base64("payload", &text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_accepts_both_alphabets_and_missing_padding() {
        assert_eq!(base64("payload", "e30=").unwrap(), b"{}");
        assert_eq!(base64("payload", "e30").unwrap(), b"{}");
        assert_eq!(base64("payload", "-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(base64("payload", "+/8=").unwrap(), [0xfb, 0xff]);
        let err = base64("payload", "not base64!").unwrap_err();
        assert!(
            matches!(
                err,
                SupplyError::Base64 {
                    what: "payload",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn oversized_inputs_are_refused_before_work() {
        let big = "A".repeat(MAX_PAYLOAD_BYTES / 3 * 4 + 8);
        assert!(matches!(
            base64("payload", &big),
            Err(SupplyError::TooLarge { .. })
        ));
        let doc = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(matches!(
            json::<serde_json::Value>("envelope", &doc),
            Err(SupplyError::TooLarge { .. })
        ));
    }
}
