//! Path indexes by the scope that read them and the view they index: an image (by its
//! manifest digest) or one of its layers.
//!
//! Scoped exactly like the listings they index ([`super::cache`], `registry::access`): an
//! index says which paths an image holds, so it is served only to a request that resolved
//! the same image in the same registry, repository and identity, and a layer's only through
//! an image that names that layer. Only indexes of verified listings are kept.

use std::sync::Arc;

use lading_shared::Digest;

use super::index::PathIndex;
use crate::registry::access::ContentScope;
use crate::registry::image::ResolvedImage;

/// Heap the cached indexes may take (16 bytes a row: 1,000,000 paths). Drawn from the listing
/// budget beside the listing cache, so both caches together still leave a listing at the
/// per-layer cap room to be read (`budget::tests`). An image with more rows than this is
/// merged again on each request, as before there was an index.
pub const INDEX_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Like listings: an index nobody used this long is dropped.
pub const INDEX_IDLE: std::time::Duration = super::cache::LISTING_IDLE;

/// What an index covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    /// The merged filesystem of the image with this manifest digest.
    Image(Digest),
    /// One layer, by digest.
    Layer(Digest),
}

type Key = (ContentScope, View);

pub struct IndexCache {
    inner: moka::future::Cache<Key, Arc<PathIndex>>,
}

impl Default for IndexCache {
    fn default() -> IndexCache {
        IndexCache::new()
    }
}

impl IndexCache {
    pub fn new() -> IndexCache {
        let inner = moka::future::Cache::builder()
            .weigher(|_, index: &Arc<PathIndex>| u32::try_from(index.weight()).unwrap_or(u32::MAX))
            .max_capacity(INDEX_CACHE_BYTES)
            .time_to_idle(INDEX_IDLE)
            .build();
        IndexCache { inner }
    }

    /// The key of `view` of `image`, or `None` for a layer the image does not name.
    fn key(image: &ResolvedImage, view: &View) -> Option<Key> {
        let named = match view {
            View::Image(digest) => digest == &image.digest,
            View::Layer(layer) => image.manifest.layers.iter().any(|l| &l.digest == layer),
        };
        named.then(|| (image.scope().clone(), view.clone()))
    }

    pub async fn get(&self, image: &ResolvedImage, view: &View) -> Option<Arc<PathIndex>> {
        self.inner.get(&Self::key(image, view)?).await
    }

    /// Keeps an index built from verified listings read through `image`.
    pub async fn insert(&self, image: &ResolvedImage, view: &View, index: Arc<PathIndex>) {
        if let Some(key) = Self::key(image, view) {
            self.inner.insert(key, index).await;
        }
    }

    /// Indexes held (after pending evictions): for audits of what is kept for whom.
    pub async fn held(&self) -> u64 {
        self.inner.run_pending_tasks().await;
        self.inner.entry_count()
    }

    /// The configured bound, in bytes.
    pub fn capacity(&self) -> Option<u64> {
        self.inner.policy().max_capacity()
    }
}
