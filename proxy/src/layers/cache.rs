//! Listings by the scope that read them and the layer's digest.
//!
//! A layer's bytes never change under its digest, but who may read them does: the same digest
//! can be a private layer on one registry and a name an attacker put in a manifest on another.
//! So a listing (with its checkpoints, whose windows are plaintext of the layer) is served only
//! to a request that resolved an image of the same registry and repository with the same
//! identity (`registry::access`), and only for a layer that image names. Anonymous visitors
//! share public listings; a signed-in person's listings are theirs alone.

use std::future::Future;
use std::sync::Arc;

use lading_shared::Digest;

use super::listing::Listing;
use crate::error::ProxyError;
use crate::registry::access::ContentScope;
use crate::registry::image::ResolvedImage;

/// Heap the cached listings may take ([`Listing::weight`], about 450,000 entries). Cached
/// listings hold their share of the listing budget (`layers::budget`), so this leaves the rest
/// of it (at least one listing at the per-layer cap) to listings being read: a cache as large
/// as the budget would refuse every new read, and nothing would ever be inserted to evict it.
pub const LISTING_CACHE_BYTES: u64 = 120 * 1024 * 1024;

/// A listing nobody asked for this long is dropped: its budget goes back, and a signed-in
/// person's listings do not outlive their visit by much.
pub const LISTING_IDLE: std::time::Duration = std::time::Duration::from_secs(3600);

type Key = (ContentScope, Digest);

pub struct ListingCache {
    inner: moka::future::Cache<Key, Arc<Listing>>,
}

impl Default for ListingCache {
    fn default() -> ListingCache {
        ListingCache::new()
    }
}

impl ListingCache {
    pub fn new() -> ListingCache {
        let inner = moka::future::Cache::builder()
            .weigher(|_, listing: &Arc<Listing>| {
                u32::try_from(listing.weight()).unwrap_or(u32::MAX)
            })
            .max_capacity(LISTING_CACHE_BYTES)
            .time_to_idle(LISTING_IDLE)
            .build();
        ListingCache { inner }
    }

    /// The key for `layer` of `image`, or `None` when the image does not name that layer (a
    /// listing is never reached through an image that does not hold it).
    fn key(image: &ResolvedImage, layer: &Digest) -> Option<Key> {
        let named = image.manifest.layers.iter().any(|l| &l.digest == layer);
        named.then(|| (image.scope().clone(), layer.clone()))
    }

    /// The listing of `layer` read before in the scope of `image`.
    pub async fn get(&self, image: &ResolvedImage, layer: &Digest) -> Option<Arc<Listing>> {
        self.inner.get(&Self::key(image, layer)?).await
    }

    /// Keeps a listing read through `image`; only verified listings are kept (a listing whose
    /// bytes did not hash to the digest describes nothing that digest names).
    pub async fn insert(&self, image: &ResolvedImage, layer: &Digest, listing: Arc<Listing>) {
        if let (Some(key), true) = (Self::key(image, layer), listing.verified) {
            self.inner.insert(key, listing).await;
        }
    }

    /// The cached listing, or the one `read` produces; requests of the same scope asking at
    /// once wait for the first one's read. An unverified result is answered, not kept.
    pub async fn get_or_read(
        &self,
        image: &ResolvedImage,
        layer: &Digest,
        read: impl Future<Output = Result<Arc<Listing>, ProxyError>>,
    ) -> Result<Arc<Listing>, ProxyError> {
        let Some(key) = Self::key(image, layer) else {
            return read.await;
        };
        let read = async {
            let listing = read.await?;
            // `try_get_with` keeps every Ok: an unverified listing travels as an error value
            // that carries it, so waiters still share the read but nothing is cached.
            if listing.verified {
                Ok(listing)
            } else {
                Err(Unkept::Listing(listing))
            }
        };
        match self.inner.try_get_with(key, read).await {
            Ok(listing) => Ok(listing),
            // Requests that waited get the first one's error, whole: flattening it to text
            // made a 429 or an unreachable CDN a `bad_upstream` without its `Retry-After`.
            Err(unkept) => match Arc::unwrap_or_clone(unkept) {
                Unkept::Listing(listing) => Ok(listing),
                Unkept::Failed(error) => Err(error),
            },
        }
    }

    /// The configured bound, in bytes of [`Listing::weight`].
    pub fn capacity(&self) -> Option<u64> {
        self.inner.policy().max_capacity()
    }
}

/// What a shared read ends in when nothing may be cached.
#[derive(Clone)]
enum Unkept {
    Listing(Arc<Listing>),
    Failed(ProxyError),
}

impl From<ProxyError> for Unkept {
    fn from(error: ProxyError) -> Unkept {
        Unkept::Failed(error)
    }
}
