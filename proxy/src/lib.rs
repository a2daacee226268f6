//! The Lading server: speaks the registry protocol on behalf of the browser and serves the
//! built frontend, so one binary is the whole app.
//!
//! Why a server at all: browsers cannot call registries (no CORS), cannot read
//! `WWW-Authenticate`, and must not hold tokens for other people. The key design decision is
//! that the server is a *narrow* protocol client, not a generic proxy: only the registry API
//! paths Lading needs are reachable, every target passes the [`guard`] (after DNS, on every
//! redirect hop, for token realms and pagination links), and every upstream exchange is
//! recorded in a redacted [`trace`] that the UI shows, so the protocol is taught, not hidden.
//! Being a server that fetches for others, everything is bounded ([`limits`]): what a registry
//! may send, how long it may take, and how much one client may ask for.

pub mod error;
pub mod extract;
pub mod guard;
pub mod host;
pub mod hub;
pub mod layers;
pub mod limits;
pub mod redact;
pub mod registry;
pub mod routes;
pub mod serve;
pub mod tls;
pub mod trace;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

use guard::{AllowedHost, Guard};
use host::{PublicUrl, ServedHosts};
use layers::Engine;
use layers::listing::LayerLimits;
use limits::Limits;
use limits::client::{ClientLimits, Gate};
use registry::Upstream;
use registry::credentials::DockerConfig;
use tls::{InsecureHost, Trust};

/// What the flags configure.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Hosts that may resolve to loopback/private addresses (spoken to over http if loopback).
    pub allow_hosts: Vec<AllowedHost>,
    /// Local mode: a Docker config directory whose credentials the server uses.
    pub docker_config: Option<PathBuf>,
    /// What registries may send and how long they may take (tests shrink them).
    pub limits: Limits,
    /// What one layer may expand to (the layer engine's).
    pub layers: LayerLimits,
    /// Per-client rate and concurrency limits; off unless set (`main` turns them on for a
    /// non-loopback `--listen`).
    pub clients: ClientLimits,
    /// What people open behind a reverse proxy; its host is served beside localhost and IP
    /// literals ([`host`]).
    pub public_urls: Vec<PublicUrl>,
    /// PEM files whose certificates are trusted beside the system's store (`--ca-cert`).
    pub ca_certs: Vec<PathBuf>,
    /// Hosts (and ports) whose certificates are not checked (`--insecure-host`).
    pub insecure_hosts: Vec<InsecureHost>,
}

/// Shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The registry client: HTTP clients, guard, token and manifest caches.
    pub upstream: Arc<Upstream>,
    /// The layer engine above it: listing and path-index caches, layer limits.
    pub engine: Arc<Engine>,
    /// Per-client limits on the API.
    pub gate: Arc<Gate>,
    /// The host names requests may name ([`host::check`]).
    pub hosts: Arc<ServedHosts>,
    /// Whole answers' bytes, for warm answers addressed by digest (`routes::answer_cache`).
    pub answers: routes::answer_cache::AnswerCache,
}

impl AppState {
    pub fn new(settings: Settings) -> Result<AppState, String> {
        let trust = Trust::load(&settings.ca_certs, settings.insecure_hosts.clone())?;
        AppState::with_trust(settings, &trust)
    }

    /// [`AppState::new`] with the trust already loaded (`main` logs what it holds first).
    pub fn with_trust(settings: Settings, trust: &Trust) -> Result<AppState, String> {
        let guard = Guard::new(settings.allow_hosts);
        let docker_config = settings.docker_config.map(DockerConfig::new);
        Ok(AppState {
            upstream: Arc::new(Upstream::new(guard, docker_config, settings.limits, trust)?),
            engine: Arc::new(Engine::new(settings.layers)),
            gate: Arc::new(Gate::new(settings.clients)),
            hosts: Arc::new(ServedHosts::new(settings.public_urls)),
            answers: routes::answer_cache::AnswerCache::default(),
        })
    }
}

/// The whole app as a router, so tests can call it without a socket.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
