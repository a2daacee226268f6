//! Every failure the API reports, and the registry error bodies behind them.

use serde::{Deserialize, Serialize};

use super::{Exchange, PlatformCandidate, RegistryNotes};

/// Every failure the API reports, typed so the UI can explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// One sentence a person can act on.
    pub message: String,
    /// The registry host concerned, when there is one (for "sign in to …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The registry's own error body, parsed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registry_errors: Vec<RegistryError>,
    /// Seconds to wait, from `Retry-After`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// For [`ErrorKind::ChoosePlatform`]: the index's entries to choose from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<PlatformCandidate>,
    /// Near matches a person may have meant: tags close to a missing tag, paths close to a
    /// missing path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// How the registry was reached and what the view cost (rate limit, insecure TLS).
    #[serde(default, skip_serializing_if = "RegistryNotes::is_empty")]
    pub registry_notes: RegistryNotes,
    #[serde(default)]
    pub trace: Vec<Exchange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The reference or repository could not be parsed (400).
    InvalidReference,
    /// A query parameter is missing or malformed (400).
    BadRequest,
    /// The path or layer is not in this image or layer (404); `suggestions` may hold near
    /// paths.
    NotInImage,
    /// The reference names an index and the view needs one image: `candidates` lists the
    /// platforms (300).
    ChoosePlatform,
    /// Lading cannot do this for this kind of content, and says what it can (422): listing
    /// a schema-1 image's layers, browsing an artifact that is not a tar.
    Unsupported,
    /// The host is allow-listed, but for another port (403).
    PortNotAllowed,
    /// A fault of this server (500).
    Internal,
    /// Credentials are needed or were rejected (401).
    Unauthorized,
    /// Authenticated but not allowed (403).
    Denied,
    /// No such tag or digest (404).
    ManifestUnknown,
    /// No such repository (404).
    NameUnknown,
    /// No such blob (404).
    BlobUnknown,
    /// Rate limited (429, with `retry_after`).
    TooManyRequests,
    /// The target host is not allowed (private address, not allow-listed) (403).
    RefusedHost,
    /// The upstream could not be reached (502).
    Unreachable,
    /// The upstream was too slow (504).
    Timeout,
    /// The upstream sent something too large (502).
    TooLarge,
    /// The upstream answered with something that is not what the protocol says (502).
    BadUpstream,
    /// Content did not hash to its digest (502).
    Integrity,
    /// Anything else the upstream failed with (502).
    Upstream,
    /// The request named a host this Lading does not serve (a forged `Host`, DNS rebinding)
    /// (421).
    MisdirectedHost,
    /// The TLS handshake failed: unknown issuer, name mismatch, expired (502); the message
    /// names `--ca-cert`.
    Tls,
    /// The registry offers no catalog (Docker Hub, GHCR, …): the message says what to use
    /// instead (404).
    NoCatalog,
}

impl ErrorKind {
    /// The HTTP status the proxy answers with.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::InvalidReference | ErrorKind::BadRequest => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::ChoosePlatform => 300,
            ErrorKind::Denied | ErrorKind::RefusedHost | ErrorKind::PortNotAllowed => 403,
            ErrorKind::ManifestUnknown
            | ErrorKind::NameUnknown
            | ErrorKind::BlobUnknown
            | ErrorKind::NotInImage
            | ErrorKind::NoCatalog => 404,
            ErrorKind::Unsupported => 422,
            ErrorKind::Internal => 500,
            ErrorKind::MisdirectedHost => 421,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Timeout => 504,
            ErrorKind::Unreachable
            | ErrorKind::TooLarge
            | ErrorKind::BadUpstream
            | ErrorKind::Integrity
            | ErrorKind::Tls
            | ErrorKind::Upstream => 502,
        }
    }
}

/// One entry of a registry error body: `{"errors":[{"code","message","detail"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryError {
    pub code: ErrorCode,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<serde_json::Value>,
}

macro_rules! error_codes {
    ($($variant:ident => $text:literal,)*) => {
        /// Error codes of the distribution spec, plus whatever else a registry invents.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum ErrorCode {
            $($variant,)*
            Other(String),
        }

        impl From<String> for ErrorCode {
            fn from(code: String) -> Self {
                match code.as_str() {
                    $($text => ErrorCode::$variant,)*
                    _ => ErrorCode::Other(code),
                }
            }
        }

        impl ErrorCode {
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                    ErrorCode::Other(code) => code,
                }
            }
        }
    };
}

// One table, read both ways (like `media_types!`): a code added here is parsed and written.
error_codes! {
    BlobUnknown => "BLOB_UNKNOWN",
    BlobUploadInvalid => "BLOB_UPLOAD_INVALID",
    BlobUploadUnknown => "BLOB_UPLOAD_UNKNOWN",
    DigestInvalid => "DIGEST_INVALID",
    ManifestBlobUnknown => "MANIFEST_BLOB_UNKNOWN",
    ManifestInvalid => "MANIFEST_INVALID",
    ManifestUnknown => "MANIFEST_UNKNOWN",
    NameInvalid => "NAME_INVALID",
    NameUnknown => "NAME_UNKNOWN",
    SizeInvalid => "SIZE_INVALID",
    Unauthorized => "UNAUTHORIZED",
    Denied => "DENIED",
    Unsupported => "UNSUPPORTED",
    TooManyRequests => "TOOMANYREQUESTS",
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> Self {
        code.as_str().to_string()
    }
}

/// Parses a registry error body leniently: anything that is not the spec's shape yields
/// no entries rather than an error.
pub fn parse_registry_errors(body: &[u8]) -> Vec<RegistryError> {
    // Entry by entry: one odd entry (no `code`, a numeric message) must not hide the others.
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        errors: Option<Vec<serde_json::Value>>,
    }
    serde_json::from_slice::<Body>(body)
        .ok()
        .and_then(|b| b.errors)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|entry| serde_json::from_value(entry).ok())
        .collect()
}
