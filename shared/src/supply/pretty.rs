//! The "Raw JSON" view's text: any JSON document pretty-printed, with the base64 payloads
//! inside it (DSSE `payload`, a bundle's `dsseEnvelope.payload`, JWS `payload` and
//! `protected`) decoded beside it, themselves pretty when they are JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::SupplyError;
use super::decode::{base64, json};

/// The most text one document (the outer one or a decoded one) is shown with.
pub const MAX_PRETTY_BYTES: usize = 4 * 1024 * 1024;
/// The most text all of a view's documents are shown with, together.
pub const MAX_PRETTY_TOTAL_BYTES: usize = 16 * 1024 * 1024;
/// The most decoded payloads listed.
pub const MAX_DECODED_PAYLOADS: usize = 16;
/// How deep payloads inside decoded payloads are followed (a bundle's envelope's
/// Statement is depth 1).
pub const MAX_PAYLOAD_NESTING: usize = 2;

/// A pretty document and what was decoded inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrettyJson {
    pub text: String,
    /// Whether `text` was cut at [`MAX_PRETTY_BYTES`].
    pub truncated: bool,
    pub decoded: Vec<DecodedPayload>,
    /// Payloads past [`MAX_DECODED_PAYLOADS`] or [`MAX_PAYLOAD_NESTING`], not decoded.
    pub skipped: usize,
}

/// One decoded base64 field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodedPayload {
    /// Where it was: a JSON pointer (`/dsseEnvelope/payload`); nested payloads join their
    /// parents' with ` » `.
    pub path: String,
    /// Decoded size in bytes (0 when it did not decode).
    pub size: usize,
    /// Whether the decoded bytes are JSON (then `text` is pretty).
    pub is_json: bool,
    /// The decoded text: pretty JSON, or UTF-8 as is; `None` for binary or bad base64.
    pub text: Option<String>,
    pub truncated: bool,
    /// Why there is no text (bad base64, binary data), when there is none.
    pub note: Option<String>,
}

/// Pretty-prints `bytes` (JSON) and decodes its base64 payloads.
pub fn pretty_json(bytes: &[u8]) -> Result<PrettyJson, SupplyError> {
    let root: Value = json("document", bytes)?;
    let mut budget = MAX_PRETTY_TOTAL_BYTES;
    let (text, truncated) = pretty(bytes, &mut budget);
    let mut out = PrettyJson {
        text,
        truncated,
        decoded: Vec::new(),
        skipped: 0,
    };
    let mut state = Walk {
        out: &mut out,
        budget,
    };
    state.walk(&root, "", "", 0);
    Ok(out)
}

struct Walk<'a> {
    out: &'a mut PrettyJson,
    budget: usize,
}

impl Walk<'_> {
    /// Finds payload fields under `value` (at JSON pointer `pointer`) and decodes them.
    fn walk(&mut self, value: &Value, prefix: &str, pointer: &str, nesting: usize) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let path = format!("{pointer}/{}", escape(key));
                    match child.as_str() {
                        Some(text) if is_payload_field(map, key) => {
                            self.decode(text, &format!("{prefix}{path}"), nesting);
                        }
                        _ => self.walk(child, prefix, &path, nesting),
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.walk(child, prefix, &format!("{pointer}/{i}"), nesting);
                }
            }
            _ => {}
        }
    }

    fn decode(&mut self, encoded: &str, path: &str, nesting: usize) {
        if self.out.decoded.len() >= MAX_DECODED_PAYLOADS || nesting >= MAX_PAYLOAD_NESTING {
            self.out.skipped += 1;
            return;
        }
        let mut entry = DecodedPayload {
            path: path.to_string(),
            size: 0,
            is_json: false,
            text: None,
            truncated: false,
            note: None,
        };
        let bytes = match base64("payload", encoded) {
            Ok(bytes) => bytes,
            Err(e) => {
                entry.note = Some(e.to_string());
                self.out.decoded.push(entry);
                return;
            }
        };
        entry.size = bytes.len();
        let parsed = serde_json::from_slice::<Value>(&bytes).ok();
        match (&parsed, std::str::from_utf8(&bytes)) {
            (Some(_), _) => {
                let (text, truncated) = pretty(&bytes, &mut self.budget);
                (entry.is_json, entry.text, entry.truncated) = (true, Some(text), truncated);
            }
            (None, Ok(text)) => {
                let (text, truncated) = cut(text.to_string(), &mut self.budget);
                (entry.text, entry.truncated) = (Some(text), truncated);
            }
            (None, Err(_)) => {
                entry.note = Some(format!("{} bytes of binary data", bytes.len()));
            }
        }
        self.out.decoded.push(entry);
        if let Some(value) = parsed {
            self.walk(&value, &format!("{path} » "), "", nesting + 1);
        }
    }
}

/// `payload` beside `payloadType` (DSSE) or beside `protected`/`signature` (JWS), and JWS
/// `protected` beside `signature`.
fn is_payload_field(map: &serde_json::Map<String, Value>, key: &str) -> bool {
    match key {
        "payload" => ["payloadType", "protected", "signature", "signatures"]
            .iter()
            .any(|k| map.contains_key(*k)),
        "protected" => map.contains_key("signature"),
        _ => false,
    }
}

/// RFC 6901 escaping of a pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Re-indents JSON text already known to be valid, token by token: keys keep their order
/// and numbers their spelling (parsing into a `Value` would sort keys and round floats).
fn pretty(valid_json: &[u8], budget: &mut usize) -> (String, bool) {
    let text = String::from_utf8_lossy(valid_json);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if out.len() > MAX_PRETTY_BYTES {
            break;
        }
        if in_string {
            out.push(c);
            (in_string, escaped) = match (escaped, c) {
                (true, _) => (true, false),
                (false, '\\') => (true, true),
                (false, '"') => (false, false),
                _ => (true, false),
            };
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.next_if(|n| n.is_ascii_whitespace()).is_some() {}
                if chars.next_if_eq(&close).is_some() {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    cut(out, budget)
}

/// Cuts `text` to the per-document and remaining total budgets, on a character boundary.
fn cut(mut text: String, budget: &mut usize) -> (String, bool) {
    let limit = MAX_PRETTY_BYTES.min(*budget);
    let truncated = text.len() > limit;
    if truncated {
        let mut end = limit;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    *budget -= text.len();
    (text, truncated)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    use super::*;

    #[test]
    fn bundle_envelope_and_statement_inside() {
        let statement = r#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}"#;
        let bundle = format!(
            r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{}},"dsseEnvelope":{{"payload":"{}","payloadType":"application/vnd.in-toto+json","signatures":[{{"sig":"MEUCIQ=="}}]}}}}"#,
            STANDARD.encode(statement)
        );
        let p = pretty_json(bundle.as_bytes()).unwrap();
        // The document's own key order, not serde_json's sorted one.
        assert!(
            p.text.starts_with("{\n  \"mediaType\": \"application/"),
            "{}",
            p.text
        );
        assert!(
            p.text.contains("\"verificationMaterial\": {},\n"),
            "{}",
            p.text
        );
        assert!(!p.truncated);
        assert_eq!(p.decoded.len(), 1);
        let d = &p.decoded[0];
        assert_eq!(d.path, "/dsseEnvelope/payload");
        assert_eq!(d.size, statement.len());
        assert!(d.is_json);
        assert!(
            d.text
                .as_deref()
                .unwrap()
                .contains("\n  \"predicateType\": ")
        );
    }

    #[test]
    fn jws_protected_and_payload_are_base64url() {
        let jws = format!(
            r#"{{"payload":"{}","protected":"{}","header":{{}},"signature":"c2ln"}}"#,
            URL_SAFE_NO_PAD.encode(r#"{"targetArtifact":{"size":1}}"#),
            URL_SAFE_NO_PAD.encode(r#"{"alg":"PS256"}"#),
        );
        let p = pretty_json(jws.as_bytes()).unwrap();
        let paths: Vec<&str> = p.decoded.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["/payload", "/protected"]);
        assert!(p.decoded.iter().all(|d| d.is_json));
    }

    #[test]
    fn bad_base64_and_binary_are_notes_and_plain_fields_untouched() {
        let doc = r#"{"payloadType":"x","payload":"@@not base64@@","other":{"payload":"e30="}}"#;
        let p = pretty_json(doc.as_bytes()).unwrap();
        assert_eq!(
            p.decoded.len(),
            1,
            "a payload without DSSE/JWS siblings is left"
        );
        let note = p.decoded[0].note.as_deref().unwrap();
        assert!(note.contains("not valid base64"), "{note}");
        assert_eq!(p.decoded[0].text, None);
        let binary = format!(
            r#"{{"payloadType":"x","payload":"{}"}}"#,
            STANDARD.encode([0xff, 0xfe, 0x00])
        );
        let p = pretty_json(binary.as_bytes()).unwrap();
        assert_eq!(p.decoded[0].note.as_deref(), Some("3 bytes of binary data"));
        assert!(matches!(pretty_json(b"{"), Err(SupplyError::Json { .. })));
    }

    #[test]
    fn reindenting_keeps_strings_numbers_and_empties() {
        let doc = r#" {"b":[1.50,-2e3,{}],"a":"x\"y,{[:","c":[ ],"d":{"e":null}} "#;
        let mut budget = usize::MAX;
        let (text, truncated) = pretty(doc.as_bytes(), &mut budget);
        assert!(!truncated);
        let expected = "{\n  \"b\": [\n    1.50,\n    -2e3,\n    {}\n  ],\n  \"a\": \"x\\\"y,{[:\",\n  \"c\": [],\n  \"d\": {\n    \"e\": null\n  }\n}";
        assert_eq!(text, expected);
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reparsed, serde_json::from_str::<Value>(doc).unwrap());
    }

    #[test]
    fn nesting_and_size_are_bounded() {
        // A payload holding a payload holding a payload: the third is not decoded.
        let inner = r#"{"payloadType":"x","payload":"e30="}"#;
        let middle = format!(
            r#"{{"payloadType":"x","payload":"{}"}}"#,
            STANDARD.encode(inner)
        );
        let outer = format!(
            r#"{{"payloadType":"x","payload":"{}"}}"#,
            STANDARD.encode(&middle)
        );
        let p = pretty_json(outer.as_bytes()).unwrap();
        let paths: Vec<&str> = p.decoded.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["/payload", "/payload » /payload"]);
        assert_eq!(p.skipped, 1);
        let big = format!(r#"{{"a":"{}é"}}"#, "x".repeat(MAX_PRETTY_BYTES));
        let p = pretty_json(big.as_bytes()).unwrap();
        assert!(p.truncated);
        assert!(p.text.len() <= MAX_PRETTY_BYTES);
    }
}
