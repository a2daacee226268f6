//! Image indexes and Docker manifest lists, with their entries classified for display.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::media_type::MediaType;

/// BuildKit's annotation naming what an index entry is.
pub const REFERENCE_TYPE_ANNOTATION: &str = "vnd.docker.reference.type";
/// BuildKit's annotation naming the image an attestation describes.
pub const REFERENCE_DIGEST_ANNOTATION: &str = "vnd.docker.reference.digest";
const ATTESTATION_TYPE: &str = "attestation-manifest";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    #[serde(default)]
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    #[serde(default, deserialize_with = "crate::serde_util::null_as_default")]
    pub manifests: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// What an index entry is, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// A runnable image for the descriptor's platform.
    Platform,
    /// A BuildKit attestation (SBOM, provenance) of the image with digest `of`.
    Attestation { of: Option<Digest> },
    /// Another index (indexes may nest).
    Index,
    /// Anything else: artifacts, or entries without a platform.
    Other,
}

/// One entry of an index with its classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry<'a> {
    pub descriptor: &'a Descriptor,
    pub kind: EntryKind,
}

impl ImageIndex {
    pub fn entries(&self) -> Vec<IndexEntry<'_>> {
        self.manifests
            .iter()
            .map(|descriptor| IndexEntry {
                descriptor,
                kind: classify(descriptor),
            })
            .collect()
    }

    /// Attestations that point at `image`.
    pub fn attestations_of(&self, image: &Digest) -> Vec<&Descriptor> {
        self.entries()
            .into_iter()
            .filter(|e| matches!(&e.kind, EntryKind::Attestation { of: Some(d) } if d == image))
            .map(|e| e.descriptor)
            .collect()
    }
}

fn classify(descriptor: &Descriptor) -> EntryKind {
    let attestation = descriptor.annotation(REFERENCE_TYPE_ANNOTATION) == Some(ATTESTATION_TYPE)
        || descriptor.platform.as_ref().is_some_and(|p| p.is_unknown());
    if attestation {
        let of = descriptor
            .annotation(REFERENCE_DIGEST_ANNOTATION)
            .and_then(|d| Digest::parse(d).ok());
        return EntryKind::Attestation { of };
    }
    if descriptor.media_type.is_index() {
        return EntryKind::Index;
    }
    if descriptor.platform.is_some() && descriptor.artifact_type.is_none() {
        return EntryKind::Platform;
    }
    EntryKind::Other
}
