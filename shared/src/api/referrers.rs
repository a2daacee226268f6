//! The referrers of a manifest (`/api/referrers`): what points at it — signatures,
//! attestations, SBOMs, other artifacts — found through the OCI 1.1 referrers API, its
//! `sha256-<hex>` fallback tag, cosign's legacy tags, or inside the index that was named.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Exchange, RegistryNotes};
use crate::digest::Digest;
use crate::media_type::MediaType;
use crate::reference::Reference;
use crate::supply::ReferrerKind;

/// `GET /api/referrers?ref=REFERENCE[&artifactType=TYPE]` → [`ReferrersResponse`].
pub const REFERRERS_PATH: &str = "/api/referrers";

/// Query of [`REFERRERS_PATH`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferrersQuery {
    #[serde(rename = "ref")]
    pub reference: String,
    /// Only referrers of this artifact type (filtered here too, whatever the registry did).
    #[serde(
        rename = "artifactType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_type: Option<String>,
}

/// Where a referrer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferrerSource {
    /// The registry's `GET /v2/<name>/referrers/<digest>`.
    Api,
    /// The fallback tag `sha256-<hex>` (an index of referrers) of the tag schema.
    TagSchema,
    /// cosign's legacy tags beside the image: `sha256-<hex>.sig`, `.att`, `.sbom`.
    CosignTag,
    /// An attestation manifest inside the index the reference names (BuildKit).
    Index,
}

impl ReferrerSource {
    pub fn label(self) -> &'static str {
        match self {
            ReferrerSource::Api => "referrers API",
            ReferrerSource::TagSchema => "referrers tag",
            ReferrerSource::CosignTag => "cosign tag",
            ReferrerSource::Index => "inside the index",
        }
    }
}

/// One manifest that refers to (or, for cosign tags and index attestations, is filed beside)
/// the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    /// The referrer manifest's digest: open it as `repository@digest`.
    pub digest: Digest,
    /// `artifactType`, else the config's media type (what the spec falls back to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The referrer manifest's own media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    #[serde(default)]
    pub size: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    pub source: ReferrerSource,
    /// What it is, as far as its artifact type, config and layers tell.
    pub kind: ReferrerKind,
    /// The tag it was found under (cosign's `sha256-….sig`, the fallback `sha256-…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// For an index attestation: the platform manifest it describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub describes: Option<Digest>,
    /// The listing lacked the artifact type or annotations and they were read from the
    /// referrer's own manifest.
    #[serde(default)]
    pub completed: bool,
    /// The referrer's manifest could not be read to complete or classify it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How the registry answered the referrers API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ReferrersApi {
    /// It answered with an index (`pages` followed).
    Served {
        pages: u32,
        /// It sent `OCI-Filters-Applied: artifactType`.
        filtered: bool,
    },
    /// It has no referrers API: why we think so (a 404, another content type).
    Absent { why: String },
    /// Not asked (a schema-1 manifest cannot be referred to).
    NotAsked,
}

/// What [`REFERRERS_PATH`] answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferrersResponse {
    /// The reference as named, normalised.
    pub reference: Reference,
    /// The digest whose referrers these are (the tag resolved).
    pub subject: Digest,
    pub referrers: Vec<Referrer>,
    pub api: ReferrersApi,
    /// The fallback tag read (`sha256-<hex>`), if the API was absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_tag: Option<String>,
    /// The filter asked for, applied locally to every source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// What was looked at and what was skipped, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default)]
    pub registry_notes: RegistryNotes,
    pub trace: Vec<Exchange>,
}
