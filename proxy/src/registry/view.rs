//! What the image page shows, fetched: the manifest a reference (and a chosen platform)
//! names, with child summaries for an index and the config blob for an image.

use std::sync::Arc;

use futures_util::StreamExt;
use lading_shared::Reference;
use lading_shared::api::{ChildSummary, ConfigBlob, ImageResponse, IndexContext};
use lading_shared::manifest::EntryKind;
use lading_shared::{Descriptor, Digest, ImageConfig, ImageIndex, ImageManifest, Manifest};

use super::image::{candidates, choose_platform};
use super::missing::tag_was_assumed;
use super::{RawManifest, Session};
use crate::error::ProxyError;
use crate::limits::budget::Reservation;

/// Configs are JSON documents; 4 MiB is the spec's suggested manifest limit too.
pub const MAX_CONFIG_BYTES: usize = 4 * 1024 * 1024;
/// Children of one index summarised (each costs a manifest request).
pub const MAX_CHILDREN: usize = 64;
/// Child manifests fetched at once: all of a usual index (a few platforms and their
/// attestations) in one round trip, and no more than a registry's connection pool likes.
pub const CHILD_CONCURRENCY: usize = 32;
/// Memory an answer may take per manifest byte (the raw text, escaped, and the decoded
/// manifest serialised again) and per config byte (its raw text as JSON: a control byte
/// escapes to six), reserved before the answer is built.
const ANSWER_PER_MANIFEST_BYTE: u64 = 6;
const ANSWER_PER_CONFIG_BYTE: u64 = 8;

/// The manifest to show, and the index it was chosen from.
struct Shown {
    reference: Reference,
    raw: Arc<RawManifest>,
    digest: Digest,
    index: Option<IndexContext>,
}

impl Session {
    /// The image page's answer for `input` (parsed as `reference`). With `platform`, the
    /// index `reference` names is answered by its child of that digest, with the index as
    /// [`ImageResponse::index`]. `memory` is charged before each large part is built (see
    /// `routes::json`); the trace is the caller's to attach.
    pub async fn view_image(
        &self,
        input: &str,
        reference: Reference,
        platform: Option<&Digest>,
        memory: &mut Reservation,
    ) -> Result<ImageResponse, ProxyError> {
        let assumed = tag_was_assumed(input, &reference);
        let (raw, digest) = self.fetch_reference(&reference, assumed).await?;
        let notes = reference.normalization_notes(input);
        let shown = match platform {
            Some(wanted) if *wanted != digest => {
                self.child_of(reference, raw, digest, wanted).await?
            }
            _ => Shown {
                reference,
                raw,
                digest,
                index: None,
            },
        };
        let size = shown.raw.bytes.len() as u64;
        memory.resize(memory.bytes() + ANSWER_PER_MANIFEST_BYTE * size)?;
        let mut response = ImageResponse {
            notes,
            digest: shown.digest,
            header_digest: shown.raw.header_digest.clone(),
            media_type: shown.raw.media_type.clone(),
            content_type: shown.raw.content_type.clone(),
            size,
            raw: String::from_utf8_lossy(&shown.raw.bytes).into_owned(),
            manifest: shown.raw.manifest.clone(),
            index: shown.index,
            children: Vec::new(),
            config: None,
            config_error: None,
            registry_notes: Default::default(),
            trace: Vec::new(),
            reference: shown.reference,
        };
        match &shown.raw.manifest {
            Manifest::Index(index) => {
                response.children = self.summarize_children(&response.reference, index).await;
            }
            Manifest::Image(image) => {
                let config = image.config.size.min(MAX_CONFIG_BYTES as u64);
                memory.resize(memory.bytes() + ANSWER_PER_CONFIG_BYTE * config)?;
                match self.fetch_config(&response.reference, image).await {
                    Ok(config) => response.config = Some(config),
                    Err(error) => response.config_error = Some(error.to_string()),
                }
            }
            Manifest::Schema1(_) => {}
        }
        Ok(response)
    }

    /// The entry `wanted` of the index `raw`, fetched; anything else asks to choose.
    async fn child_of(
        &self,
        reference: Reference,
        raw: Arc<RawManifest>,
        digest: Digest,
        wanted: &Digest,
    ) -> Result<Shown, ProxyError> {
        let Manifest::Index(index) = &raw.manifest else {
            return Err(ProxyError::NotInImage {
                message: format!(
                    "{reference} is a single image ({digest}), not an index: it has no \
                     platform {wanted}"
                ),
                suggestions: Vec::new(),
            });
        };
        // The candidates, not a 404 with bare digests: the person still wants a platform of
        // this index, and the page can offer them as the platform table.
        if !index.manifests.iter().any(|d| &d.digest == wanted) {
            let message = format!("index {digest} has no entry {wanted}: choose one of its own");
            return Err(choose_platform(index, message));
        }
        let (child, child_digest) = self
            .fetch_manifest(&reference.repository, &wanted.to_string())
            .await?;
        Ok(Shown {
            reference: reference.pinned(&child_digest),
            index: Some(IndexContext {
                platforms: candidates(index),
                reference,
                digest,
            }),
            raw: child,
            digest: child_digest,
        })
    }

    /// Fetches each child manifest (up to [`CHILD_CONCURRENCY`] at once) to learn its layer
    /// count and compressed size.
    async fn summarize_children(
        &self,
        reference: &Reference,
        index: &ImageIndex,
    ) -> Vec<ChildSummary> {
        let wanted: Vec<&Descriptor> = index
            .entries()
            .into_iter()
            .filter(|e| e.kind != EntryKind::Index)
            .map(|e| e.descriptor)
            .collect();
        let (fetch, skip) = wanted.split_at(wanted.len().min(MAX_CHILDREN));
        // Futures are built eagerly so the stream does not hold a borrowing closure (which
        // trips the higher-ranked lifetime check axum's Send bound needs).
        let futures: Vec<_> = fetch
            .iter()
            .map(|d| self.summarize_child(reference, d))
            .collect();
        let mut children: Vec<ChildSummary> = futures_util::stream::iter(futures)
            .buffered(CHILD_CONCURRENCY)
            .collect()
            .await;
        children.extend(skip.iter().map(|d| ChildSummary {
            digest: d.digest.clone(),
            media_type: Some(d.media_type.clone()),
            layers_size: None,
            layer_count: None,
            error: Some(format!(
                "not summarised: only the first {MAX_CHILDREN} entries are"
            )),
        }));
        children
    }

    async fn summarize_child(
        &self,
        reference: &Reference,
        descriptor: &Descriptor,
    ) -> ChildSummary {
        let mut summary = ChildSummary {
            digest: descriptor.digest.clone(),
            media_type: None,
            layers_size: None,
            layer_count: None,
            error: None,
        };
        let fetched = self
            .fetch_manifest(&reference.repository, &descriptor.digest.to_string())
            .await;
        match fetched {
            Ok((raw, _)) => {
                summary.media_type = Some(raw.media_type.clone());
                match &raw.manifest {
                    Manifest::Image(image) => {
                        summary.layers_size = Some(image.layers_size());
                        summary.layer_count = Some(image.layers.len());
                    }
                    Manifest::Schema1(s1) => summary.layer_count = Some(s1.fs_layers.len()),
                    Manifest::Index(_) => {}
                }
            }
            Err(error) => summary.error = Some(error.to_string()),
        }
        summary
    }

    /// The image's config blob, digest-verified, typed when it is an image config.
    async fn fetch_config(
        &self,
        reference: &Reference,
        image: &ImageManifest,
    ) -> Result<ConfigBlob, ProxyError> {
        let descriptor = &image.config;
        if descriptor.size > MAX_CONFIG_BYTES as u64 {
            return Err(ProxyError::TooLarge {
                what: "the config blob".into(),
                limit: MAX_CONFIG_BYTES as u64,
            });
        }
        let bytes = self
            .fetch_config_blob(&reference.repository, &descriptor.digest, MAX_CONFIG_BYTES)
            .await?;
        let (image_config, parse_error) = if descriptor.media_type.is_image_config() {
            match serde_json::from_slice::<ImageConfig>(&bytes) {
                Ok(config) => (Some(config), None),
                Err(e) => (None, Some(e.to_string())),
            }
        } else {
            (None, None)
        };
        Ok(ConfigBlob {
            digest: descriptor.digest.clone(),
            media_type: descriptor.media_type.clone(),
            size: bytes.len() as u64,
            raw: String::from_utf8_lossy(&bytes).into_owned(),
            image: image_config,
            parse_error,
        })
    }
}
