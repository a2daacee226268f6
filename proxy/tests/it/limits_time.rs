//! Time limits on upstream registries (issue 4): connect, idle read, one upstream request, and
//! the whole JSON answer, each answered as a typed `timeout` (504) naming the registry.
//!
//! The real limits are 10–60 s; these tests shrink them through `Settings::limits` to a few
//! hundred milliseconds against loopback upstreams that stall or drip, and assert the error,
//! never a speed.

use std::convert::Infallible;
use std::time::Duration;

use crate::support::{Answer, Lading, encode};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::routing::{get, head};
use lading::Settings;
use lading::limits::Limits;
use lading_testkit::BackgroundServer;

const SHORT: Duration = Duration::from_millis(300);
/// Long enough that only the limit under test can fire first.
const LONG: Duration = Duration::from_secs(20);

/// `{` then nothing, for ever (until the connection goes).
fn stalled() -> Body {
    let first = futures_util::stream::once(async { Ok::<_, Infallible>(Bytes::from_static(b"{")) });
    Body::from_stream(futures_util::StreamExt::chain(
        first,
        futures_util::stream::pending(),
    ))
}

/// One byte every 50 ms, at most 1200 of them (a minute): never idle, never done.
fn dripping() -> Body {
    let drip = futures_util::stream::unfold(0u32, |n| async move {
        if n >= 1200 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        Some((Ok::<_, Infallible>(Bytes::from_static(b" ")), n + 1))
    });
    Body::from_stream(drip)
}

/// A registry whose manifests stall (`:stall`) or drip (`:drip`). HEAD is refused (405) so
/// Lading goes on to the GET that carries the body.
fn slow_registry() -> BackgroundServer {
    let router = Router::new().route("/v2/", get(|| async { "{}" })).route(
        "/v2/team/app/manifests/{tag}",
        head(|| async { StatusCode::METHOD_NOT_ALLOWED }).get(
            |axum::extract::Path(tag): axum::extract::Path<String>| async move {
                if tag == "stall" {
                    stalled()
                } else {
                    dripping()
                }
            },
        ),
    );
    BackgroundServer::start("slow-registry", router)
}

async fn image(host: &str, tag: &str, limits: Limits) -> Answer {
    let lading = Lading::with(Settings {
        allow_hosts: vec![host.parse().unwrap()],
        limits,
        ..Settings::default()
    });
    let reference = encode(&format!("{host}/team/app:{tag}"));
    lading
        .get(&format!("/api/image?ref={reference}"), None)
        .await
}

fn assert_timeout(answer: &Answer, host: &str, says: &str) {
    assert_eq!(answer.status, 504, "{:?}", answer.json);
    assert_eq!(answer.kind(), "timeout", "{:?}", answer.json);
    assert_eq!(answer.json["registry"], host);
    let message = answer.json["message"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
}

fn limits(idle_read: Duration, upstream_request: Duration, answer: Duration) -> Limits {
    Limits {
        connect: LONG,
        idle_read,
        upstream_request,
        answer,
        ..Limits::default()
    }
}

#[tokio::test]
async fn a_registry_that_stops_sending_hits_the_idle_read_limit() {
    let registry = slow_registry();
    let host = registry.addr().to_string();
    let answer = image(&host, "stall", limits(SHORT, LONG, LONG)).await;
    assert_timeout(&answer, &host, "nothing arrived for too long");
}

#[tokio::test]
async fn a_dripping_registry_hits_the_upstream_request_limit() {
    let registry = slow_registry();
    let host = registry.addr().to_string();
    let answer = image(&host, "drip", limits(LONG, SHORT, LONG)).await;
    assert_timeout(&answer, &host, "took too long in all");
}

#[tokio::test]
async fn a_dripping_registry_hits_the_whole_answer_limit() {
    let registry = slow_registry();
    let host = registry.addr().to_string();
    let answer = image(&host, "drip", limits(LONG, LONG, SHORT)).await;
    assert_timeout(&answer, &host, "Lading's limit for one request");
}

#[tokio::test]
async fn a_registry_that_never_accepts_hits_the_connect_limit() {
    // A listener that never accepts, with its queue full: Linux then drops new SYNs, so the
    // next connect hangs as it would behind a firewall that drops packets.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let _fillers: Vec<_> = (0..2)
        .filter_map(|_| std::net::TcpStream::connect_timeout(&addr, SHORT).ok())
        .collect();
    let host = addr.to_string();
    let mut limits = limits(LONG, LONG, LONG);
    limits.connect = SHORT;
    let answer = image(&host, "v1", limits).await;
    assert_timeout(&answer, &host, "could not connect in time");
    drop(listener);
}
