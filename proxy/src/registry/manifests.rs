//! Manifests: HEAD for the digest, cached bytes when the digest is known, else GET.
//!
//! Docker Hub counts manifest GETs against the anonymous pull limit but not HEADs, so a tag
//! is resolved with HEAD and its bytes served from cache when the same identity has read that
//! digest from the same repository before (the cache is keyed by `access::ContentScope`). The
//! HEAD, made with this request's credentials, also proves this person may read the
//! repository now, before cached bytes are handed out.

use std::sync::Arc;

use bytes::Bytes;
use lading_shared::api::ExchangePurpose;
use lading_shared::manifest::{MAX_MANIFEST_BYTES, manifest_digest};
use lading_shared::media_type::MANIFEST_ACCEPT;
use lading_shared::{Digest, Manifest, MediaType};
use reqwest::{Method, StatusCode};

use super::Session;
use super::transport::{header_string, read_capped, retry_after};
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
        if status.is_success() {
            // A digest asked for is the key, whatever the header claims: cached bytes were
            // hashed to their key, so `repo@B` can never be answered with manifest A. Only a
            // tag takes the registry's word for its digest.
            let digest = requested.clone().or_else(|| {
                header_string(head.headers(), DOCKER_CONTENT_DIGEST)
                    .and_then(|d| Digest::parse(&d).ok())
            });
            if let Some(digest) = digest {
                // This request's own HEAD just succeeded: it may read the repository.
                let key = (self.content_scope(repository), digest.clone());
                if let Some(cached) = self.upstream.manifests.get(&key).await {
                    return Ok((cached, digest));
                }
            }
        } else if status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_IMPLEMENTED
        {
            // HEAD carries no error body; the status alone decides.
            let retry = retry_after(head.headers());
            return Err(ProxyError::from_upstream(
                status.as_u16(),
                retry,
                b"",
                &self.registry,
                Fetching::Manifest,
            ));
        }

        let response = self
            .send(
                Method::GET,
                &url,
                Some(&accept),
                &scopes,
                ExchangePurpose::ManifestGet,
                "GET the manifest",
            )
            .await?;
        let status = response.status();
        if !status.is_success() {
            return Err(self.upstream_failure(response, Fetching::Manifest).await);
        }
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
