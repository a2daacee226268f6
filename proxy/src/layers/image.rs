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
use super::merged::{check_depth, merge_input, merge_memory};
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

/// A layer's listing without streaming it: from the cache of this image's scope, or read once
/// however many requests of that scope want it at the same time (they wait for the first
/// one's download).
pub async fn listing_of(
    session: &Session,
    image: &ResolvedImage,
    descriptor: &Descriptor,
    progress: Option<Progress>,
) -> Result<Arc<Listing>, ProxyError> {
    let read = async {
        let body = open_layer(session, &image.repository, descriptor).await?;
        read_listing(body, session.upstream.limits.layer, progress, None).await
    };
    let cache = &session.upstream.listings;
    cache.get_or_read(image, &descriptor.digest, read).await
}

/// Every layer's listing, bottom first. With `events`, sends `Start` and `Progress` lines
/// (not the entries: the caller sends the merge). Progress counts every layer's size, read or
/// not, so the numbers say nothing about what was cached.
pub async fn all_listings(
    session: &Session,
    image: &ResolvedImage,
    events: Option<&mpsc::Sender<ListingEvent>>,
) -> Result<Vec<Arc<Listing>>, ProxyError> {
    let layers = &image.manifest.layers;
    check_depth(layers.len())?;
    let cache = &session.upstream.listings;
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
                listing_of(session, image, descriptor, progress).await?
            }
        };
        seen.insert(&descriptor.digest, listing.clone());
        listings.push(listing);
        read_so_far = read_so_far.saturating_add(descriptor.size);
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

/// Finds `path` in the merged filesystem, following symlinks within the image. The merge
/// runs over the listings as they are held (rows, not copies): only the entry found is copied.
pub fn locate_merged(listings: &[Arc<Listing>], path: &str) -> Result<Located, ProxyError> {
    let layers = merge_input(listings);
    let _memory = merge_memory(&layers)?;
    let merged = merge_layers(&layers, false);
    // Visible rows come in path order: a path is found by binary search.
    let find = |p: &str| {
        merged
            .binary_search_by(|row| row.entry(&layers).path.as_str().cmp(p))
            .ok()
            .map(|i| merged[i])
    };
    let (resolved, resolved_from) =
        resolve_symlinks(path, |p| find(p).map(|row| row.entry(&layers))).ok_or_else(|| {
            ProxyError::BadRequest(format!(
                "{path} is not in the image (or is a dangling or looping symlink)"
            ))
        })?;
    let row = find(&resolved)
        .ok_or_else(|| ProxyError::BadRequest(format!("{resolved} is not in the image")))?;
    Ok(Located {
        layer: row.layer as usize,
        index: row.index as usize,
        entry: row.to_entry(&layers),
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
