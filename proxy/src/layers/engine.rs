//! The layer engine's state, apart from the registry client it reads through: the listing
//! cache, the path-index cache and the limits one layer may reach. `AppState` holds it beside
//! the client, so the dependencies point one way: routes → layers → registry.

use super::cache::ListingCache;
use super::index_cache::IndexCache;
use super::listing::LayerLimits;

pub struct Engine {
    /// Layer listings by scope and layer digest.
    pub listings: ListingCache,
    /// Path indexes by scope and view (an image's merged filesystem, or one layer).
    pub indexes: IndexCache,
    /// What one layer may expand to.
    pub limits: LayerLimits,
}

impl Engine {
    pub fn new(limits: LayerLimits) -> Engine {
        Engine {
            listings: ListingCache::new(),
            indexes: IndexCache::new(),
            limits,
        }
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(LayerLimits::default())
    }
}

#[cfg(test)]
mod tests;
