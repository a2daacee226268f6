//! The engine's caches are bounded as configured (moka enforces the bound itself; what is
//! Lading's is the number and what it weighs, see `Listing::weight` and `PathIndex::weight`).

use super::*;
use crate::layers::cache::LISTING_CACHE_BYTES;
use crate::layers::index_cache::INDEX_CACHE_BYTES;

#[test]
fn each_cache_has_its_configured_capacity() {
    let engine = Engine::default();
    assert_eq!(engine.listings.capacity(), Some(LISTING_CACHE_BYTES));
    assert_eq!(engine.indexes.capacity(), Some(INDEX_CACHE_BYTES));
}
