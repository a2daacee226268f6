//! The one error of the supply-chain decoders: what was wrong with which document, precisely
//! enough for a person to see whether the registry, the tool that wrote it, or Lading is at
//! fault.

/// Why a supply-chain document could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupplyError {
    #[error("the {what} is {size} bytes; Lading reads at most {limit}")]
    TooLarge {
        what: &'static str,
        size: usize,
        limit: usize,
    },
    #[error("the {what} is not valid JSON: {message}")]
    Json { what: &'static str, message: String },
    #[error("the {what} is JSON but not of the expected shape: {message}")]
    Shape { what: &'static str, message: String },
    #[error("the {what} has no \"{field}\"")]
    Missing {
        what: &'static str,
        field: &'static str,
    },
    #[error("the {what} is not valid base64: {message}")]
    Base64 { what: &'static str, message: String },
    #[error("the {what} is not UTF-8 text")]
    NotUtf8 { what: &'static str },
    #[error("the certificate is not valid: {0}")]
    Certificate(String),
    #[error("the chain holds more than {limit} certificates")]
    TooManyCertificates { limit: usize },
    #[error("the payload type is \"{found}\", not {expected}")]
    PayloadType {
        expected: &'static str,
        found: String,
    },
    #[error("\"{0}\" is not an SLSA provenance predicate type (v0.2 or v1)")]
    NotProvenance(String),
    #[error("not an SBOM Lading knows (SPDX 2.x JSON, CycloneDX JSON, Syft JSON): {0}")]
    UnknownSbom(String),
    #[error("the {what} uses media type \"{found}\", not JWS or COSE")]
    MediaType { what: &'static str, found: String },
}
