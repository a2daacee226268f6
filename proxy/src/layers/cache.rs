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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::checkpoint::Checkpoint;
    use lading_shared::layer::Compression;

    #[tokio::test]
    async fn listing_cache_is_bounded_by_weight() {
        // 64 checkpoints sharing one 1 MiB window: weighs 64 MiB, holds 1 MiB.
        let window: Arc<[u8]> = vec![0u8; 1024 * 1024].into();
        let checkpoint = Checkpoint {
            compressed: 0,
            uncompressed: 0,
            bits: 0,
            bit_buf: 0,
            window,
            member_start: false,
        };
        let listing = Arc::new(Listing {
            compression: Compression::Gzip,
            entries: Vec::new(),
            data_offsets: Vec::new(),
            uncompressed_bytes: 0,
            verified: true,
            checkpoints: vec![checkpoint; 64],
        });
        let cache = new();
        let entries = LISTING_CACHE_BYTES / listing.weight() + 4;
        for i in 0..entries {
            cache
                .insert(Digest::sha256(&i.to_be_bytes()), listing.clone())
                .await;
        }
        cache.run_pending_tasks().await;
        assert!(
            cache.weighted_size() <= LISTING_CACHE_BYTES,
            "{}",
            cache.weighted_size()
        );
        assert!(cache.entry_count() < entries);
    }
}
