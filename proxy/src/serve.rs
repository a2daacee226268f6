//! The accept loop: HTTP/1.1 over hyper with every socket bounded, so unfinished requests
//! cannot hold the server (slow-loris).
//!
//! `axum::serve` is deliberately unconfigurable: no header-read timeout (hyper's needs a
//! timer, which it does not set) and no cap on connections, so 300 stalled request heads
//! held every descriptor and `/api/health` timed out for everyone. This loop is what
//! `axum::serve` does (hyper's connection builder, `TokioIo`, graceful shutdown from
//! hyper-util) plus three bounds:
//! - a header-read timeout: hyper's timer runs whenever a connection waits for a request
//!   head, the first one or the next one on a kept-alive connection, so it is also the idle
//!   timeout. It never runs while an answer streams: a download may take an hour;
//! - a cap on open connections in all, below the process's descriptor limit;
//! - a cap per client address (IPv6: per /64, like [`crate::limits::client`]);
//! - a send-stall timeout: a client that stops reading an answer is cut ([`stall`]).
//!
//! A connection over a cap gets a short 429 written without waiting and is closed at once,
//! so the loop never blocks on one client and a refused client learns why.

mod slots;
mod stall;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;
use tower::util::MapRequest;

use crate::error::ProxyError;
use slots::Slots;
use stall::SendStall;

/// Longest wait for a whole request head, and between requests on a kept-alive connection.
/// Browsers send a head in one packet; 10 s is generous for a slow phone link.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections in all. Each costs a descriptor (and upstream requests need more), so
/// `run` keeps it under the process's descriptor limit (raising the soft limit first).
pub const MAX_CONNECTIONS: u32 = 1024;
/// Open connections per client address when the cap is on. A browser opens at most 6 per
/// host; 64 leaves room for a few people behind one NAT.
pub const MAX_CONNECTIONS_PER_CLIENT: u32 = 64;
/// Longest a write to a client may wait for the client to read. A download paused in a
/// browser is cut after it (browsers resume blobs with `Range`).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// On SIGTERM, how long open answers may go on before they are cut (Docker waits 10 s).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// After an accept error that is not about one connection (out of descriptors), wait this
/// long before accepting again instead of spinning.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);
/// Retry-After for a refused connection: open ones end or time out within seconds.
const REFUSED_RETRY_SECONDS: u64 = 1;

/// The socket bounds; 0 (or a zero timeout) turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    pub header_timeout: Duration,
    pub max_connections: u32,
    pub per_client: u32,
    pub send_timeout: Duration,
}

impl Default for ServeLimits {
    fn default() -> ServeLimits {
        ServeLimits {
            header_timeout: HEADER_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            per_client: MAX_CONNECTIONS_PER_CLIENT,
            send_timeout: SEND_TIMEOUT,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open answers finish for
/// at most [`SHUTDOWN_GRACE`]. Handlers see `ConnectInfo<SocketAddr>` (the peer).
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = slots::fit_descriptors(limits);
    let slots = Slots::new(limits.max_connections, limits.per_client);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new());
    http.header_read_timeout((!limits.header_timeout.is_zero()).then_some(limits.header_timeout));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = match slots.take(peer.ip()) {
            Ok(slot) => slot,
            Err(reason) => {
                refuse(&stream, reason);
                continue;
            }
        };
        let io = TokioIo::new(SendStall::new(stream, limits.send_timeout));
        let connection = graceful.watch(http.serve_connection(io, service(&app, peer)));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                // Timeouts and resets are what clients do; nothing to act on.
                tracing::debug!("connection from {peer} ended: {error}");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("answers still open after {SHUTDOWN_GRACE:?} of shutdown were cut");
        }
    }
    Ok(())
}

/// The app for one connection, with its peer address where the per-client limits look.
fn service(
    app: &Router,
    peer: SocketAddr,
) -> TowerToHyperService<
    MapRequest<Router, impl FnMut(Request<Incoming>) -> Request + Clone + Send + Sync + 'static>,
> {
    TowerToHyperService::new(app.clone().map_request(move |request: Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }))
}

/// Writes a short 429 if the socket takes it right away (a fresh socket's send buffer is
/// empty, so it does), then closes: never waits on a refused client.
fn refuse(stream: &TcpStream, reason: String) {
    let error = ProxyError::Throttled {
        reason,
        retry_after: REFUSED_RETRY_SECONDS,
    };
    let status = error.kind().status();
    let body = serde_json::to_vec(&error.into_api_error(Vec::new(), Default::default()))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status} Too Many Requests\r\ncontent-type: application/json\r\n\
         retry-after: {REFUSED_RETRY_SECONDS}\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.try_write(&[head.as_bytes(), &body].concat());
}

/// Errors about one connection (reset before accept) are skipped; others (out of
/// descriptors) are logged and paused on, as `axum::serve` does.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!("accepting a connection failed: {error}");
    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
}
