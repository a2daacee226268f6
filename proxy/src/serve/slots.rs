//! Connection slots: a cap on open connections in all and one per client address.
//!
//! Hand-written because the tower limits (`ConcurrencyLimit`) count requests inside one
//! service, not sockets, and none is keyed by client; the map here only holds clients with
//! an open connection, so it is bounded by the total cap.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ServeLimits;
use crate::limits::client::ClientKey;

/// Descriptors kept for what is not a client connection: upstream sockets (up to one per
/// API request in flight, 256 by default), the listener, the log, embedded files.
pub const DESCRIPTOR_RESERVE: u64 = 512;
/// The least connection cap [`fit_descriptors`] lowers to, however few descriptors there are.
const MIN_CONNECTIONS: u64 = 16;

type Open = Arc<Mutex<HashMap<ClientKey, u32>>>;

pub(super) struct Slots {
    total: Option<Arc<Semaphore>>,
    total_cap: u32,
    per_client: u32,
    open: Open,
}

/// One open connection's place; given back when dropped.
pub(super) struct Slot {
    _total: Option<OwnedSemaphorePermit>,
    client: Option<(ClientKey, Open)>,
}

impl Slots {
    pub(super) fn new(total: u32, per_client: u32) -> Slots {
        Slots {
            total: (total > 0).then(|| Arc::new(Semaphore::new(total as usize))),
            total_cap: total,
            per_client,
            open: Arc::default(),
        }
    }

    /// A place for a new connection from `ip`, or why there is none.
    pub(super) fn take(&self, ip: IpAddr) -> Result<Slot, String> {
        let total = match &self.total {
            Some(total) => Some(total.clone().try_acquire_owned().map_err(|_| {
                format!(
                    "this server has its most ({}) connections open",
                    self.total_cap
                )
            })?),
            None => None,
        };
        if self.per_client == 0 {
            return Ok(Slot {
                _total: total,
                client: None,
            });
        }
        let key = ClientKey::of(ip);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(key).or_insert(0);
        if *count >= self.per_client {
            return Err(format!(
                "more than {} connections at once from your address",
                self.per_client
            ));
        }
        *count += 1;
        Ok(Slot {
            _total: total,
            client: Some((key, self.open.clone())),
        })
    }

    #[cfg(test)]
    fn clients(&self) -> usize {
        self.open.lock().unwrap().len()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some((key, open)) = &self.client else {
            return;
        };
        let mut open = open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(key) {
            *count -= 1;
            if *count == 0 {
                open.remove(key);
            }
        }
    }
}

/// Keeps the connection cap below the descriptor limit, so the cap (a clear refusal) is
/// reached before the limit (failed accepts, and failed upstream connections for everyone):
/// raises the soft limit toward the hard one as Go's runtime does, and lowers the cap if
/// that is not enough.
pub fn fit_descriptors(limits: ServeLimits) -> ServeLimits {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if limits.max_connections == 0 {
        return limits;
    }
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return limits;
    };
    let want = (u64::from(limits.max_connections) + DESCRIPTOR_RESERVE).min(hard);
    let soft = match soft < want && setrlimit(Resource::RLIMIT_NOFILE, want, hard).is_ok() {
        true => want,
        false => soft,
    };
    let room = soft.saturating_sub(DESCRIPTOR_RESERVE).max(MIN_CONNECTIONS);
    if u64::from(limits.max_connections) <= room {
        return limits;
    }
    let max_connections = u32::try_from(room).unwrap_or(u32::MAX);
    tracing::warn!(
        "only {soft} file descriptors (ulimit -n): at most {max_connections} connections, \
         not {}",
        limits.max_connections
    );
    ServeLimits {
        max_connections,
        ..limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_has_its_cap_and_all_share_the_total() {
        let slots = Slots::new(5, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let a1 = slots.take(a).unwrap();
        let _a2 = slots.take(a).unwrap();
        assert!(slots.take(a).is_err(), "a is at its cap");
        let _b1 = slots.take(b).unwrap();
        drop(a1);
        let _a3 = slots.take(a).expect("a's place came back");
        let _b2 = slots.take(b).unwrap();
        let _c1 = slots.take("192.0.2.3".parse().unwrap()).unwrap();
        let full = slots.take("192.0.2.4".parse().unwrap()).err().unwrap();
        assert!(full.contains("(5)"), "{full}");
    }

    #[test]
    fn ipv6_clients_share_their_64_and_are_forgotten_when_gone() {
        let slots = Slots::new(0, 1);
        let one = slots.take("2001:db8:1:2::1".parse().unwrap()).unwrap();
        assert!(slots.take("2001:db8:1:2:ffff::9".parse().unwrap()).is_err());
        let other = slots.take("2001:db8:1:3::1".parse().unwrap()).unwrap();
        assert_eq!(slots.clients(), 2);
        drop((one, other));
        assert_eq!(
            slots.clients(),
            0,
            "no state is kept for closed connections"
        );
    }

    #[test]
    fn the_cap_fits_the_descriptor_limit() {
        use nix::sys::resource::{Resource, getrlimit};
        let limits = fit_descriptors(ServeLimits {
            max_connections: u32::MAX,
            ..ServeLimits::default()
        });
        let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
        let room = soft.saturating_sub(DESCRIPTOR_RESERVE).max(MIN_CONNECTIONS);
        assert_eq!(u64::from(limits.max_connections), room);
    }
}
