//! Manifests of every kind, decoded from raw bytes and the `Content-Type` the registry sent.
//!
//! `Manifest` is an enum to `match`, not a trait: an index, an image and a schema-1 manifest
//! have little in common, and pretending otherwise breeds "unsupported" methods.

mod index;
mod schema1;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use index::{
    EntryKind, ImageIndex, IndexEntry, REFERENCE_DIGEST_ANNOTATION, REFERENCE_TYPE_ANNOTATION,
};
pub use schema1::{FsLayer, Schema1Manifest, V1History, schema1_digest_payload};

use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::media_type::MediaType;

/// The OCI distribution spec suggests registries accept manifests up to 4 MiB.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the manifest is not valid JSON: {0}")]
    NotJson(String),
    #[error(
        "the document is JSON but not a manifest: it has neither \"manifests\", \
         \"config\"+\"layers\" nor \"fsLayers\""
    )]
    UnknownShape,
    #[error("the {kind} is malformed: {reason}")]
    Invalid { kind: &'static str, reason: String },
    #[error("the manifest is {0} bytes; at most {MAX_MANIFEST_BYTES} are accepted")]
    TooLarge(usize),
}

/// A decoded manifest.
// One value per API answer, never stored in bulk: boxing the large variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Manifest {
    Index(ImageIndex),
    Image(ImageManifest),
    Schema1(Schema1Manifest),
}

/// An OCI image manifest or Docker v2 manifest (also used by artifacts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    #[serde(default)]
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    pub config: Descriptor,
    #[serde(default, deserialize_with = "crate::serde_util::null_as_default")]
    pub layers: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

impl ImageManifest {
    /// A runnable container image (as opposed to a Helm chart, an SBOM, a signature, …).
    pub fn is_container_image(&self) -> bool {
        self.config.media_type.is_image_config() && self.artifact_type.is_none()
    }

    /// A container image whose layers may all be filesystems: what can be browsed, merged,
    /// exported and run. BuildKit attestations have an image config but in-toto layers.
    pub fn is_runnable(&self) -> bool {
        self.is_container_image() && self.layers.iter().all(|l| l.media_type.may_be_filesystem())
    }

    /// What kind of artifact this is: `artifactType`, else the config media type.
    pub fn artifact_kind(&self) -> String {
        self.artifact_type
            .clone()
            .unwrap_or_else(|| self.config.media_type.to_string())
    }

    /// Compressed size of all layers, as the descriptors declare it.
    pub fn layers_size(&self) -> u64 {
        // The sizes are a registry's word: saturated, never wrapped.
        self.layers
            .iter()
            .fold(0, |sum, l| sum.saturating_add(l.size))
    }
}

impl Manifest {
    /// Decodes `bytes`, trusting `content_type` first and the body's shape second (OCI bodies
    /// may omit `mediaType`, and some servers send `application/json` or `text/plain`).
    /// Returns the effective media type beside the manifest.
    pub fn decode(
        bytes: &[u8],
        content_type: Option<&str>,
    ) -> Result<(MediaType, Manifest), ManifestError> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge(bytes.len()));
        }
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::NotJson(e.to_string()))?;
        let declared = content_type
            .map(MediaType::parse)
            .filter(MediaType::is_manifest);
        let in_body = value
            .get("mediaType")
            .and_then(|v| v.as_str())
            .map(MediaType::parse)
            .filter(MediaType::is_manifest);
        let media_type = match (declared.or(in_body.clone()), sniff(&value)) {
            // A header naming the wrong kind (an index type on an image body, say) would
            // decode into an empty value, every list defaulted: the shape wins then.
            (Some(named), Ok(shape)) if family(&named) != family(&shape) => in_body
                .filter(|t| family(t) == family(&shape))
                .unwrap_or(shape),
            (Some(named), _) => named,
            (None, shape) => shape?,
        };
        let manifest = match family(&media_type) {
            Family::Index => Manifest::Index(from_value(value, "index")?),
            Family::Schema1 => Manifest::Schema1(from_value(value, "schema 1 manifest")?),
            Family::Image => Manifest::Image(from_value(value, "image manifest")?),
        };
        Ok((media_type, manifest))
    }
}

/// The digest of a manifest as registries compute it: over the raw bytes, except for signed
/// schema-1 manifests, whose digest covers the JWS payload without the signatures. `like`
/// picks the algorithm (the one a requested digest used); sha256 otherwise.
pub fn manifest_digest(bytes: &[u8], like: Option<&Digest>) -> Digest {
    let payload = schema1_digest_payload(bytes);
    let hashed = payload.as_deref().unwrap_or(bytes);
    match like {
        Some(like) => like.compute_like(hashed),
        None => Digest::sha256(hashed),
    }
}

/// Guesses the media type from the body's shape.
fn sniff(value: &serde_json::Value) -> Result<MediaType, ManifestError> {
    let has = |key: &str| value.get(key).is_some();
    if has("manifests") {
        Ok(MediaType::OciIndex)
    } else if has("config") && has("layers") {
        Ok(MediaType::OciManifest)
    } else if has("fsLayers") {
        if has("signatures") {
            Ok(MediaType::DockerSchema1Signed)
        } else {
            Ok(MediaType::DockerSchema1)
        }
    } else {
        Err(ManifestError::UnknownShape)
    }
}

/// Which of the three decodings a manifest media type needs.
#[derive(PartialEq, Eq)]
enum Family {
    Index,
    Schema1,
    Image,
}

fn family(media_type: &MediaType) -> Family {
    if media_type.is_index() {
        Family::Index
    } else if media_type.is_schema1() {
        Family::Schema1
    } else {
        Family::Image
    }
}

fn from_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    kind: &'static str,
) -> Result<T, ManifestError> {
    serde_json::from_value(value).map_err(|e| ManifestError::Invalid {
        kind,
        reason: e.to_string(),
    })
}
