//! Manifests: HEAD for the digest, cached bytes when the digest is known, else GET.
//!
//! Docker Hub counts manifest GETs against the anonymous pull limit but not HEADs, so a tag
//! is resolved with HEAD and its bytes served from cache when the same identity has read that
//! digest from the same repository before (the cache is keyed by `access::ContentScope`). The
//! HEAD, made with this request's credentials, also proves this person may read the
//! repository now, before cached bytes are handed out.

use std::sync::Arc;

use lading_shared::Digest;
use lading_shared::manifest::{MAX_MANIFEST_BYTES, manifest_digest};
use lading_shared::media_type::MANIFEST_ACCEPT;
use reqwest::{Method, StatusCode};

use super::transport::{header_string, read_capped, retry_after};
use super::{RawManifest, Session};
use crate::error::{Fetching, ProxyError};

const DOCKER_CONTENT_DIGEST: &str = "docker-content-digest";

impl Session {
    /// Fetches a manifest by tag or digest. Returns the bytes as received and the digest
    /// computed over them; a digest request whose bytes do not match is an integrity error.
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
        let raw = Arc::new(RawManifest {
            bytes,
            content_type,
            header_digest,
        });
        let key = (self.content_scope(repository), digest.clone());
        self.upstream.manifests.insert(key, raw.clone()).await;
        Ok((raw, digest))
    }
}
