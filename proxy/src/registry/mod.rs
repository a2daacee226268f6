//! The registry client: one [`Session`] per API call, speaking to one registry on behalf of
//! one person, recording every exchange in its [`Trace`].
//!
//! Layers, one file each: `transport` (guard, timeouts, trace, capped bodies), `auth`
//! (challenges, tokens, the 401 retry), and one file per API family (`manifests`, `blobs`,
//! `tags`). `cache` holds what the registry already said (content by scope and digest,
//! proof-gated by `access`), `single_flight` makes concurrent viewers share one read.

pub mod access;
pub mod auth;
pub mod blobs;
pub mod body;
pub mod cache;
pub mod catalog;
pub mod challenge;
pub mod credentials;
pub mod image;
pub mod manifests;
pub mod missing;
pub mod rate_limit;
pub mod referrers;
pub mod retry;
pub mod single_flight;
pub mod stream;
pub mod tag_details;
pub mod tags;
pub mod token;
pub mod transport;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use lading_shared::Repository;
use url::Url;

use crate::error::ProxyError;
use crate::guard::Guard;
use crate::limits::Limits;
use crate::tls::{Clients, Trust};
use crate::trace::Trace;
use challenge::Challenge;
use credentials::{Credentials, DockerConfig};
use token::TokenCache;

/// How long to keep a registry's challenge (some registries omit it on later 401s).
pub const CHALLENGE_TTL: Duration = Duration::from_secs(3600);
pub const MAX_CACHED_CHALLENGES: u64 = 10_000;

pub use manifests::RawManifest;

/// State shared by all sessions: the HTTP client and the caches.
pub struct Upstream {
    /// Verifying, and without verification for `--insecure-host`s (chosen per URL).
    pub http: Clients,
    /// For blob bodies: no total timeout, only per-read (see `stream`).
    pub streaming_http: Clients,
    pub guard: Guard,
    pub challenges: moka::future::Cache<String, Challenge>,
    pub tokens: TokenCache,
    /// Manifests and configs by scope and digest, tag hints (see `cache`); served without a
    /// request only while the scope is proven (see `access`).
    pub content: cache::ContentCache,
    /// Scopes whose access the registry confirmed a moment ago (see `access`).
    pub proofs: access::AccessProofs,
    pub docker_config: Option<DockerConfig>,
    /// Size and time limits (see `crate::limits`).
    pub limits: Limits,
    /// Per-process salt for credential fingerprints.
    pub salt: [u8; 32],
}

impl Upstream {
    pub fn new(
        guard: Guard,
        docker_config: Option<DockerConfig>,
        limits: Limits,
        trust: &Trust,
    ) -> Result<Upstream, String> {
        let http = transport::client(&guard, &limits, trust).map_err(|e| e.to_string())?;
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
        Ok(Upstream {
            http,
            streaming_http: transport::streaming_client(&guard, &limits, trust)
                .map_err(|e| e.to_string())?,
            guard,
            challenges: challenge_cache(),
            tokens: TokenCache::default(),
            content: cache::ContentCache::default(),
            proofs: access::AccessProofs::default(),
            docker_config,
            limits,
            salt,
        })
    }
}

/// Challenges by registry base URL, bounded by entries (each is a few short strings).
fn challenge_cache() -> moka::future::Cache<String, Challenge> {
    moka::future::Cache::builder()
        .max_capacity(MAX_CACHED_CHALLENGES)
        .time_to_live(CHALLENGE_TTL)
        .build()
}

/// One API call's conversation with one registry. Cloning is cheap (shared handles).
#[derive(Clone)]
pub struct Session {
    pub upstream: Arc<Upstream>,
    /// Normalised registry name (`docker.io`).
    pub registry: String,
    /// `scheme://api-host/` (Docker Hub's API host differs from its name).
    pub base: Url,
    pub credentials: Option<Credentials>,
    pub trace: Trace,
    /// `Upstream::http`, or `Upstream::streaming_http` for blob bodies (`Session::streaming`).
    pub client: Clients,
}

impl Session {
    /// Opens a session; browser credentials win over the server's Docker config.
    pub async fn open(
        upstream: Arc<Upstream>,
        registry: &str,
        api_host: &str,
        browser_credentials: Option<Credentials>,
        trace: Trace,
    ) -> Result<Session, ProxyError> {
        let scheme = upstream.guard.scheme_for(api_host);
        let base = Url::parse(&format!("{scheme}://{api_host}/")).map_err(|e| {
            ProxyError::BadRequest(format!("invalid registry host {api_host:?}: {e}"))
        })?;
        let credentials = match browser_credentials {
            Some(c) => Some(c),
            None => match &upstream.docker_config {
                Some(config) => config.lookup(registry).await,
                None => None,
            },
        };
        Ok(Session {
            client: upstream.http.clone(),
            upstream,
            registry: registry.to_string(),
            base,
            credentials,
            trace,
        })
    }

    /// A session for `repository`'s registry: the one way a route starts talking to one.
    pub async fn for_repository(
        upstream: &Arc<Upstream>,
        repository: &Repository,
        credentials: Option<Credentials>,
        trace: &Trace,
    ) -> Result<Session, ProxyError> {
        let (registry, api_host) = (&repository.registry, repository.api_host());
        Session::open(
            upstream.clone(),
            registry,
            api_host,
            credentials,
            trace.clone(),
        )
        .await
    }

    /// `base` joined with a registry API path such as `v2/library/alpine/tags/list`.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }

    /// The pull scope for a repository.
    pub fn pull_scope(repository: &str) -> String {
        format!("repository:{repository}:pull")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn challenge_cache_is_bounded_by_entries() {
        let cache = challenge_cache();
        for i in 0..MAX_CACHED_CHALLENGES + 500 {
            cache
                .insert(format!("https://r{i}.example/"), Challenge::Anonymous)
                .await;
        }
        cache.run_pending_tasks().await;
        assert!(
            cache.entry_count() <= MAX_CACHED_CHALLENGES,
            "{}",
            cache.entry_count()
        );
    }
}
