//! Listings of an image's layers: from the cache when possible, else by streaming the blob
//! once; and finding a path in the merged filesystem they make.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::BytesMut;
use futures_util::StreamExt;
use lading_shared::layer::{
    Compression, Entry, EntryKind, LayerInfo, ListingEvent, merge_layers, resolve_symlinks,
};
use lading_shared::{Descriptor, Digest};
use tokio::sync::mpsc;

use super::decode::SNIFF_BYTES;
use super::listing::{Batcher, LayerLimits, Listing, list};
use super::source::{BlobReader, ByteStream, Progress, spawn_feeder};
use crate::error::ProxyError;
use crate::registry::Session;
use crate::registry::image::ResolvedImage;

/// The index of `digest` among the image's layers (bottom = 0).
pub fn layer_index(image: &ResolvedImage, digest: &Digest) -> Result<usize, ProxyError> {
    image
        .manifest
        .layers
        .iter()
        .position(|l| &l.digest == digest)
        .ok_or_else(|| {
            ProxyError::BadRequest(format!(
                "{digest} is not a layer of image {} (it has {} layers)",
                image.digest,
                image.manifest.layers.len()
            ))
        })
}

pub fn layer_info(descriptor: &Descriptor, cached: Option<&Listing>) -> LayerInfo {
    LayerInfo {
        digest: descriptor.digest.clone(),
        size: descriptor.size,
        media_type: descriptor.media_type.to_string(),
        compression: cached.map(|l| l.compression),
        cached: cached.is_some(),
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
pub async fn sniff(body: ByteStream) -> Result<(Compression, ByteStream), ProxyError> {
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

/// A layer's listing without streaming it: from the cache, or read once however many
/// requests want it at the same time (they wait for the first one's download).
pub async fn listing_of(
    session: &Session,
    repository: &str,
    descriptor: &Descriptor,
    progress: Option<Progress>,
) -> Result<Arc<Listing>, ProxyError> {
    let read = async {
        let body = open_layer(session, repository, descriptor).await?;
        read_listing(body, session.upstream.limits.layer, progress, None).await
    };
    let cache = &session.upstream.listings;
    cache
        .try_get_with(descriptor.digest.clone(), read)
        .await
        // Requests that waited get the first one's error, whole: flattening it to text made
        // a 429 or an unreachable CDN a `bad_upstream` without its `Retry-After`.
        .map_err(Arc::unwrap_or_clone)
}

/// Every layer's listing, bottom first. With `events`, sends `Start` and `Progress` lines
/// (not the entries: the caller sends the merge).
pub async fn all_listings(
    session: &Session,
    image: &ResolvedImage,
    events: Option<&mpsc::Sender<ListingEvent>>,
) -> Result<Vec<Arc<Listing>>, ProxyError> {
    let layers = &image.manifest.layers;
    let mut cached = Vec::with_capacity(layers.len());
    for layer in layers {
        cached.push(session.upstream.listings.get(&layer.digest).await);
    }
    if let Some(events) = events {
        let total_bytes = layers
            .iter()
            .zip(&cached)
            .filter(|(_, c)| c.is_none())
            .map(|(l, _)| l.size)
            .sum();
        let infos = layers
            .iter()
            .zip(&cached)
            .map(|(l, c)| layer_info(l, c.as_deref()))
            .collect();
        let start = ListingEvent::Start {
            layers: infos,
            total_bytes,
        };
        events.send(start).await.map_err(|_| gone())?;
    }
    let mut listings = Vec::with_capacity(layers.len());
    let mut read_so_far = 0;
    for (descriptor, cached) in layers.iter().zip(cached) {
        if let Some(listing) = cached {
            listings.push(listing);
            continue;
        }
        let progress = events.map(|e| Progress::new(e.clone(), read_so_far));
        listings.push(listing_of(session, &image.repository, descriptor, progress).await?);
        read_so_far += descriptor.size;
    }
    Ok(listings)
}

fn gone() -> ProxyError {
    ProxyError::BadRequest("the client went away".into())
}

/// A path found in the merged filesystem.
#[derive(Debug, Clone)]
pub struct Located {
    /// The layer that last wrote it (bottom = 0).
    pub layer: usize,
    /// Its index in that layer's listing.
    pub index: usize,
    pub entry: Entry,
    /// Symlinks followed to reach it.
    pub resolved_from: Vec<String>,
}

/// Finds `path` in the merged filesystem, following symlinks within the image.
pub fn locate_merged(listings: &[Arc<Listing>], path: &str) -> Result<Located, ProxyError> {
    let layers: Vec<Vec<Entry>> = listings.iter().map(|l| l.entries.clone()).collect();
    let merged = merge_layers(&layers, false);
    let by_path: HashMap<&str, &Entry> = merged.iter().map(|e| (e.path.as_str(), e)).collect();
    let (resolved, resolved_from) = resolve_symlinks(path, |p| by_path.get(p).copied())
        .ok_or_else(|| {
            ProxyError::BadRequest(format!(
                "{path} is not in the image (or is a dangling or looping symlink)"
            ))
        })?;
    let entry = by_path
        .get(resolved.as_str())
        .copied()
        .ok_or_else(|| ProxyError::BadRequest(format!("{resolved} is not in the image")))?;
    let layer = entry.layer.unwrap_or(0);
    let index = listings[layer]
        .find(&entry.path)
        .ok_or_else(|| ProxyError::BadRequest(format!("{resolved} is not in its layer")))?;
    Ok(Located {
        layer,
        index,
        entry: entry.clone(),
        resolved_from,
    })
}

/// Finds `path` in one layer (no symlinks followed: a layer alone is not a filesystem).
pub fn locate_in_layer(listing: &Listing, layer: usize, path: &str) -> Result<Located, ProxyError> {
    let index = listing
        .find(path)
        .ok_or_else(|| ProxyError::BadRequest(format!("{path} is not in this layer")))?;
    Ok(Located {
        layer,
        index,
        entry: listing.entries[index].clone(),
        resolved_from: Vec::new(),
    })
}

/// Where a file read gets its bytes: a layer's listing and an entry in it.
#[derive(Debug, Clone)]
pub struct DataEntry {
    pub layer: usize,
    pub listing: Arc<Listing>,
    pub index: usize,
}

/// The entry whose bytes a file read serves: the file itself, or a hard link's target,
/// written earlier in the same layer or, as runtimes allow when they apply layers in
/// order, in a layer below (`lower`: the listings under `located.layer`, empty when a
/// layer is read alone).
pub fn data_entry(
    listing: &Arc<Listing>,
    located: &Located,
    lower: &[Arc<Listing>],
) -> Result<DataEntry, ProxyError> {
    let mut at = DataEntry {
        layer: located.layer,
        listing: listing.clone(),
        index: located.index,
    };
    let mut below = lower;
    // Hard links to hard links are legal; a few hops is plenty.
    for _ in 0..8 {
        let entry = &at.listing.entries[at.index];
        match entry.kind {
            EntryKind::File => return Ok(at),
            EntryKind::Hardlink => {
                let target = entry.link.as_deref().unwrap_or("");
                let earlier = at.listing.entries[..at.index]
                    .iter()
                    .rposition(|e| e.path == target);
                if let Some(index) = earlier {
                    at.index = index;
                    continue;
                }
                let (layer, index) = below
                    .iter()
                    .enumerate()
                    .rev()
                    .find_map(|(layer, l)| l.find(target).map(|index| (layer, index)))
                    .ok_or_else(|| {
                        ProxyError::BadUpstream(format!(
                            "hard link {} points at {target}, which no layer holds before it",
                            entry.path
                        ))
                    })?;
                at = DataEntry {
                    layer,
                    listing: below[layer].clone(),
                    index,
                };
                below = &below[..layer];
            }
            kind => {
                return Err(ProxyError::BadRequest(format!(
                    "{} is a {}, not a file: it has no bytes to show",
                    entry.path,
                    kind_noun(kind)
                )));
            }
        }
    }
    Err(ProxyError::BadUpstream(format!(
        "{} is a chain of too many hard links",
        located.entry.path
    )))
}

fn kind_noun(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Dir => "directory",
        EntryKind::Symlink => "symlink",
        EntryKind::CharDevice => "character device",
        EntryKind::BlockDevice => "block device",
        EntryKind::Fifo => "named pipe",
        EntryKind::Whiteout | EntryKind::OpaqueWhiteout => "whiteout",
        _ => "special entry",
    }
}
