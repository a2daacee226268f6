//! The memory every layer listing in the process may hold at once: listings being read,
//! listings cached or held by a request, the working set of a merge, path indexes (and tag
//! lists and JSON answers being sent, which a registry can make as large as listings). Each draws from one
//! byte budget as it grows and gives it back when dropped, so however many hostile registries
//! send listings at once, they cannot together take more than [`LISTING_MEMORY_BYTES`]; past
//! it a listing fails with a "busy, retry" answer instead of the process running out of
//! memory.
//!
//! Hand-written rather than a `tokio::sync::Semaphore`: the reservations are resized from the
//! blocking thread that walks the tar (a few bytes per entry, never waiting), and an atomic
//! counter does that without an async context.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::ProxyError;

/// All listing memory in the process. The listing and path-index caches (`layers::cache`,
/// `layers::index_cache`) hold at most 136 MiB of it, so the rest is left for listings being
/// read (one at the 96 MiB per-layer cap, with its read buffers, always fits). With everything else the process holds (buffers,
/// NDJSON lines, the runtime, allocator slack, see `limits::memory`) the RSS stays under
/// 512 MiB: 312 MiB measured with 32 hostile listings at once (`tests/attacks/memory.rs`).
pub const LISTING_MEMORY_BYTES: u64 = 256 * 1024 * 1024;
/// Seconds a client is told to wait when the budget is spent: listings in flight finish or
/// fail within seconds, and cached ones are evicted as new ones arrive.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// The process-wide budget every listing draws from.
pub static LISTING_MEMORY: Budget = Budget::new(LISTING_MEMORY_BYTES);

/// A byte budget shared by [`Reservation`]s.
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    used: AtomicU64,
}

impl Budget {
    pub const fn new(limit: u64) -> Budget {
        Budget {
            limit,
            used: AtomicU64::new(0),
        }
    }

    /// Bytes reserved now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    fn take(&self, bytes: u64) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(bytes).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    fn give(&self, bytes: u64) {
        self.used.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// Bytes held from a [`Budget`], returned when dropped.
#[derive(Debug)]
pub struct Reservation {
    budget: Option<&'static Budget>,
    bytes: u64,
}

impl Reservation {
    pub fn new(budget: &'static Budget) -> Reservation {
        Reservation {
            budget: Some(budget),
            bytes: 0,
        }
    }

    /// Holds nothing and counts nothing: for listings built by hand (tests).
    pub fn none() -> Reservation {
        Reservation {
            budget: None,
            bytes: 0,
        }
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Holds exactly `bytes` from now on: more is taken from the budget (or refused, holding
    /// what it held), less is given back.
    pub fn resize(&mut self, bytes: u64) -> Result<(), ProxyError> {
        let Some(budget) = self.budget else {
            self.bytes = bytes;
            return Ok(());
        };
        if bytes > self.bytes {
            if !budget.take(bytes - self.bytes) {
                return Err(busy(budget));
            }
        } else {
            budget.give(self.bytes - bytes);
        }
        self.bytes = bytes;
        Ok(())
    }
}

impl Default for Reservation {
    fn default() -> Reservation {
        Reservation::none()
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(budget) = self.budget {
            budget.give(self.bytes);
        }
    }
}

fn busy(budget: &Budget) -> ProxyError {
    ProxyError::Throttled {
        reason: format!(
            "Lading is holding as many layer listings as its memory allows ({} MiB, being \
             read or kept for other visitors)",
            budget.limit >> 20
        ),
        retry_after: RETRY_AFTER_SECONDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_leaves_room_for_a_listing_at_the_cap() {
        use crate::layers::{cache, index_cache, listing, zstd};
        let read =
            listing::MAX_LISTING_BYTES + listing::READ_OVERHEAD_BYTES + zstd::MAX_WINDOW_BYTES;
        let cached = cache::LISTING_CACHE_BYTES + index_cache::INDEX_CACHE_BYTES;
        assert!(cached + read <= LISTING_MEMORY_BYTES);
    }

    #[test]
    fn reservations_draw_from_the_budget_and_give_back() {
        let budget: &'static Budget = Box::leak(Box::new(Budget::new(100)));
        let mut a = Reservation::new(budget);
        let mut b = Reservation::new(budget);
        a.resize(60).unwrap();
        let error = b.resize(50).unwrap_err();
        assert!(matches!(error, ProxyError::Throttled { .. }), "{error}");
        assert_eq!((b.bytes(), budget.used()), (0, 60));
        a.resize(10).unwrap();
        b.resize(90).unwrap();
        drop(a);
        drop(b);
        assert_eq!(budget.used(), 0);
    }
}
