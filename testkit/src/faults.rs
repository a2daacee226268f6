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

mod answers;
mod bodies;
mod socket;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use serde_json::json;
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
        let router = Router::new()
            .fallback(answers::answer)
            .with_state(shared.clone());
        let (addr, stop, thread) = socket::serve(router);
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

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
