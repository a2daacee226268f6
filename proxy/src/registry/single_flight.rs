//! Single-flight: concurrent callers asking for the same thing share one piece of work.
//!
//! Used where the answer must not be cached but must not be fetched twice at once either: a
//! tag's resolution (its HEAD, and the GET that may follow) is asked for afresh by every view,
//! yet eight people opening the same tag at the same moment should cost the registry one
//! conversation, not eight. Content addressed by digest needs no such map: its cache's own
//! `entry().or_try_insert_with` already makes waiters share the first read.
//!
//! The key is dropped when its work ends, so a caller arriving afterwards starts anew; only
//! callers that overlapped share a result (errors included: a registry that just refused one
//! of them would refuse the others the same way).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// Work in flight by key.
pub struct SingleFlight<K, T> {
    flights: Mutex<HashMap<K, Arc<OnceCell<T>>>>,
}

impl<K, T> Default for SingleFlight<K, T> {
    fn default() -> Self {
        SingleFlight {
            flights: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq + Clone, T: Clone> SingleFlight<K, T> {
    /// Runs `work` for `key`, or waits for the run already in flight; returns the result and
    /// whether this caller did the work (`false`: it was handed another caller's result).
    ///
    /// A caller that is dropped mid-way leaves its cell empty; the next waiter then does the
    /// work itself (the cell's own semantics), so a cancelled view never strands the others.
    pub async fn run<F, Fut>(&self, key: K, work: F) -> (T, bool)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let cell = self
            .lock()
            .entry(key.clone())
            .or_insert_with(|| Arc::new(OnceCell::new()))
            .clone();
        let mut led = false;
        let value = cell
            .get_or_init(|| {
                led = true;
                work()
            })
            .await
            .clone();
        if led {
            let mut flights = self.lock();
            // Only our own flight: a later one under the same key is someone else's.
            if flights.get(&key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                flights.remove(&key);
            }
        }
        (value, led)
    }

    /// Keys with work in flight (for tests and bounds: it holds only overlapping callers).
    pub fn in_flight(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Arc<OnceCell<T>>>> {
        self.flights.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn overlapping_callers_share_one_run_and_later_ones_start_anew() {
        let flights: SingleFlight<&str, u32> = SingleFlight::default();
        let runs = AtomicUsize::new(0);
        let (release, released) = tokio::sync::watch::channel(false);
        let work = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            let mut released = released.clone();
            // Held until every caller has joined, so they overlap by construction.
            let _ = released.wait_for(|r| *r).await;
            7
        };
        let callers = futures_util::future::join_all((0..8).map(|_| flights.run("tag", work)));
        let opener = async {
            while flights.in_flight() == 0 {
                tokio::task::yield_now().await;
            }
            // Every caller polled at least once before the release (join_all polls in order).
            tokio::task::yield_now().await;
            release.send(true).unwrap();
        };
        let (results, ()) = tokio::join!(callers, opener);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|(v, _)| *v == 7));
        assert_eq!(results.iter().filter(|(_, led)| *led).count(), 1);
        assert_eq!(
            flights.in_flight(),
            0,
            "the key is dropped when its work ends"
        );
        let (_, led) = flights.run("tag", || async { 8 }).await;
        assert!(led, "a caller after the flight does the work again");
    }
}
