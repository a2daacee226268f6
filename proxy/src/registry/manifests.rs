//! Manifests: HEAD for the digest, cached bytes when the digest is known, else GET.
//!
//! Docker Hub counts manifest GETs against the anonymous pull limit but not HEADs, so a tag
//! is resolved with HEAD and its bytes served from cache when the same identity has read that
//! digest from the same repository before (the cache is keyed by `access::ContentScope`). The
//! HEAD, made with this request's credentials, also proves this person may read the
//! repository now, before cached bytes are handed out. A failed HEAD (other than 401) is
//! followed by one GET, for the registry's own error body.

use std::sync::Arc;

use bytes::Bytes;
use lading_shared::api::ExchangePurpose;
use lading_shared::manifest::{MAX_MANIFEST_BYTES, manifest_digest};
use lading_shared::media_type::MANIFEST_ACCEPT;
use lading_shared::reference::DOCKER_HUB;
use lading_shared::{Digest, Manifest, MediaType};
use reqwest::{Method, StatusCode};

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

impl Session {
    /// Fetches a manifest by tag or digest. Returns the bytes as received, decoded, and the
    /// digest computed over them; a digest request whose bytes do not match is an integrity
    /// error, and bytes that are no manifest are a bad upstream (never cached).
    pub async fn fetch_manifest(
        &self,
        repository: &str,
        identifier: &str,
    ) -> Result<(Arc<RawManifest>, Digest), ProxyError> {
        let url = self.url(&format!("/v2/{repository}/manifests/{identifier}"));
        let accept = MANIFEST_ACCEPT.join(", ");
        let scopes = [Session::pull_scope(repository)];
        let requested = Digest::parse(identifier).ok();

        let head = self
            .send(
                Method::HEAD,
                &url,
                Some(&accept),
                &scopes,
                ExchangePurpose::ManifestHead,
                "HEAD: resolve the digest without a pull",
            )
            .await?;
        let status = head.status();
        let (purpose, note) = if status.is_success() {
            if let Some(hit) = self.cached_after_head(&head, repository, &requested).await {
                return Ok(hit);
            }
            (ExchangePurpose::ManifestGet, "GET the manifest")
        } else if status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::NOT_IMPLEMENTED
        {
            let note = "GET the manifest (the registry does not answer HEAD)";
            (ExchangePurpose::ManifestGet, note)
        } else if status == StatusCode::UNAUTHORIZED || self.no_get_after(status) {
            return Err(self.head_failure(&head));
        } else {
            // A HEAD answer has no body, so the registry's own code, message and detail
            // ("OCI manifest found, but accept header does not support OCI manifests",
            // Harbor's `UNKNOWN` "not found") are only in a GET's answer. Read once, capped
            // like every error body; should the GET succeed, it is the manifest.
            let note =
                "GET once to read the registry's error: the HEAD failed, and a HEAD has no body";
            (ExchangePurpose::ErrorBody, note)
        };
        drop(head);
        let response = self
            .send(Method::GET, &url, Some(&accept), &scopes, purpose, note)
            .await?;
        if !response.status().is_success() {
            let error = self.upstream_failure(response, Fetching::Manifest).await;
            return Err(error.with_rate_limit(self.last_rate_limit().as_ref()));
        }
        self.read_manifest(response, repository, requested).await
    }

    /// Cached bytes for the digest a successful HEAD named (or the one asked for).
    async fn cached_after_head(
        &self,
        head: &reqwest::Response,
        repository: &str,
        requested: &Option<Digest>,
    ) -> Option<(Arc<RawManifest>, Digest)> {
        // A digest asked for is the key, whatever the header claims: cached bytes were
        // hashed to their key, so `repo@B` can never be answered with manifest A. Only a
        // tag takes the registry's word for its digest.
        let digest = requested.clone().or_else(|| {
            header_string(head.headers(), DOCKER_CONTENT_DIGEST)
                .and_then(|d| Digest::parse(&d).ok())
        })?;
        // This request's own HEAD just succeeded: it may read the repository.
        let key = (self.content_scope(repository), digest.clone());
        let cached = self.upstream.manifests.get(&key).await?;
        Some((cached, digest))
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

    /// A successful GET's manifest: capped, checked against the digest asked for, decoded
    /// and cached under this request's scope.
    async fn read_manifest(
        &self,
        response: reqwest::Response,
        repository: &str,
        requested: Option<Digest>,
    ) -> Result<(Arc<RawManifest>, Digest), ProxyError> {
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
        let raw = Arc::new(raw);
        let key = (self.content_scope(repository), digest.clone());
        self.upstream.manifests.insert(key, raw.clone()).await;
        Ok((raw, digest))
    }
}
