//! Per-client limits on the API: a token bucket of requests per second, a cap on requests in
//! flight per client, and one on requests in flight in all. Each refusal is a 429 with
//! `Retry-After` and the usual JSON error saying the limit is Lading's own, not the registry's.
//!
//! Every API request can make this server fetch from a registry on someone's behalf, so one
//! client must not be able to use it as an amplifier. The bucket is `governor`'s (a GCRA,
//! one atomic per client); the glue here is small and hand-written because `tower_governor`
//! keeps its keyed state in an unbounded map and has no concurrency caps. Client state lives
//! in a `moka` cache bounded by entries, and IPv6 clients are keyed by their /64 (what one
//! subscriber usually gets), so rotating addresses cannot grow memory.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{Failure, ProxyError};

/// Defaults when limits are on (a non-loopback `--listen`).
pub const DEFAULT_RATE: u32 = 10;
pub const DEFAULT_PER_CLIENT: u32 = 8;
pub const DEFAULT_TOTAL: u32 = 256;
/// The bucket holds this many seconds of the rate: a page load fires a burst of API calls.
pub const BURST_SECONDS: u32 = 3;
/// Clients remembered at once; the least recently seen are forgotten first.
pub const MAX_TRACKED_CLIENTS: u64 = 100_000;
/// A client unseen this long is forgotten (its bucket refilled long before).
pub const CLIENT_IDLE: Duration = Duration::from_secs(600);
/// Retry-After for a concurrency refusal: a second is when a short answer has usually ended.
const BUSY_RETRY_SECONDS: u64 = 1;

/// What the flags set; 0 turns a limit off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientLimits {
    /// API requests per second per client (burst: [`BURST_SECONDS`] of it).
    pub rate: u32,
    /// API requests in flight per client.
    pub per_client: u32,
    /// API requests in flight in all.
    pub total: u32,
    /// Take the client's address from the last `X-Forwarded-For` hop (behind a reverse proxy).
    pub trust_forwarded_for: bool,
}

impl ClientLimits {
    /// The limits a shared instance runs with.
    pub fn on() -> ClientLimits {
        ClientLimits {
            rate: DEFAULT_RATE,
            per_client: DEFAULT_PER_CLIENT,
            total: DEFAULT_TOTAL,
            trust_forwarded_for: false,
        }
    }
}

/// Who a client is, for its limits: an IPv4 address or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    V4([u8; 4]),
    V6Prefix(u64),
    /// No peer address (an app served without connect info): all such requests share one.
    Unknown,
}

impl ClientKey {
    pub fn of(ip: IpAddr) -> ClientKey {
        match ip {
            IpAddr::V4(v4) => ClientKey::V4(v4.octets()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(v4.octets()),
                None => ClientKey::V6Prefix((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

struct Client {
    bucket: Option<DefaultDirectRateLimiter>,
    in_flight: Option<Arc<Semaphore>>,
}

/// The limits' state, shared by all requests.
pub struct Gate {
    limits: ClientLimits,
    clients: moka::sync::Cache<ClientKey, Arc<Client>>,
    total: Option<Arc<Semaphore>>,
}

impl Gate {
    pub fn new(limits: ClientLimits) -> Gate {
        Gate {
            limits,
            clients: moka::sync::Cache::builder()
                .max_capacity(MAX_TRACKED_CLIENTS)
                .time_to_idle(CLIENT_IDLE)
                .build(),
            total: permits(limits.total),
        }
    }

    /// Clients currently remembered (after pending evictions ran).
    pub fn tracked_clients(&self) -> u64 {
        self.clients.run_pending_tasks();
        self.clients.entry_count()
    }

    fn off(&self) -> bool {
        self.limits.rate == 0 && self.limits.per_client == 0 && self.limits.total == 0
    }

    /// The client's key: the peer address, or with `trust_forwarded_for` the last
    /// `X-Forwarded-For` hop (the one our own reverse proxy appended; earlier hops are
    /// whatever the client chose to send).
    pub fn key(&self, request: &Request) -> ClientKey {
        let forwarded = || {
            let value = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .next_back()?;
            value.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
        };
        let peer = || {
            let ConnectInfo(addr) = request.extensions().get::<ConnectInfo<SocketAddr>>()?;
            Some(addr.ip())
        };
        let ip = match self.limits.trust_forwarded_for {
            true => forwarded().or_else(peer),
            false => peer(),
        };
        ip.map_or(ClientKey::Unknown, ClientKey::of)
    }

    fn client(&self, key: ClientKey) -> Arc<Client> {
        self.clients.get_with(key, || {
            let quota = NonZeroU32::new(self.limits.rate).map(|rate| {
                let burst = NonZeroU32::new(rate.get().saturating_mul(BURST_SECONDS));
                Quota::per_second(rate).allow_burst(burst.unwrap_or(rate))
            });
            Arc::new(Client {
                bucket: quota.map(DefaultDirectRateLimiter::direct),
                in_flight: permits(self.limits.per_client),
            })
        })
    }

    /// Admits a request, or says why not; the permits are held until the answer's body ends.
    fn admit(&self, key: ClientKey) -> Result<Vec<OwnedSemaphorePermit>, ProxyError> {
        let client = self.client(key);
        if let Some(bucket) = &client.bucket
            && let Err(not_until) = bucket.check()
        {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            return Err(ProxyError::Throttled {
                reason: format!(
                    "more than {} API requests per second from your address",
                    self.limits.rate
                ),
                retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
            });
        }
        let mut held = Vec::with_capacity(2);
        if let Some(own) = &client.in_flight {
            held.push(own.clone().try_acquire_owned().map_err(|_| {
                busy(format!(
                    "more than {} API requests at once from your address",
                    self.limits.per_client
                ))
            })?);
        }
        if let Some(all) = &self.total {
            held.push(all.clone().try_acquire_owned().map_err(|_| {
                busy(format!(
                    "this server is answering its most ({}) API requests at once",
                    self.limits.total
                ))
            })?);
        }
        Ok(held)
    }
}

fn permits(n: u32) -> Option<Arc<Semaphore>> {
    (n > 0).then(|| Arc::new(Semaphore::new(n as usize)))
}

fn busy(reason: String) -> ProxyError {
    ProxyError::Throttled {
        reason,
        retry_after: BUSY_RETRY_SECONDS,
    }
}

/// The middleware around every API route but health.
pub async fn limit(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    if gate.off() {
        return next.run(request).await;
    }
    let held = match gate.admit(gate.key(&request)) {
        Ok(held) => held,
        Err(error) => {
            return Failure::from(error).into_response();
        }
    };
    let response = next.run(request).await;
    // Listings and downloads stream for minutes after the handler returns: the permits go
    // with the body so they count as in flight until it ends.
    response.map(|body| Body::new(Holding { body, _held: held }))
}

/// A body that keeps its request's permits until it is dropped.
struct Holding {
    body: Body,
    _held: Vec<OwnedSemaphorePermit>,
}

impl HttpBody for Holding {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientKey::of(a), ClientKey::of(b));
        assert_ne!(ClientKey::of(a), ClientKey::of(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(ClientKey::of(mapped), ClientKey::of(v4));
    }

    #[test]
    fn forwarded_for_is_read_only_when_trusted_and_only_its_last_hop() {
        let request = || {
            let mut request = Request::new(Body::empty());
            request.headers_mut().insert(
                "x-forwarded-for",
                "203.0.113.9, 198.51.100.4".parse().unwrap(),
            );
            let peer: SocketAddr = "127.0.0.1:5555".parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        };
        let untrusting = Gate::new(ClientLimits::on());
        let peer = ClientKey::of("127.0.0.1".parse().unwrap());
        assert_eq!(untrusting.key(&request()), peer);
        let trusting = Gate::new(ClientLimits {
            trust_forwarded_for: true,
            ..ClientLimits::on()
        });
        let last_hop = ClientKey::of("198.51.100.4".parse().unwrap());
        assert_eq!(trusting.key(&request()), last_hop);
    }

    #[tokio::test]
    async fn a_streaming_answer_counts_as_in_flight_until_its_body_ends() {
        use tower::ServiceExt;
        let gate = Arc::new(Gate::new(ClientLimits {
            per_client: 1,
            ..ClientLimits::default()
        }));
        // The handler answers at once with a body that never ends by itself.
        let app = axum::Router::new()
            .route(
                "/api/stream",
                axum::routing::get(|| async {
                    Body::from_stream(futures_util::stream::pending::<
                        Result<bytes::Bytes, std::io::Error>,
                    >())
                }),
            )
            .route_layer(axum::middleware::from_fn_with_state(gate, limit));
        let call = || {
            let mut request = Request::new(Body::empty());
            *request.uri_mut() = "/api/stream".parse().unwrap();
            let peer: SocketAddr = "192.0.2.1:1000".parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        };
        let streaming = call().await.unwrap();
        assert_eq!(streaming.status(), 200);
        assert_eq!(
            call().await.unwrap().status(),
            429,
            "the first body is still open"
        );
        drop(streaming);
        let again = call().await.unwrap();
        assert_eq!(again.status(), 200, "the place came back with the body");
    }

    #[test]
    fn client_state_is_bounded_by_entries() {
        let gate = Gate::new(ClientLimits::on());
        for i in 0..(MAX_TRACKED_CLIENTS + 5_000) {
            let _ = gate.client(ClientKey::V6Prefix(i));
        }
        assert!(gate.tracked_clients() <= MAX_TRACKED_CLIENTS);
    }
}
