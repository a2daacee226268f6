//! Listings by layer digest. A layer's content never changes under its digest, so a listing
//! is valid for every repository holding the layer; it is served only after the session has
//! fetched a manifest naming the layer, which proves the person may pull it.

use std::sync::Arc;

use lading_shared::Digest;

use super::listing::Listing;

/// Total approximate heap the cached listings may take (about a million entries).
pub const LISTING_CACHE_BYTES: u64 = 256 * 1024 * 1024;

pub type ListingCache = moka::future::Cache<Digest, Arc<Listing>>;

pub fn new() -> ListingCache {
    moka::future::Cache::builder()
        .weigher(|_, listing: &Arc<Listing>| u32::try_from(listing.weight()).unwrap_or(u32::MAX))
        .max_capacity(LISTING_CACHE_BYTES)
        .build()
}
