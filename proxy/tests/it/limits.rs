//! Lading's own per-client limits (issue 4): a token bucket per client address, caps on
//! requests in flight per client and in all, each refusal a 429 with `Retry-After` and a JSON
//! error that says the limit is Lading's, not the registry's; and their defaults by `--listen`
//! address in the real binary. Everything runs on loopback; request loops are bounded.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{Lading, RawAnswer};
use axum::Router;
use axum::http::{StatusCode, header};
use lading::Settings;
use lading::limits::client::ClientLimits;
use lading_testkit::{BackgroundServer, LadingProcess, ScriptedRegistry, TagScript};
use tokio::sync::Semaphore;

/// Two ports of one client, and two other clients.
const A: &str = "203.0.113.1:40000";
const A_AGAIN: &str = "203.0.113.1:40001";
const B: &str = "198.51.100.2:40000";
const C: &str = "[2001:db8::7]:40000";
/// An API path that answers at once (404 JSON) but still passes the limits.
/// Answered at once, without a registry: 400 (see `routes::health::unknown_api`).
const CHEAP: &str = "/api/no-such-endpoint";

fn lading(clients: ClientLimits, hosts: &[String]) -> Lading {
    Lading::with(Settings {
        allow_hosts: hosts.iter().map(|h| h.parse().unwrap()).collect(),
        clients,
        ..Settings::default()
    })
}

/// A refusal by Lading itself: 429, `Retry-After`, the usual error shape, and words saying
/// whose limit it is.
fn assert_throttled(answer: &RawAnswer, says: &str) {
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{answer:?}");
    let retry: u64 = answer.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1, "Retry-After {retry}");
    let json = answer.json();
    assert_eq!(json["kind"], "too_many_requests");
    assert_eq!(json["retry_after"], retry);
    let message = json["message"].as_str().unwrap();
    assert!(
        message.contains("Lading's own limit, not the registry's"),
        "{message}"
    );
    assert!(message.contains(says), "{message}");
}

#[tokio::test]
async fn a_client_past_its_burst_gets_429_while_another_is_served() {
    let registry = ScriptedRegistry::start(TagScript::new("team/app", 3));
    let limits = ClientLimits {
        rate: 1,
        ..ClientLimits::default()
    };
    let lading = lading(limits, &[registry.host()]);
    let tags = format!("/api/tags?repo={}/team/app", registry.host());
    // A full bucket holds 3 s of the rate: the first three pass whatever the machine's speed.
    for _ in 0..3 {
        assert_eq!(lading.get_from(A, &tags).await.status, StatusCode::OK);
    }
    // It refills at 1/s, so one of the next ten (each far under a second) is refused.
    let refused = {
        let mut refused = None;
        for _ in 0..10 {
            let answer = lading.get_from(A_AGAIN, &tags).await;
            if answer.status == StatusCode::TOO_MANY_REQUESTS {
                refused = Some(answer);
                break;
            }
        }
        refused.expect("a 429 within ten requests past the burst")
    };
    assert_throttled(&refused, "per second from your address");
    // Another client is served; health and the app itself are never limited.
    assert_eq!(lading.get_from(B, &tags).await.status, StatusCode::OK);
    assert_eq!(
        lading.get_from(A, "/api/health").await.status,
        StatusCode::OK
    );
    assert_ne!(
        lading.get_from(A, "/").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn ipv6_clients_share_a_bucket_per_64() {
    let limits = ClientLimits {
        rate: 1,
        ..ClientLimits::default()
    };
    let lading = lading(limits, &[]);
    for _ in 0..3 {
        let answer = lading.get_from("[2001:db8:1:2::1]:1", CHEAP).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    }
    // Rotating to another address of the same /64 does not buy a fresh bucket.
    let mut refused = false;
    for i in 0..10 {
        let peer = format!("[2001:db8:1:2::{:x}]:1", 0x100 + i);
        let answer = lading.get_from(&peer, CHEAP).await;
        refused |= answer.status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(refused, "no 429 within ten requests from the same /64");
    let neighbour = lading.get_from("[2001:db8:1:3::1]:1", CHEAP).await;
    assert_eq!(
        neighbour.status,
        StatusCode::BAD_REQUEST,
        "another /64 is served"
    );
}

/// A registry that takes every request but the ping and holds it until released.
struct HeldRegistry {
    server: BackgroundServer,
    arrived: Arc<AtomicUsize>,
    release: Arc<Semaphore>,
}

impl HeldRegistry {
    fn start() -> HeldRegistry {
        let arrived = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(Semaphore::new(0));
        let (count, gate) = (arrived.clone(), release.clone());
        let router = Router::new()
            .route("/v2/", axum::routing::get(|| async { "{}" }))
            .fallback(move || {
                let (count, gate) = (count.clone(), gate.clone());
                async move {
                    count.fetch_add(1, Ordering::SeqCst);
                    // Closed by the test: every waiter goes on at once.
                    let _ = gate.acquire().await;
                    StatusCode::NOT_FOUND
                }
            });
        HeldRegistry {
            server: BackgroundServer::start("held-registry", router),
            arrived,
            release,
        }
    }

    /// A view of tag `v{n}`: distinct tags, because concurrent views of one tag share one
    /// registry read (single-flight) and would not both be held.
    fn image_path(&self, n: u32) -> String {
        format!("/api/image?ref={}/team/app:v{n}", self.server.addr())
    }

    /// Waits (bounded) until `n` requests are being held.
    async fn wait_for(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.arrived.load(Ordering::SeqCst) < n {
            assert!(
                Instant::now() < deadline,
                "requests never reached the registry"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn spawn_get(
    lading: &Arc<Lading>,
    peer: &'static str,
    path: String,
) -> tokio::task::JoinHandle<RawAnswer> {
    let lading = lading.clone();
    tokio::spawn(async move { lading.get_from(peer, &path).await })
}

#[tokio::test]
async fn requests_in_flight_are_capped_per_client() {
    let registry = HeldRegistry::start();
    let limits = ClientLimits {
        per_client: 2,
        ..ClientLimits::default()
    };
    let lading = Arc::new(lading(limits, &[registry.server.addr().to_string()]));
    let held = [
        spawn_get(&lading, A, registry.image_path(1)),
        spawn_get(&lading, A_AGAIN, registry.image_path(2)),
    ];
    registry.wait_for(2).await;
    let third = lading.get_from(A, &registry.image_path(3)).await;
    assert_throttled(&third, "at once from your address");
    // Another client is not held back by A's requests.
    assert_eq!(
        lading.get_from(B, CHEAP).await.status,
        StatusCode::BAD_REQUEST
    );
    registry.release.close();
    for answer in held {
        assert_ne!(answer.await.unwrap().status, StatusCode::TOO_MANY_REQUESTS);
    }
    // Finished requests give their places back.
    assert_eq!(
        lading.get_from(A, CHEAP).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn requests_in_flight_are_capped_in_all() {
    let registry = HeldRegistry::start();
    let limits = ClientLimits {
        total: 2,
        ..ClientLimits::default()
    };
    let lading = Arc::new(lading(limits, &[registry.server.addr().to_string()]));
    let held = [
        spawn_get(&lading, A, registry.image_path(1)),
        spawn_get(&lading, B, registry.image_path(2)),
    ];
    registry.wait_for(2).await;
    assert_throttled(
        &lading.get_from(C, CHEAP).await,
        "most (2) API requests at once",
    );
    registry.release.close();
    for answer in held {
        assert_ne!(answer.await.unwrap().status, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(
        lading.get_from(C, CHEAP).await.status,
        StatusCode::BAD_REQUEST
    );
}

/// Sends up to `n` quick API requests; how many were refused with 429.
async fn refusals(base: &str, n: usize) -> usize {
    let client = reqwest::Client::new();
    let mut refused = 0;
    for _ in 0..n {
        let status = client
            .get(format!("{base}{CHEAP}"))
            .send()
            .await
            .unwrap()
            .status();
        refused += usize::from(status == StatusCode::TOO_MANY_REQUESTS);
    }
    refused
}

fn lading_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_lading"))
}

#[tokio::test]
async fn loopback_listen_is_unlimited_unless_a_flag_says_otherwise() {
    let open = LadingProcess::spawn(lading_bin(), &[]);
    // Past the default burst of 30: a developer or CI on 127.0.0.1 is not throttled.
    assert_eq!(refusals(&open.base_url(), 60).await, 0);
    let limited = LadingProcess::spawn(lading_bin(), &["--rate-limit", "1"]);
    assert!(
        refusals(&limited.base_url(), 10).await > 0,
        "{}",
        limited.output()
    );
}

/// `lading --listen 0.0.0.0:PORT`, spoken to on 127.0.0.1 only; killed (by id) on drop.
struct AllInterfaces {
    child: std::process::Child,
    base: String,
}

impl AllInterfaces {
    async fn spawn(env: &[(&str, &str)]) -> AllInterfaces {
        let port = std::net::TcpListener::bind("0.0.0.0:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new(lading_bin())
            .args(["--listen", &format!("0.0.0.0:{port}")])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = AllInterfaces {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        let health = format!("{}/api/health", server.base);
        while !reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(
                Instant::now() < deadline,
                "lading on 0.0.0.0:{port} never got healthy"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }
}

impl Drop for AllInterfaces {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_non_loopback_listen_turns_limits_on_unless_set_to_zero() {
    let shared = AllInterfaces::spawn(&[]).await;
    // 60 requests in well under the 3 s the default burst of 30 at 10/s would need.
    assert!(refusals(&shared.base, 60).await > 0);
    drop(shared);
    let opted_out = AllInterfaces::spawn(&[
        ("LADING_RATE_LIMIT", "0"),
        ("LADING_MAX_CONCURRENT", "0"),
        ("LADING_MAX_CONCURRENT_TOTAL", "0"),
    ])
    .await;
    assert_eq!(refusals(&opted_out.base, 60).await, 0);
}
