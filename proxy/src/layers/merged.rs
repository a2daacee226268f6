//! The merged view's limits: how many layers one may stack, and the memory a merge works in
//! (drawn from the listing budget like the listings it reads, see [`super::budget`]).

use std::mem::size_of;
use std::sync::Arc;

use lading_shared::layer::{Entry, MergedRow};

use super::budget::{LISTING_MEMORY, Reservation};
use super::listing::Listing;
use crate::error::ProxyError;

/// Layers one merged view may stack, a layer named twice counted twice (each one is applied).
/// Docker refuses images deeper than 125 layers (moby's `maxLayerDepth`) and overlayfs mounts
/// stop near 128 lower directories, so no runnable image is refused; a manifest naming one
/// layer thousands of times is.
pub const MAX_MERGED_LAYERS: usize = 128;
/// Entries over all the layers of a merged view (each position counted): as many as one layer
/// may hold. A merge works in about [`MERGE_ROW_BYTES`] for each.
pub const MAX_MERGED_ROWS: usize = super::listing::MAX_ENTRIES;
/// Working memory per entry merged: its row in the result, its node in the path map (key,
/// row, and the B-tree's share) or its place among the hidden rows.
pub const MERGE_ROW_BYTES: u64 = 3 * size_of::<MergedRow>() as u64 + 2 * size_of::<&str>() as u64;

/// Refuses an image of `layers` layers when a merged view cannot stack them (before any is
/// read).
pub fn check_depth(layers: usize) -> Result<(), ProxyError> {
    if layers > MAX_MERGED_LAYERS {
        return Err(ProxyError::TooMany {
            what: format!("layers in one merged view (the image has {layers})"),
            limit: MAX_MERGED_LAYERS as u64,
        });
    }
    Ok(())
}

/// The memory merging `layers` works in, reserved from the listing budget for as long as the
/// result is held.
pub fn merge_memory(layers: &[&[Entry]]) -> Result<Reservation, ProxyError> {
    let rows: usize = layers.iter().map(|l| l.len()).sum();
    if rows > MAX_MERGED_ROWS {
        return Err(ProxyError::TooMany {
            what: format!(
                "entries in the layers of one merged view ({rows} over {} layers)",
                layers.len()
            ),
            limit: MAX_MERGED_ROWS as u64,
        });
    }
    let mut memory = Reservation::new(&LISTING_MEMORY);
    memory.resize(rows as u64 * MERGE_ROW_BYTES)?;
    Ok(memory)
}

/// The layers to merge, bottom first, with every copy of a layer that appears again higher up
/// left empty. A later copy writes every path the earlier one wrote, and its whiteouts delete
/// everything below it again, so what is visible is the same; only the history rows of the
/// earlier copies (hidden by their own twin) go. Without this a 97 KB layer named 128 times
/// answered 2,000,000 rows (216 MB) per request: the bandwidth of a registry's few bytes,
/// multiplied. Repeats are the same `Arc` (`all_listings` reads a layer once).
pub fn merge_input(listings: &[Arc<Listing>]) -> Vec<&[Entry]> {
    listings
        .iter()
        .enumerate()
        .map(|(i, listing)| {
            let repeated = listings[i + 1..].iter().any(|l| Arc::ptr_eq(l, listing));
            if repeated {
                &[][..]
            } else {
                listing.entries.as_slice()
            }
        })
        .collect()
}
