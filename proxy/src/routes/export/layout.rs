//! What an exported image holds, file by file: an OCI image layout (`oci-layout`,
//! `index.json`, `blobs/`) that is also `docker load`-able (`manifest.json` pointing into the
//! same `blobs/`). Pure: from the image as resolved to the list of files, typed all the way.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use lading_shared::media_type::MediaType;
use lading_shared::{Descriptor, Digest, ImageIndex, ImageManifest, Reference};
use serde::Serialize;

use crate::error::ProxyError;

/// The OCI layout's annotation keys: the tag, and the full name containerd imports under.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
pub const CONTAINERD_NAME: &str = "io.containerd.image.name";
/// The layout version this archive follows (image-spec `image-layout.md`).
pub const LAYOUT_VERSION: &str = "1.0.0";

/// The image an export is made of.
pub struct Exported<'a> {
    pub reference: &'a Reference,
    /// The image manifest's digest, media type and bytes as received.
    pub digest: &'a Digest,
    pub media_type: &'a MediaType,
    pub raw: &'a Bytes,
    pub manifest: &'a ImageManifest,
}

/// One file of the archive.
#[derive(Debug)]
pub struct ArchiveEntry {
    pub path: String,
    pub content: Content,
}

#[derive(Debug)]
pub enum Content {
    /// Written by the proxy (layout files, the manifest as received).
    Inline(Bytes),
    /// Streamed from the registry; the header's size comes from the descriptor.
    Blob(Box<Descriptor>),
}

impl ArchiveEntry {
    pub fn size(&self) -> u64 {
        match &self.content {
            Content::Inline(bytes) => bytes.len() as u64,
            Content::Blob(descriptor) => descriptor.size,
        }
    }

    /// Memory it holds until it is sent: inline bytes, or a descriptor (with its
    /// annotations and URLs, roughly as long as their JSON).
    pub fn held_bytes(&self) -> u64 {
        let held = match &self.content {
            Content::Inline(bytes) => bytes.len(),
            Content::Blob(descriptor) => {
                serde_json::to_vec(descriptor).map_or(0, |json| json.len())
            }
        };
        (held + self.path.len()) as u64
    }

    /// How an error names it: the blob's digest, or the layout file's path.
    pub fn name(&self) -> String {
        match &self.content {
            Content::Blob(descriptor) => format!("blob {}", descriptor.digest),
            Content::Inline(_) => self.path.clone(),
        }
    }
}

/// `oci-layout`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OciLayout {
    image_layout_version: &'static str,
}

/// One image of `manifest.json`, as `docker load` reads it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DockerLoad {
    config: String,
    repo_tags: Vec<String>,
    layers: Vec<String>,
}

pub fn blob_path(digest: &Digest) -> String {
    format!("blobs/{}/{}", digest.algorithm().name(), digest.hex())
}

/// The archive's files: layout metadata first (small, and readers that stream find it
/// early), then the manifest, config and layers, each blob once.
pub fn layout(image: &Exported) -> Result<Vec<ArchiveEntry>, ProxyError> {
    let reference = image.reference;
    let name = match &reference.tag {
        Some(tag) => format!("{}/{}:{tag}", reference.registry, reference.repository),
        None => format!(
            "{}/{}@{}",
            reference.registry, reference.repository, image.digest
        ),
    };
    let mut annotations = BTreeMap::from([(CONTAINERD_NAME.to_string(), name.clone())]);
    if let Some(tag) = &reference.tag {
        annotations.insert(REF_NAME.into(), tag.clone());
    }
    let index = ImageIndex {
        schema_version: 2,
        media_type: Some(MediaType::OciIndex),
        artifact_type: None,
        manifests: vec![Descriptor {
            media_type: image.media_type.clone(),
            digest: image.digest.clone(),
            size: image.raw.len() as u64,
            urls: None,
            annotations: Some(annotations),
            platform: None,
            artifact_type: None,
        }],
        subject: None,
        annotations: None,
    };
    let manifest = image.manifest;
    let docker = [DockerLoad {
        config: blob_path(&manifest.config.digest),
        repo_tags: reference.tag.as_ref().map(|_| name).into_iter().collect(),
        layers: manifest
            .layers
            .iter()
            .map(|l| blob_path(&l.digest))
            .collect(),
    }];
    let layout = OciLayout {
        image_layout_version: LAYOUT_VERSION,
    };
    let mut entries = vec![
        inline("oci-layout", json_bytes(&layout)?),
        inline("index.json", json_bytes(&index)?),
        inline("manifest.json", json_bytes(&docker)?),
        inline(&blob_path(image.digest), image.raw.clone()),
    ];
    let mut seen = BTreeSet::from([image.digest.clone()]);
    for descriptor in std::iter::once(&manifest.config).chain(&manifest.layers) {
        if !seen.insert(descriptor.digest.clone()) {
            continue;
        }
        // A header needs the size up front; 0 is what a missing `size` decodes to.
        if descriptor.size == 0 && !descriptor.digest.verifies(b"") {
            return Err(ProxyError::BadUpstream(format!(
                "blob {} has no size in the manifest: it cannot be exported",
                descriptor.digest
            )));
        }
        entries.push(ArchiveEntry {
            path: blob_path(&descriptor.digest),
            content: Content::Blob(Box::new(descriptor.clone())),
        });
    }
    Ok(entries)
}

fn inline(path: &str, bytes: Bytes) -> ArchiveEntry {
    ArchiveEntry {
        path: path.to_string(),
        content: Content::Inline(bytes),
    }
}

fn json_bytes(value: &impl Serialize) -> Result<Bytes, ProxyError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| ProxyError::Internal(format!("an export layout file: {e}")))
}
