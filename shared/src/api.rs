//! The contract between the Lading frontend and proxy: routes, query parameters, answers and
//! errors. Every answer, success or failure, carries the upstream [`Exchange`]s it made.

use serde::{Deserialize, Serialize};

use crate::config::ImageConfig;
use crate::digest::Digest;
use crate::manifest::Manifest;
use crate::media_type::MediaType;
use crate::reference::{Reference, Repository};

/// `GET /api/health` → [`Health`]: the version and which registries this instance may reach.
pub const HEALTH_PATH: &str = "/api/health";
/// `GET /api/image?ref=REFERENCE` → [`ImageResponse`].
pub const IMAGE_PATH: &str = "/api/image";
/// `GET /api/tags?repo=REGISTRY/REPOSITORY` → [`TagsResponse`].
pub const TAGS_PATH: &str = "/api/tags";

/// Registry credentials for the one registry a call targets: `base64(username:password)`.
/// Sent by the browser on each call, never stored or logged by the proxy.
pub const CREDENTIALS_HEADER: &str = "x-lading-credentials";
/// The same `base64(username:password)` as a form field, for downloads: a plain link cannot
/// send a header, so a download of a private image is a `POST` form (see
/// [`crate::layer::BLOB_PATH`]) carrying the query's fields plus this one.
pub const CREDENTIALS_FIELD: &str = "credentials";

/// Query of [`IMAGE_PATH`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageQuery {
    #[serde(rename = "ref")]
    pub reference: String,
    /// For a `ref` that names an index: answer the child with this digest, with the index as
    /// [`ImageResponse::index`] (so the page can link back and offer the other platforms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Digest>,
}

/// What [`HEALTH_PATH`] answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    /// Whether public registries (public addresses) may be reached.
    #[serde(default)]
    pub public_registries: bool,
    /// Private or loopback registries the operator allow-listed (`host` or `host:port`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
}

/// `base64(username:password)`, the one codec for [`CREDENTIALS_HEADER`],
/// [`CREDENTIALS_FIELD`] and HTTP Basic: written once so the browser and the proxy agree.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for BasicCredentials {
    // Never print the password, even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Why a credentials value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    #[error("the credentials are not base64")]
    NotBase64,
    #[error("the credentials are not UTF-8 text")]
    NotText,
    #[error("the credentials have no \":\" between the user name and the password")]
    NoColon,
    #[error("the user name is empty")]
    EmptyUsername,
}

impl BasicCredentials {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> BasicCredentials {
        BasicCredentials {
            username: username.into(),
            password: password.into(),
        }
    }

    /// `base64(username:password)`, standard alphabet with padding.
    pub fn encode(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.password))
    }

    /// The value of an `Authorization` header: `Basic base64(username:password)`.
    pub fn authorization(&self) -> String {
        format!("Basic {}", self.encode())
    }

    /// Reads `base64(username:password)`; the password may contain `:`, the user name not.
    pub fn decode(value: &str) -> Result<BasicCredentials, CredentialsError> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| CredentialsError::NotBase64)?;
        let text = String::from_utf8(bytes).map_err(|_| CredentialsError::NotText)?;
        let (username, password) = text.split_once(':').ok_or(CredentialsError::NoColon)?;
        if username.is_empty() {
            return Err(CredentialsError::EmptyUsername);
        }
        Ok(BasicCredentials::new(username, password))
    }
}

/// Query of [`TAGS_PATH`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TagsQuery {
    pub repo: String,
}

/// One HTTP exchange the proxy made with a registry, token server or CDN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    /// `None` when no response arrived (refused, timed out, connection failed).
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// Headers as sent; credentials replaced by `<redacted …>`.
    pub request_headers: Vec<Header>,
    /// Headers as received; tokens and cookies replaced by `<redacted …>`.
    pub response_headers: Vec<Header>,
    /// What step of the protocol this exchange was, as data (the note is for people).
    #[serde(default)]
    pub purpose: ExchangePurpose,
    /// Why this exchange happened or how it ended ("token request", "redirect to CDN", …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The protocol step an [`Exchange`] performed, so a page or a test can group and label the
/// conversation without reading prose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangePurpose {
    /// `GET /v2/`: which authentication the registry wants.
    Ping,
    /// A token request to the realm of a `Bearer` challenge.
    Token,
    /// A token refreshed with a refresh token (`POST` to the realm).
    RefreshToken,
    /// `HEAD` of a manifest: its digest without a pull counted.
    ManifestHead,
    /// `GET` of a manifest.
    ManifestGet,
    /// `GET /v2/…/tags/list`, one page.
    TagPage,
    /// `GET` of a config blob.
    Config,
    /// `GET` of a layer or other blob (maybe a `Range`).
    Blob,
    /// The same blob from where the registry redirected (a CDN or object store).
    Redirect,
    /// A layer fetched from a foreign `urls` entry instead of the registry.
    ForeignLayer,
    /// Anything else.
    #[default]
    Other,
}

impl ExchangePurpose {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            ExchangePurpose::Ping => "ping",
            ExchangePurpose::Token => "token",
            ExchangePurpose::RefreshToken => "token refresh",
            ExchangePurpose::ManifestHead => "manifest digest",
            ExchangePurpose::ManifestGet => "manifest",
            ExchangePurpose::TagPage => "tags page",
            ExchangePurpose::Config => "config",
            ExchangePurpose::Blob => "blob",
            ExchangePurpose::Redirect => "redirected blob",
            ExchangePurpose::ForeignLayer => "foreign layer",
            ExchangePurpose::Other => "other",
        }
    }

    /// Token exchanges: the part of the conversation people find hardest.
    pub fn is_token(self) -> bool {
        matches!(self, ExchangePurpose::Token | ExchangePurpose::RefreshToken)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// What `/api/image` answers: a manifest of any kind with everything needed to show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageResponse {
    /// The normalised reference that was fetched.
    pub reference: Reference,
    /// How the input was normalised, step by step.
    pub notes: Vec<String>,
    /// Digest computed by the proxy over the raw bytes (never re-serialised).
    pub digest: Digest,
    /// `Docker-Content-Digest` as the registry sent it, if it did.
    pub header_digest: Option<String>,
    /// The media type in effect (Content-Type, else the body's shape).
    pub media_type: MediaType,
    /// The `Content-Type` the registry sent.
    pub content_type: Option<String>,
    pub size: u64,
    /// The manifest exactly as received (lossy UTF-8 only if it was not UTF-8).
    pub raw: String,
    pub manifest: Manifest,
    /// When the query chose a `platform` of an index: that index (this answer is the child).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexContext>,
    /// For an index: what each child manifest holds (fetched by the proxy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ChildSummary>,
    /// For an image or artifact: its config blob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigBlob>,
    /// Why the config blob could not be fetched (the manifest is still shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_error: Option<String>,
    pub trace: Vec<Exchange>,
}

/// The index an image was chosen from: enough to link back and to offer the other platforms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexContext {
    /// The index as the person named it (a tag or digest).
    pub reference: Reference,
    pub digest: Digest,
    /// Every entry of the index, in its order (including attestations).
    pub platforms: Vec<PlatformCandidate>,
}

/// One entry of an index a person can choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformCandidate {
    pub digest: Digest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<crate::platform::Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    /// BuildKit's `vnd.docker.reference.type` (an attestation is not a runnable platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_type: Option<String>,
}

/// A child of an index, summarised for the platform table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSummary {
    pub digest: Digest,
    pub media_type: Option<MediaType>,
    /// Compressed size of the child's layers.
    pub layers_size: Option<u64>,
    pub layer_count: Option<usize>,
    /// Why the child could not be summarised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A config blob: raw bytes for display, typed fields when it is an image config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigBlob {
    pub digest: Digest,
    pub media_type: MediaType,
    pub size: u64,
    pub raw: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageConfig>,
    /// Why the raw bytes could not be read as an image config, if they could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<String>,
}

/// What `/api/tags` answers: every tag, all pages followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagsResponse {
    pub repository: Repository,
    pub tags: Vec<String>,
    /// Samples of the entries that were not valid tags (`null`, digest-shaped junk, objects),
    /// with the reason: a few, each cut short.
    pub skipped: Vec<SkippedTag>,
    /// Every entry skipped (`skipped` holds only the first few).
    #[serde(default)]
    pub skipped_count: u64,
    pub pages: u32,
    pub trace: Vec<Exchange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedTag {
    pub value: String,
    pub reason: String,
}

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
            | ErrorKind::NotInImage => 404,
            ErrorKind::Unsupported => 422,
            ErrorKind::Internal => 500,
            ErrorKind::MisdirectedHost => 421,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Timeout => 504,
            ErrorKind::Unreachable
            | ErrorKind::TooLarge
            | ErrorKind::BadUpstream
            | ErrorKind::Integrity
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

/// Only `http:` and `https:` URLs may become links; everything else is shown as text.
pub fn is_linkable_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    // A host must follow the scheme: `https://` or `http:///x` is not a link anywhere.
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !text.contains(|c: char| c.is_whitespace() || c.is_control())
}
