//! Listings of an image's layers: from the cache when possible, else by streaming the blob
//! once (sniffing its compression for the `Start` line on the way).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::BytesMut;
use futures_util::StreamExt;
use lading_shared::layer::{Compression, LayerInfo, ListingEvent};
use lading_shared::{Descriptor, Digest};
use tokio::sync::mpsc;

use super::decode::SNIFF_BYTES;
use super::engine::Engine;
use super::listing::{Batcher, LayerLimits, Listing, list};
use super::merged::check_depth;
use super::source::{BlobReader, ByteStream, Progress, spawn_feeder};
use crate::error::ProxyError;
use crate::registry::Session;
use crate::registry::image::ResolvedImage;

/// The index of `digest` among the image's layers (bottom = 0).
pub fn layer_index(image: &ResolvedImage, digest: &Digest) -> Result<usize, ProxyError> {
    let index = image
        .manifest
        .layers
        .iter()
        .position(|l| &l.digest == digest)
        .ok_or_else(|| ProxyError::NotInImage {
            message: format!(
                "{digest} is not a layer of image {} (it has {} layers)",
                image.digest,
                image.manifest.layers.len()
            ),
            suggestions: Vec::new(),
        })?;
    // One layer is judged alone: a JSON layer beside real ones must not hide them.
    let layer = &image.manifest.layers[index];
    if !image.manifest.is_container_image() || !layer.media_type.may_be_filesystem() {
        return Err(not_a_filesystem(image, &layer.media_type.to_string()));
    }
    Ok(index)
}

/// Artifacts (attestations, SBOMs, signatures, charts) keep JSON or archives in their layers,
/// not a filesystem: listing them would only fail on the first bytes, so say what works.
pub fn require_filesystem(image: &ResolvedImage) -> Result<(), ProxyError> {
    match image.manifest.is_runnable() {
        true => Ok(()),
        false => Err(not_a_filesystem(image, &image.manifest.artifact_kind())),
    }
}

fn not_a_filesystem(image: &ResolvedImage, kind: &str) -> ProxyError {
    ProxyError::Unsupported(format!(
        "{} is an artifact ({kind}), not a runnable image: its layers are not a filesystem to \
         list or merge. The image page shows small JSON and text layers inline; /api/blob \
         downloads any of them",
        image.digest
    ))
}

/// What the `Start` line says of a layer. Whether Lading had it cached is not said: that
/// would tell anyone what others looked at.
pub fn layer_info(descriptor: &Descriptor, compression: Option<Compression>) -> LayerInfo {
    LayerInfo {
        digest: descriptor.digest.clone(),
        size: descriptor.size,
        media_type: descriptor.media_type.clone(),
        compression,
    }
}

/// Starts the download of a whole layer (errors here still come before any answer).
pub async fn open_layer(
    session: &Session,
    repository: &str,
    descriptor: &Descriptor,
) -> Result<ByteStream, ProxyError> {
    Ok(session
        .blob_stream(repository, descriptor, None)
        .await?
        .body)
}

/// Reads a blob's first bytes to name its compression, and gives back the whole stream.
/// `None`: neither gzip, zstd nor a tar (the listing then fails saying what it starts with).
pub async fn sniff(body: ByteStream) -> Result<(Option<Compression>, ByteStream), ProxyError> {
    // Fused: a blob shorter than the sniffed head has ended already, and the verifying body
    // must not be polled again after its end.
    let mut body = body.fuse();
    let mut head = BytesMut::new();
    while head.len() < SNIFF_BYTES {
        match body.next().await {
            Some(chunk) => head.extend_from_slice(&chunk?),
            None => break,
        }
    }
    let head = head.freeze();
    let compression = Compression::sniff(&head);
    let whole = futures_util::stream::iter([Ok(head)]).chain(body).boxed();
    Ok((compression, whole))
}

/// Lists a downloading layer on a blocking thread (the caller caches it).
/// `entries`: where to stream the entries as they are read (`None`: only collect them).
pub async fn read_listing(
    body: ByteStream,
    limits: LayerLimits,
    progress: Option<Progress>,
    entries: Option<mpsc::Sender<ListingEvent>>,
) -> Result<Arc<Listing>, ProxyError> {
    let reader = BlobReader::new(spawn_feeder(body), true, progress);
    let state = reader.state();
    let listing = tokio::task::spawn_blocking(move || {
        list(reader, state, limits, &mut Batcher::new(entries))
    })
    .await
    .map_err(|e| ProxyError::BadUpstream(format!("the layer reader stopped: {e}")))??;
    Ok(Arc::new(listing))
}

/// A layer's listing without streaming it: from the cache of this image's scope, or read once
/// however many requests of that scope want it at the same time (they wait for the first
/// one's download).
pub async fn listing_of(
    engine: &Engine,
    session: &Session,
    image: &ResolvedImage,
    descriptor: &Descriptor,
    progress: Option<Progress>,
) -> Result<Arc<Listing>, ProxyError> {
    let read = async {
        let body = open_layer(session, &image.repository, descriptor).await?;
        read_listing(body, engine.limits, progress, None).await
    };
    let cache = &engine.listings;
    cache.get_or_read(image, &descriptor.digest, read).await
}

/// Every layer's listing, bottom first. With `events`, sends `Start` and `Progress` lines
/// (not the entries: the caller sends the merge). Progress counts every layer's size, read or
/// not, so the numbers say nothing about what was cached.
pub async fn all_listings(
    engine: &Engine,
    session: &Session,
    image: &ResolvedImage,
    events: Option<&mpsc::Sender<ListingEvent>>,
) -> Result<Vec<Arc<Listing>>, ProxyError> {
    require_filesystem(image)?;
    let layers = &image.manifest.layers;
    check_depth(layers.len())?;
    let cache = &engine.listings;
    let mut cached = Vec::with_capacity(layers.len());
    for layer in layers {
        cached.push(cache.get(image, &layer.digest).await);
    }
    if let Some(events) = events {
        // No compression yet for any layer: naming it for cached ones alone would tell.
        let infos = layers.iter().map(|l| layer_info(l, None)).collect();
        let start = ListingEvent::Start {
            layers: infos,
            // Sizes are the registry's word: saturated, never wrapped (or a debug panic).
            total_bytes: layers.iter().fold(0, |sum, l| sum.saturating_add(l.size)),
        };
        events.send(start).await.map_err(|_| gone())?;
    }
    let mut listings = Vec::with_capacity(layers.len());
    let mut read_so_far = 0;
    // A layer named twice is read and held once (the merge applies it at each place).
    let mut seen: HashMap<&Digest, Arc<Listing>> = HashMap::new();
    for (descriptor, cached) in layers.iter().zip(cached) {
        let listing = match cached.or_else(|| seen.get(&descriptor.digest).cloned()) {
            Some(listing) => listing,
            None => {
                let progress = events.map(|e| Progress::new(e.clone(), read_so_far));
                listing_of(engine, session, image, descriptor, progress).await?
            }
        };
        seen.insert(&descriptor.digest, listing.clone());
        listings.push(listing);
        read_so_far = read_so_far.saturating_add(descriptor.size);
    }
    Ok(listings)
}

/// Nobody is listening any more: not an error to show anyone.
fn gone() -> ProxyError {
    ProxyError::Cancelled
}
