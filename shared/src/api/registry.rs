//! What a view says about the registry behind it beyond its answer: how it was reached
//! (TLS), what it cost (Docker Hub's pull rate limit), what the registry or its web API says
//! about tags for free (dates, sizes), and its repositories (catalogs, Hub namespaces).

use serde::{Deserialize, Serialize};

use super::Exchange;
use crate::digest::Digest;

/// `GET /api/catalog?registry=HOST[:PORT][&namespace=NS]` → [`CatalogResponse`].
pub const CATALOG_PATH: &str = "/api/catalog";

/// Docker Hub web API credentials (`base64(identifier:secret)`, a password or personal
/// access token): kept apart from [`super::CREDENTIALS_HEADER`], because the Hub API and the
/// registry are separate sign-ins with separate tokens.
pub const HUB_CREDENTIALS_HEADER: &str = "x-lading-hub-credentials";

/// Beside every answer about one registry: how it was reached and what the view cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryNotes {
    /// Certificate verification was off for this host (`--insecure-host`): anyone on the
    /// path could have answered. Every view of the host says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_tls: bool,
    /// The pull rate limit as the registry last reported it in this view (Docker Hub sends
    /// it on manifest answers, `HEAD` too); none when the registry sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<PullRateLimit>,
    /// Manifest `GET`s this view made that count against a pull rate limit (a `HEAD` does
    /// not count; Docker Hub counts each platform manifest fetched).
    #[serde(default)]
    pub pulls_spent: u32,
    /// What this view took from Lading's own cache instead of asking the registry: content
    /// addressed by digest that the same identity read from the same repository before, while
    /// its access there was still proven (see the proxy's `registry::access`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from_cache: Vec<CachedRead>,
}

/// One thing a view answered from Lading's cache: no exchange in the trace stands for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedRead {
    pub what: CachedKind,
    pub digest: Digest,
}

/// What kind of content a [`CachedRead`] was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CachedKind {
    Manifest,
    Config,
    /// A layer listing (its entries and checkpoints).
    Listing,
}

impl RegistryNotes {
    /// Nothing to say (left out of error answers).
    pub fn is_empty(&self) -> bool {
        *self == RegistryNotes::default()
    }
}

/// `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600`,
/// `docker-ratelimit-source: 192.0.2.1` (or the `x-ratelimit-*` spellings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRateLimit {
    pub limit: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// The window the limit counts over (`w=`), in seconds; Docker Hub's is 21600 (6 h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<u64>,
    /// Who is counted: an IP address, or an account id when signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What a registry (or Docker Hub's web API) says about one tag beyond its name, when it
/// says it without an extra request per tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagDetail {
    pub name: String,
    /// When the tag was last pushed (RFC 3339, UTC, `2024-03-20T20:11:07Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed: Option<String>,
    /// When the image was created, where the registry says (gcr.io's `timeCreatedMs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
    /// The manifest's media type as the source states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Compressed size in bytes (Docker Hub: all platforms; gcr.io: `imageSizeBytes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// `active` or `inactive` (Docker Hub), when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Per platform (Docker Hub's `images`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<TagImage>,
}

/// One platform of a tag as Docker Hub's web API lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagImage {
    pub os: String,
    pub architecture: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
    /// Compressed size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed: Option<String>,
}

/// Where tag details came from, for the page to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagDetailSource {
    /// `hub.docker.com/v2/namespaces/{ns}/repositories/{repo}/tags`.
    DockerHubApi,
    /// gcr.io / pkg.dev `tags/list`'s `manifest` map.
    GoogleTagList,
    /// `quay.io/api/v1/repository/{ns}/{repo}/tag/`.
    QuayApi,
    /// Harbor's `/api/v2.0/projects/{p}/repositories/{r}/artifacts`.
    HarborApi,
}

impl TagDetailSource {
    pub fn label(self) -> &'static str {
        match self {
            TagDetailSource::DockerHubApi => "Docker Hub's web API",
            TagDetailSource::GoogleTagList => "the tag list's manifest map (Google)",
            TagDetailSource::QuayApi => "Quay's REST API",
            TagDetailSource::HarborApi => "Harbor's REST API",
        }
    }
}

/// Query of [`CATALOG_PATH`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogQuery {
    /// `HOST[:PORT]`, or `docker.io`.
    pub registry: String,
    /// Docker Hub: the namespace whose repositories to list (through the Hub API). Other
    /// registries: a prefix the catalog is filtered by (`team/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// How a repository list was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogSource {
    /// The registry's `GET /v2/_catalog`, every page.
    Catalog,
    /// Docker Hub's `GET /v2/namespaces/{ns}/repositories`, every page.
    DockerHubApi,
}

/// What [`CATALOG_PATH`] answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogResponse {
    /// The registry as normalised (`docker.io`, `localhost:5000`).
    pub registry: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub source: CatalogSource,
    pub repositories: Vec<CatalogEntry>,
    /// Entries the registry sent that are not repository names, skipped (counted).
    #[serde(default)]
    pub skipped_count: u64,
    pub pages: u32,
    /// The total the source reported (Docker Hub's `count`), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(default)]
    pub registry_notes: RegistryNotes,
    pub trace: Vec<Exchange>,
}

/// One repository of a catalog or a Hub namespace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    /// The repository path in the registry (`library/alpine`, `team/api`).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stars: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pulls: Option<u64>,
    /// RFC 3339, UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
}
