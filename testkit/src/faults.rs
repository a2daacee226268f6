//! A registry that fails on purpose: a small valid image (manifest, config, one gzip layer)
//! whose every path can be told to misbehave the way real registries, CDNs and networks do —
//! 5xx with or without an error body, 429 with `Retry-After`, a TCP reset mid-body, a body
//! shorter than its `Content-Length`, bytes that are not what the digest says, a body that
//! drips or never ends, a redirect loop, a token server that is down or answers garbage,
//! manifests that are not JSON or are labelled HTML.
//!
//! An axum app, served by its own accept loop rather than [`crate::BackgroundServer`]: a
//! reset needs the socket itself (`SO_LINGER` 0, then close), which a handler can only reach
//! through the connection info this loop attaches. Loopback only, and every fault stops by
//! itself ([`MAX_FAULT_BYTES`], [`MAX_FAULT_TIME`]) so a client that never gives up still
//! cannot keep it busy forever.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::fixtures::media_types::{OCI_CONFIG, OCI_MANIFEST};
use crate::fixtures::{Blob, LayerBuilder, noise, sha256_digest};

/// Repository and tag of the one image.
pub const FAULT_REPO: &str = "faulty/app";
pub const FAULT_TAG: &str = "v1";
/// A file in the layer, and its text (the instance number follows).
pub const FAULT_FILE: &str = "etc/instance";
/// An endless body stops after this many bytes: more than a client should ever buffer
/// (tests bound a client's memory below it, so a client that buffers is caught).
pub const MAX_FAULT_BYTES: u64 = 256 * 1024 * 1024;
/// A dripping or endless body stops after this long: longer than a client's own
/// whole-request timeout (60 s in Lading), so the client's cap is what ends it.
pub const MAX_FAULT_TIME: Duration = Duration::from_secs(75);
/// Pause before a cut: lets the half body leave the socket before the reset or close.
const FLUSH_PAUSE: Duration = Duration::from_millis(50);
/// Chunk of an endless body.
const ENDLESS_CHUNK: usize = 64 * 1024;

/// What a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// `GET /v2/`.
    Ping,
    /// `/token` (only asked for with [`FaultRegistry::with_token_auth`]).
    Token,
    /// `HEAD`/`GET /v2/REPO/manifests/{tag,digest}`.
    Manifest,
    Config,
    Layer,
    /// `GET /v2/REPO/tags/list`.
    Tags,
}

/// How a target misbehaves. Faults on bodies (reset, truncated, wrong digest, drip, endless,
/// HTML, malformed, lying type, token bodies) apply to `GET`/`POST` only: a `HEAD` is
/// answered as usual, so a client reaches the `GET`. Status faults apply to every method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// This status; with `json_body` a registry error body (`UNAVAILABLE`), else empty.
    Status { status: u16, json_body: bool },
    /// 429 with `Retry-After: retry_after` and a `TOOMANYREQUESTS` body.
    TooManyRequests { retry_after: u64 },
    /// `Content-Length` of the whole, half the bytes, then a TCP reset.
    ResetMidBody,
    /// `Content-Length` of the whole, half the bytes, then a clean close.
    Truncated,
    /// The same length with one byte flipped (manifests: a trailing newline, still JSON).
    WrongDigest,
    /// One byte every `every`, `Content-Length` of the whole.
    SlowDrip { every: Duration },
    /// A chunked body that never ends (until the caps): the right bytes, then noise.
    Endless,
    /// 307 back to the same URL, forever.
    RedirectLoop,
    /// Nothing listens: for `Token` the challenge's realm is a closed port; for `Config` and
    /// `Layer` a 307 to a closed port (a CDN that is down). Not for other targets.
    Down,
    /// `200 text/html` with a sign-in page (a captive portal, a misrouted proxy).
    Html,
    /// `200` with the right Content-Type and JSON cut off in the middle.
    MalformedJson,
    /// The right body labelled `text/html`.
    ContentTypeLies,
    /// Token: JSON without `token` or `access_token`.
    TokenMissing,
    /// Token: `"token": 42`.
    TokenNotString,
}

impl Fault {
    fn on_body(&self) -> bool {
        !matches!(
            self,
            Fault::Status { .. }
                | Fault::TooManyRequests { .. }
                | Fault::RedirectLoop
                | Fault::Down
        )
    }
}

/// The image served, with its exact bytes.
#[derive(Clone, Debug)]
pub struct FaultImage {
    pub manifest: Vec<u8>,
    pub manifest_digest: String,
    pub config: Vec<u8>,
    pub config_digest: String,
    pub layer: Vec<u8>,
    pub layer_digest: String,
    /// Contents of [`FAULT_FILE`] (differs per instance, so layer digests never repeat and
    /// no cache can answer for another instance).
    pub file_text: String,
}

struct Shared {
    image: FaultImage,
    token_auth: bool,
    instance: u64,
    /// A port nothing listens on (bound once, then released).
    closed_port: u16,
    faults: Mutex<HashMap<Target, Fault>>,
    requests: Mutex<Vec<String>>,
    tokens: Mutex<Vec<String>>,
    fired: AtomicU64,
}

pub struct FaultRegistry {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

static INSTANCES: AtomicU64 = AtomicU64::new(1);

impl FaultRegistry {
    /// Anonymous: `/v2/` answers 200.
    pub fn start() -> Self {
        Self::launch(false, false)
    }

    /// Bearer auth: `/v2/` challenges, `/token` on this server issues opaque tokens.
    pub fn with_token_auth() -> Self {
        Self::launch(true, false)
    }

    /// Anonymous, and the manifest omits the layer's `size` (some registries and hand-made
    /// manifests do): a client cannot bound the layer by its descriptor.
    pub fn without_layer_size() -> Self {
        Self::launch(false, true)
    }

    fn launch(token_auth: bool, omit_layer_size: bool) -> Self {
        let instance = INSTANCES.fetch_add(1, Ordering::Relaxed) + u64::from(std::process::id());
        let shared = Arc::new(Shared {
            image: build_image(instance, omit_layer_size),
            token_auth,
            instance,
            closed_port: crate::process::free_port(),
            faults: Mutex::default(),
            requests: Mutex::default(),
            tokens: Mutex::default(),
            fired: AtomicU64::new(0),
        });
        let router = Router::new().fallback(answer).with_state(shared.clone());
        let (addr, stop, thread) = serve(router);
        Self {
            shared,
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// "127.0.0.1:PORT".
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// "127.0.0.1:PORT/faulty/app:v1".
    pub fn reference(&self) -> String {
        format!("{}/{FAULT_REPO}:{FAULT_TAG}", self.host())
    }

    /// "127.0.0.1:PORT/faulty/app@sha256:…".
    pub fn digest_reference(&self) -> String {
        format!(
            "{}/{FAULT_REPO}@{}",
            self.host(),
            self.shared.image.manifest_digest
        )
    }

    pub fn image(&self) -> &FaultImage {
        &self.shared.image
    }

    /// From now on `target` misbehaves as `fault` says.
    pub fn inject(&self, target: Target, fault: Fault) {
        if fault == Fault::Down {
            assert!(
                matches!(target, Target::Token | Target::Config | Target::Layer),
                "Fault::Down means nothing for {target:?}"
            );
        }
        lock(&self.shared.faults).insert(target, fault);
    }

    /// `target` behaves again.
    pub fn heal(&self, target: Target) {
        lock(&self.shared.faults).remove(&target);
    }

    /// How many answers were faults.
    pub fn faults_fired(&self) -> u64 {
        self.shared.fired.load(Ordering::Relaxed)
    }

    /// "METHOD path?query" of every request so far.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.requests).clone()
    }

    /// Every token `/token` handed out.
    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.shared.tokens).clone()
    }
}

impl Drop for FaultRegistry {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn build_image(instance: u64, omit_layer_size: bool) -> FaultImage {
    let file_text = format!("fault registry instance {instance}\n");
    let layer = LayerBuilder::new()
        .dir("etc")
        .file(FAULT_FILE, file_text.clone())
        // Large enough that "half the body" is many TCP segments.
        .file("data/noise.bin", noise(instance, 192 * 1024))
        .build();
    let config = Blob::json(
        OCI_CONFIG,
        &json!({
            "architecture": "amd64",
            "os": "linux",
            "config": { "Cmd": ["/bin/sh"] },
            "rootfs": { "type": "layers", "diff_ids": [layer.diff_id] },
        }),
    );
    let mut layer_descriptor = layer.blob.descriptor().to_json();
    if omit_layer_size && let Some(fields) = layer_descriptor.as_object_mut() {
        fields.remove("size");
    }
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor().to_json(),
        "layers": [layer_descriptor],
    });
    let manifest = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    FaultImage {
        manifest_digest: sha256_digest(&manifest),
        manifest,
        config_digest: config.digest(),
        config: config.bytes,
        layer_digest: layer.blob.digest(),
        layer: layer.blob.bytes,
        file_text,
    }
}

async fn answer(
    State(s): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Connection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let target_text = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    lock(&s.requests).push(format!("{method} {target_text}"));
    let target = match route(&s, uri.path()) {
        Ok(target) => target,
        Err(code) => {
            let body = json!({ "errors": [{ "code": code, "message": "unknown to the fault registry", "detail": uri.path() }] });
            return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
        }
    };
    let fault = lock(&s.faults).get(&target).cloned();
    if let Some(fault) = fault
        && (method != Method::HEAD || !fault.on_body())
        && !(fault == Fault::Down && target == Target::Token)
    {
        s.fired.fetch_add(1, Ordering::Relaxed);
        return faulty(&s, target, fault, &uri, &conn);
    }
    if s.token_auth && target != Target::Token && !authorized(&s, &headers) {
        return challenge(&s);
    }
    if target == Target::Token {
        return issue_token(&s);
    }
    // A HEAD gets the same headers; hyper leaves the body out.
    let (content_type, body) = body_of(&s, target);
    let digest = sha256_digest(&body);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::HeaderName::from_static("docker-content-digest"),
                digest,
            ),
        ],
        body,
    )
        .into_response()
}

/// Which target a path is, or the error code of the registry's 404.
fn route(s: &Shared, path: &str) -> Result<Target, &'static str> {
    let unknown = |code| code;
    if path == "/v2/" || path == "/v2" {
        return Ok(Target::Ping);
    }
    if path == "/token" {
        return Ok(Target::Token);
    }
    let Some(rest) = path.strip_prefix(&format!("/v2/{FAULT_REPO}/")) else {
        return Err(unknown("NAME_UNKNOWN"));
    };
    let image = &s.image;
    match rest.split_once('/') {
        Some(("manifests", r)) if r == FAULT_TAG || r == image.manifest_digest => {
            Ok(Target::Manifest)
        }
        Some(("manifests", _)) => Err(unknown("MANIFEST_UNKNOWN")),
        Some(("blobs", d)) if d == image.config_digest => Ok(Target::Config),
        Some(("blobs", d)) if d == image.layer_digest => Ok(Target::Layer),
        Some(("blobs", _)) => Err(unknown("BLOB_UNKNOWN")),
        Some(("tags", "list")) => Ok(Target::Tags),
        _ => Err(unknown("NAME_UNKNOWN")),
    }
}

/// The healthy body of a target and its Content-Type.
fn body_of(s: &Shared, target: Target) -> (&'static str, Bytes) {
    let image = &s.image;
    match target {
        Target::Ping => ("application/json", Bytes::from_static(b"{}")),
        Target::Token => ("application/json", token_body(s).into()),
        Target::Manifest => (OCI_MANIFEST, image.manifest.clone().into()),
        Target::Config => ("application/octet-stream", image.config.clone().into()),
        Target::Layer => ("application/octet-stream", image.layer.clone().into()),
        Target::Tags => {
            let tags = json!({ "name": FAULT_REPO, "tags": [FAULT_TAG] });
            ("application/json", tags.to_string().into())
        }
    }
}

fn token_body(s: &Shared) -> String {
    let mut tokens = lock(&s.tokens);
    let token = format!("fault-token-{}-{}", s.instance, tokens.len() + 1);
    tokens.push(token.clone());
    json!({ "token": token, "expires_in": 300 }).to_string()
}

fn issue_token(s: &Shared) -> Response {
    let (content_type, body) = body_of(s, Target::Token);
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn authorized(s: &Shared, headers: &HeaderMap) -> bool {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    value
        .strip_prefix("Bearer ")
        .is_some_and(|token| lock(&s.tokens).iter().any(|t| t == token))
}

fn challenge(s: &Shared) -> Response {
    let realm = match lock(&s.faults).get(&Target::Token) {
        Some(Fault::Down) => format!("http://127.0.0.1:{}/token", s.closed_port),
        _ => "/token".to_string(),
    };
    let value = format!(
        "Bearer realm=\"{realm}\",service=\"fault-registry\",scope=\"repository:{FAULT_REPO}:pull\""
    );
    let body =
        json!({ "errors": [{ "code": "UNAUTHORIZED", "message": "authentication required" }] });
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, value)],
        axum::Json(body),
    )
        .into_response()
}

fn faulty(s: &Shared, target: Target, fault: Fault, uri: &Uri, conn: &Connection) -> Response {
    let (content_type, body) = body_of(s, target);
    let typed = |status: StatusCode, content_type: &str, body: Body| {
        (
            status,
            [(header::CONTENT_TYPE, content_type.to_string())],
            body,
        )
            .into_response()
    };
    match fault {
        Fault::Status { status, json_body } => {
            let status = StatusCode::from_u16(status).expect("a valid status");
            let body = json!({ "errors": [{ "code": "UNAVAILABLE", "message": format!("injected fault: HTTP {}", status.as_u16()) }] });
            if json_body {
                (status, axum::Json(body)).into_response()
            } else {
                status.into_response()
            }
        }
        Fault::TooManyRequests { retry_after } => {
            let body = json!({ "errors": [{ "code": "TOOMANYREQUESTS", "message": "pull rate limit exceeded" }] });
            let headers = [(header::RETRY_AFTER, retry_after.to_string())];
            (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response()
        }
        Fault::ResetMidBody => {
            conn.reset.store(true, Ordering::SeqCst);
            cut(content_type, body, true)
        }
        Fault::Truncated => cut(content_type, body, false),
        Fault::WrongDigest => {
            let mut bytes = body.to_vec();
            if target == Target::Manifest {
                bytes.push(b'\n');
            } else {
                let middle = bytes.len() / 2;
                bytes[middle] ^= 0xff;
            }
            typed(StatusCode::OK, content_type, bytes.into())
        }
        Fault::SlowDrip { every } => drip(content_type, body, every),
        Fault::Endless => endless(content_type, body),
        Fault::RedirectLoop => {
            let here = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
            let location = [(header::LOCATION, here.to_string())];
            (StatusCode::TEMPORARY_REDIRECT, location).into_response()
        }
        Fault::Down => {
            let location = format!("http://127.0.0.1:{}{}", s.closed_port, uri.path());
            (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Fault::Html => {
            let page = "<!doctype html><html><head><title>Sign in</title></head>\
                        <body><h1>Please sign in to continue</h1></body></html>";
            typed(StatusCode::OK, "text/html; charset=utf-8", page.into())
        }
        Fault::MalformedJson => {
            let cut_json = r#"{"schemaVersion": 2, "mediaType": "#;
            typed(StatusCode::OK, content_type, cut_json.into())
        }
        Fault::ContentTypeLies => typed(StatusCode::OK, "text/html", body.into()),
        Fault::TokenMissing => {
            let body = json!({ "expires_in": 300, "issued_at": "2024-01-02T03:04:05Z" });
            typed(StatusCode::OK, "application/json", body.to_string().into())
        }
        Fault::TokenNotString => {
            let body = json!({ "token": 42, "expires_in": 300 });
            typed(StatusCode::OK, "application/json", body.to_string().into())
        }
    }
}

/// Half of `body` under the whole one's `Content-Length`, then an end: an error (hyper
/// drops the connection; with `reset` set, [`FaultIo`] turns that into a RST) or a clean
/// end of the stream (hyper sees the body short and closes).
fn cut(content_type: &'static str, body: Bytes, reset: bool) -> Response {
    let total = body.len();
    let half = body.slice(..total / 2);
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok(half), 1)),
                1 => {
                    tokio::time::sleep(FLUSH_PAUSE).await;
                    if reset {
                        Some((Err(std::io::Error::other("injected reset")), 2))
                    } else {
                        None
                    }
                }
                _ => None,
            }
        }
    });
    sized(content_type, total, Body::from_stream(stream))
}

fn drip(content_type: &'static str, body: Bytes, every: Duration) -> Response {
    let total = body.len();
    let started = Instant::now();
    let stream = futures_util::stream::unfold(0usize, move |at| {
        let body = body.clone();
        async move {
            if at >= body.len() {
                return None;
            }
            if started.elapsed() > MAX_FAULT_TIME {
                return Some((Err(std::io::Error::other("drip capped")), body.len()));
            }
            tokio::time::sleep(every).await;
            Some((Ok(body.slice(at..at + 1)), at + 1))
        }
    });
    sized(content_type, total, Body::from_stream(stream))
}

/// `body`, then noise: a client that trusts the stream's end never stops; one that knows
/// the size stops right after `body`.
fn endless(content_type: &'static str, body: Bytes) -> Response {
    let chunk = Bytes::from(noise(7, ENDLESS_CHUNK));
    let started = Instant::now();
    let first = body.len() as u64;
    let stream = futures_util::stream::unfold(0u64, move |sent| {
        let (chunk, body) = (chunk.clone(), body.clone());
        async move {
            if sent == u64::MAX {
                return None;
            }
            if sent >= MAX_FAULT_BYTES || started.elapsed() > MAX_FAULT_TIME {
                return Some((Err(std::io::Error::other("endless body capped")), u64::MAX));
            }
            if sent == 0 && first > 0 {
                return Some((Ok(body), first));
            }
            Some((Ok(chunk), sent + ENDLESS_CHUNK as u64))
        }
    });
    (
        [(header::CONTENT_TYPE, content_type)],
        Body::from_stream(stream),
    )
        .into_response()
}

fn sized(content_type: &'static str, total: usize, body: Body) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, total.into());
    response
}

/// Accepts on 127.0.0.1:0 on a thread and runtime of its own (see [`crate::BackgroundServer`]
/// for why), handing each connection a [`FaultIo`].
fn serve(router: Router) -> (SocketAddr, oneshot::Sender<()>, JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).expect("set_nonblocking");
    let addr = listener.local_addr().expect("local_addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("fault-registry".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime for the fault registry");
            runtime.block_on(async move {
                let listener = FaultListener(TcpListener::from_std(listener).expect("to tokio"));
                let app = router.into_make_service_with_connect_info::<Connection>();
                tokio::select! {
                    served = axum::serve(listener, app) => {
                        if let Err(e) = served {
                            eprintln!("fault-registry: server stopped: {e}");
                        }
                    }
                    _ = stopped => {}
                }
            });
        })
        .expect("spawn fault registry thread");
    (addr, stop, thread)
}

struct FaultListener(TcpListener);

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (FaultIo, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let io = FaultIo {
                        stream,
                        reset: Arc::default(),
                    };
                    return (io, addr);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// A connection that, once told to, ends with a TCP reset instead of a FIN.
struct FaultIo {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // No FIN before the reset: the peer must see the connection torn, not ended.
        if self.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl Drop for FaultIo {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            // SO_LINGER 0: close sends RST. Never blocks, unlike a non-zero linger.
            let _ = self.stream.set_zero_linger();
        }
    }
}

/// What a handler knows of its connection: the switch that makes it end in a reset.
#[derive(Clone)]
struct Connection {
    reset: Arc<AtomicBool>,
}

impl Connected<IncomingStream<'_, FaultListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        Connection {
            reset: stream.io().reset.clone(),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
