//! Manifests, in as few round trips as the answer allows.
//!
//! - By digest: the bytes cannot change, so they come from Lading's cache (`cache`) when this
//!   scope read them before and its access is still proven (`access`): no request at all.
//!   Cached but not proven: one `HEAD` shows access (free on Docker Hub), then cached bytes.
//!   Not cached: `GET` directly; a `HEAD` first would only add a round trip. Concurrent viewers
//!   of one digest share one `GET` (the cache's own `or_try_insert_with`).
//! - By tag: the tag may have moved, so the registry is always asked, once. A `HEAD` is sent
//!   first only when it can save the `GET`: a hint says the tag's digest is probably cached,
//!   or the registry is Docker Hub, where `HEAD` is free and a `GET` may count against the
//!   pull limit (and the cache outlives the hints). Otherwise `GET` directly: one round trip
//!   instead of two. Concurrent viewers of one tag share one resolution (`single_flight`).
//!
//! Every answer settles the scope's proof: success proves it, 401/403/404 withdraws it. A
//! failed `HEAD` (other than 401) is followed by one `GET`, for the registry's own error body.

use std::sync::Arc;

use bytes::Bytes;
use lading_shared::api::{CachedKind, ExchangePurpose};
use lading_shared::manifest::{MAX_MANIFEST_BYTES, manifest_digest};
use lading_shared::media_type::MANIFEST_ACCEPT;
use lading_shared::reference::DOCKER_HUB;
use lading_shared::{Digest, Manifest, MediaType};
use reqwest::{Method, StatusCode};
use url::Url;

use super::cache::Fetched;
use super::transport::{header_string, read_capped, retry_after};
use super::{Session, rate_limit};
use crate::error::{Fetching, ProxyError};

const DOCKER_CONTENT_DIGEST: &str = "docker-content-digest";

/// A manifest as received (raw bytes and the headers that describe them, kept for the raw
/// view and the digest) and as decoded, once, when it arrived.
#[derive(Debug, Clone)]
pub struct RawManifest {
    pub bytes: Bytes,
    pub content_type: Option<String>,
    pub header_digest: Option<String>,
    /// The media type in effect (Content-Type, else the body's shape).
    pub media_type: MediaType,
    pub manifest: Manifest,
}

impl RawManifest {
    /// Decodes `bytes`; a registry's manifest Lading cannot read is the registry's fault.
    pub fn decode(
        bytes: Bytes,
        content_type: Option<String>,
        header_digest: Option<String>,
        registry: &str,
    ) -> Result<RawManifest, ProxyError> {
        let (media_type, manifest) =
            Manifest::decode(&bytes, content_type.as_deref()).map_err(|e| {
                ProxyError::BadUpstream(format!(
                    "{registry} sent a manifest Lading cannot read: {e}"
                ))
            })?;
        Ok(RawManifest {
            bytes,
            content_type,
            header_digest,
            media_type,
            manifest,
        })
    }

    /// What it weighs in the manifest cache: the bytes, and the decoded value beside them
    /// (its strings are about the size of the JSON they came from).
    pub fn weight(&self) -> usize {
        self.bytes.len().saturating_mul(2)
    }
}

/// What a successful or failed `HEAD` leaves to do.
enum Headed {
    /// The digest it named is cached in this scope: done, no `GET`.
    Cached(Fetched),
    /// A `GET` is still needed, for this purpose and with this note.
    Get(ExchangePurpose, &'static str),
}

impl Session {
    /// Fetches a manifest by tag or digest (see the module comment for how many requests
    /// that takes). Returns the bytes as received, decoded, and the digest computed over
    /// them; a digest request whose bytes do not match is an integrity error, and bytes that
    /// are no manifest are a bad upstream (never cached).
    pub async fn fetch_manifest(
        &self,
        repository: &str,
        identifier: &str,
    ) -> Result<Fetched, ProxyError> {
        match Digest::parse(identifier) {
            Ok(digest) => self.manifest_by_digest(repository, digest).await,
            Err(_) => self.manifest_by_tag(repository, identifier).await,
        }
    }

    async fn manifest_by_digest(
        &self,
        repository: &str,
        digest: Digest,
    ) -> Result<Fetched, ProxyError> {
        let key = (self.content_scope(repository), digest.clone());
        let manifests = &self.upstream.content.manifests;
        let url = self.manifest_url(repository, &digest.to_string());
        if let Some(cached) = manifests.get(&key).await {
            if self.access_proven(repository) {
                self.trace.note_from_cache(CachedKind::Manifest, &digest);
                return Ok((cached, digest));
            }
            let (purpose, note) = match self.head_manifest(&url, repository, Some(&digest)).await? {
                Headed::Cached(fetched) => return Ok(fetched),
                Headed::Get(purpose, note) => (purpose, note),
            };
            let fetched = self
                .get_manifest(&url, repository, Some(digest), purpose, note)
                .await?;
            manifests.insert(key, fetched.0.clone()).await;
            return Ok(fetched);
        }
        let note = "GET the manifest by digest (content-addressed: no HEAD first)";
        let read = async {
            let requested = Some(digest.clone());
            let purpose = ExchangePurpose::ManifestGet;
            let (raw, _) = self
                .get_manifest(&url, repository, requested, purpose, note)
                .await?;
            Ok::<_, ProxyError>(raw)
        };
        let entry = manifests
            .entry(key)
            .or_try_insert_with(read)
            .await
            .map_err(Arc::unwrap_or_clone)?;
        // Not fresh: another view's read (in flight when this one asked) answered it.
        if !entry.is_fresh() {
            self.trace.note_from_cache(CachedKind::Manifest, &digest);
        }
        Ok((entry.into_value(), digest))
    }

    async fn manifest_by_tag(&self, repository: &str, tag: &str) -> Result<Fetched, ProxyError> {
        let key = (self.content_scope(repository), tag.to_string());
        let flights = &self.upstream.content.tag_flights;
        let (fetched, led) = flights.run(key, || self.resolve_tag(repository, tag)).await;
        if let (Ok((_, digest)), false) = (&fetched, led) {
            self.trace.note_from_cache(CachedKind::Manifest, digest);
        }
        fetched
    }

    /// The registry's answer for `tag` now: a `HEAD` where it can save the `GET`, else the
    /// `GET` alone. The bytes are cached and the tag's digest remembered as a hint.
    async fn resolve_tag(&self, repository: &str, tag: &str) -> Result<Fetched, ProxyError> {
        let scope = self.content_scope(repository);
        let content = &self.upstream.content;
        let url = self.manifest_url(repository, tag);
        let (purpose, note) =
            if self.registry == DOCKER_HUB || content.tag_probably_cached(&scope, tag) {
                match self.head_manifest(&url, repository, None).await? {
                    Headed::Cached((raw, digest)) => {
                        content.hint(&scope, tag, &digest);
                        return Ok((raw, digest));
                    }
                    Headed::Get(purpose, note) => (purpose, note),
                }
            } else {
                let note = "GET the manifest (nothing cached for this tag: a HEAD first would \
                            only add a round trip)";
                (ExchangePurpose::ManifestGet, note)
            };
        let (raw, digest) = self
            .get_manifest(&url, repository, None, purpose, note)
            .await?;
        let key = (scope.clone(), digest.clone());
        content.manifests.insert(key, raw.clone()).await;
        content.hint(&scope, tag, &digest);
        Ok((raw, digest))
    }

    fn manifest_url(&self, repository: &str, identifier: &str) -> Url {
        self.url(&format!("/v2/{repository}/manifests/{identifier}"))
    }

    /// `HEAD` of a manifest: proves access, names the digest, and ends the conversation when
    /// that digest is cached in this scope.
    async fn head_manifest(
        &self,
        url: &Url,
        repository: &str,
        requested: Option<&Digest>,
    ) -> Result<Headed, ProxyError> {
        let accept = MANIFEST_ACCEPT.join(", ");
        let scopes = [Session::pull_scope(repository)];
        let purpose = ExchangePurpose::ManifestHead;
        let note = match requested {
            Some(_) => "HEAD: show access again before answering from Lading's cache",
            None => "HEAD: resolve the digest without a pull",
        };
        let head = self
            .send(Method::HEAD, url, Some(&accept), &scopes, purpose, note)
            .await?;
        let status = head.status();
        self.settle_access(repository, status);
        if status.is_success() {
            // A digest asked for is the key, whatever the header claims: cached bytes were
            // hashed to their key, so `repo@B` can never be answered with manifest A. Only a
            // tag takes the registry's word for its digest.
            let digest = requested.cloned().or_else(|| {
                header_string(head.headers(), DOCKER_CONTENT_DIGEST)
                    .and_then(|d| Digest::parse(&d).ok())
            });
            if let Some(digest) = digest {
                let key = (self.content_scope(repository), digest.clone());
                if let Some(cached) = self.upstream.content.manifests.get(&key).await {
                    self.trace.note_from_cache(CachedKind::Manifest, &digest);
                    return Ok(Headed::Cached((cached, digest)));
                }
            }
            Ok(Headed::Get(
                ExchangePurpose::ManifestGet,
                "GET the manifest",
            ))
        } else if status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::NOT_IMPLEMENTED
        {
            let note = "GET the manifest (the registry does not answer HEAD)";
            Ok(Headed::Get(ExchangePurpose::ManifestGet, note))
        } else if status == StatusCode::UNAUTHORIZED || self.no_get_after(status) {
            Err(self.head_failure(&head))
        } else {
            // A HEAD answer has no body, so the registry's own code, message and detail
            // ("OCI manifest found, but accept header does not support OCI manifests",
            // Harbor's `UNKNOWN` "not found") are only in a GET's answer. Read once, capped
            // like every error body; should the GET succeed, it is the manifest.
            let note =
                "GET once to read the registry's error: the HEAD failed, and a HEAD has no body";
            Ok(Headed::Get(ExchangePurpose::ErrorBody, note))
        }
    }

    /// `GET` of a manifest: its bytes checked against `requested` and decoded (not cached:
    /// the caller keeps them under its key), or the registry's error typed.
    async fn get_manifest(
        &self,
        url: &Url,
        repository: &str,
        requested: Option<Digest>,
        purpose: ExchangePurpose,
        note: &str,
    ) -> Result<Fetched, ProxyError> {
        let accept = MANIFEST_ACCEPT.join(", ");
        let scopes = [Session::pull_scope(repository)];
        let response = self
            .send(Method::GET, url, Some(&accept), &scopes, purpose, note)
            .await?;
        self.settle_access(repository, response.status());
        if !response.status().is_success() {
            let error = self.upstream_failure(response, Fetching::Manifest).await;
            return Err(error.with_rate_limit(self.last_rate_limit().as_ref()));
        }
        self.read_manifest(response, requested).await
    }

    /// Whether a failed HEAD must not be followed by a GET for its error body. Docker Hub's
    /// 429 is its pull limit (or its request rate): a failed GET would not cost a pull, but
    /// it is one more request to a registry that asked for fewer, it would be refused the
    /// same way, and should it slip through it *would* cost a pull the person is short of.
    /// The HEAD's status and headers already say all a person needs.
    fn no_get_after(&self, status: StatusCode) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS && self.registry == DOCKER_HUB
    }

    /// A failed HEAD told from its status and headers alone.
    fn head_failure(&self, head: &reqwest::Response) -> ProxyError {
        let retry = retry_after(head.headers());
        let status = head.status().as_u16();
        let error =
            ProxyError::from_upstream(status, retry, b"", &self.registry, Fetching::Manifest);
        error.with_rate_limit(self.last_rate_limit().as_ref())
    }

    /// The pull rate limit most recently reported in this view (the failing answer's own
    /// headers included: it was recorded before this is asked).
    pub fn last_rate_limit(&self) -> Option<lading_shared::api::PullRateLimit> {
        rate_limit::last_reported(&self.trace.exchanges())
    }

    /// A successful GET's manifest: capped, checked against the digest asked for, decoded.
    async fn read_manifest(
        &self,
        response: reqwest::Response,
        requested: Option<Digest>,
    ) -> Result<Fetched, ProxyError> {
        let content_type = header_string(response.headers(), "content-type");
        let header_digest = header_string(response.headers(), DOCKER_CONTENT_DIGEST);
        let bytes = read_capped(response, MAX_MANIFEST_BYTES, "manifest").await?;
        let digest = manifest_digest(&bytes, requested.as_ref());
        if let Some(requested) = &requested
            && *requested != digest
        {
            return Err(ProxyError::Integrity {
                what: "the manifest".into(),
                expected: requested.to_string(),
                actual: digest.to_string(),
            });
        }
        let raw = RawManifest::decode(bytes, content_type, header_digest, &self.registry)?;
        Ok((Arc::new(raw), digest))
    }
}
