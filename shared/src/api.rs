//! The contract between the Lading frontend and proxy: routes, query parameters, answers and
//! errors. Every answer, success or failure, carries the upstream [`Exchange`]s it made.

use serde::{Deserialize, Serialize};

use crate::config::ImageConfig;
use crate::digest::Digest;
use crate::manifest::Manifest;
use crate::media_type::MediaType;
use crate::reference::{Reference, Repository};

mod credentials;
mod errors;
mod exchange;
mod referrers;
mod registry;
mod verify;

pub use credentials::{BasicCredentials, CredentialsError};
pub use errors::{ApiError, ErrorCode, ErrorKind, RegistryError, parse_registry_errors};
pub use exchange::{Exchange, ExchangePurpose, Header, MAX_ERROR_BODY_CHARS};
pub use referrers::{
    REFERRERS_PATH, Referrer, ReferrerSource, ReferrersApi, ReferrersQuery, ReferrersResponse,
};
pub use registry::{
    CATALOG_PATH, CachedKind, CachedRead, CatalogEntry, CatalogQuery, CatalogResponse,
    CatalogSource, HUB_CREDENTIALS_HEADER, PullRateLimit, RegistryNotes, TagDetail,
    TagDetailSource, TagImage,
};
pub use verify::{
    KeySummary, MAX_VERIFY_KEY_BYTES, SignatureCheck, VERIFY_PATH, VerifyQuery, VerifyResponse,
    outcome as verify_outcome,
};

/// `GET /api/health` → [`Health`]: the version and which registries this instance may reach.
pub const HEALTH_PATH: &str = "/api/health";
/// `GET /api/image?ref=REFERENCE` → [`ImageResponse`].
pub const IMAGE_PATH: &str = "/api/image";
/// `GET /api/tags?repo=REGISTRY/REPOSITORY` → [`TagsResponse`].
pub const TAGS_PATH: &str = "/api/tags";

/// The shape of every answer, counted up whenever any answer's shape changes. It is part of
/// every `ETag` and the app sends it as [`REVISION_PARAM`]: a cache in front of an upgraded
/// deployment (a browser's, a CDN's) then never hands the new app an answer in the old shape.
pub const API_REVISION: u32 = 1;
/// The query parameter carrying [`API_REVISION`] (`&rev=1`); the proxy accepts and ignores
/// it: it only makes the URL, and so every cache's key, differ between revisions.
pub const REVISION_PARAM: &str = "rev";

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

/// Query of [`TAGS_PATH`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TagsQuery {
    pub repo: String,
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
    #[serde(default)]
    pub registry_notes: RegistryNotes,
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
    /// What the registry or its web API says about the tags (dates, sizes), where it says
    /// it for free; keyed by `TagDetail::name`, at most one per tag, maybe for only some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<TagDetail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_source: Option<TagDetailSource>,
    /// Why the details could not be read (the tag list is still shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_error: Option<String>,
    #[serde(default)]
    pub registry_notes: RegistryNotes,
    pub trace: Vec<Exchange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedTag {
    pub value: String,
    pub reason: String,
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
