//! Blobs: GET through the registry, then by hand through its redirects to a CDN, checking
//! every hop and never sending the registry's Authorization to another host. Foreign
//! (non-distributable) layers come from their descriptor's `urls` the same way, never with
//! Authorization at all.

use std::sync::Arc;

use bytes::Bytes;
use lading_shared::{Descriptor, Digest};
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use lading_shared::api::{CachedKind, ExchangePurpose};

use super::Session;
use super::transport::{read_capped, same_url_origin};
use crate::error::{Fetching, ProxyError};
use crate::redact;

/// Registries redirect once (to a CDN), sometimes twice; more is a loop or an attack.
pub const MAX_REDIRECTS: usize = 5;
/// A foreign layer lists a few mirrors at most; more are not tried.
pub const MAX_FOREIGN_URLS: usize = 4;

impl Session {
    /// Starts a blob download and follows redirects; the answer is a 2xx response.
    pub async fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
        purpose: ExchangePurpose,
    ) -> Result<Response, ProxyError> {
        let response = self
            .request_blob(repository, digest, HeaderMap::new(), purpose)
            .await?;
        self.expect_blob(response).await
    }

    /// GETs a blob from the registry with `headers` (a `Range`) on every hop and follows
    /// redirects; the final answer is returned whatever its status.
    pub(super) async fn request_blob(
        &self,
        repository: &str,
        digest: &Digest,
        headers: HeaderMap,
        purpose: ExchangePurpose,
    ) -> Result<Response, ProxyError> {
        let scopes = [Session::pull_scope(repository)];
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"));
        let note = "GET the blob";
        let response = self
            .send_with(Method::GET, &url, headers.clone(), &scopes, purpose, note)
            .await?;
        let response = self
            .follow_redirects(response, url, &headers, Some(&scopes), digest)
            .await?;
        self.settle_access(repository, response.status());
        Ok(response)
    }

    /// GETs a foreign layer from the first of its `urls` that answers, with no
    /// Authorization (the registry's credentials are not the URL owner's business).
    pub(super) async fn request_foreign(
        &self,
        descriptor: &Descriptor,
        headers: HeaderMap,
    ) -> Result<Response, ProxyError> {
        let urls = descriptor.urls.as_deref().unwrap_or_default();
        let mut last = ProxyError::BadUpstream(format!(
            "foreign layer {} lists no URL to fetch it from",
            descriptor.digest
        ));
        for text in urls.iter().take(MAX_FOREIGN_URLS) {
            let url = match Url::parse(text) {
                Ok(url) => url,
                Err(e) => {
                    let shown = redact::text(text);
                    last = ProxyError::BadUpstream(format!("foreign layer URL {shown:?}: {e}"));
                    continue;
                }
            };
            let note = "GET a foreign layer from its descriptor's urls (no Authorization sent)";
            let answer = match self
                .exchange(
                    Method::GET,
                    &url,
                    headers.clone(),
                    ExchangePurpose::ForeignLayer,
                    Some(note),
                )
                .await
            {
                Ok(response) => {
                    self.follow_redirects(response, url, &headers, None, &descriptor.digest)
                        .await
                }
                Err(error) => Err(error),
            };
            match answer {
                Ok(response) if is_answer(response.status()) => return Ok(response),
                Ok(response) => last = self.upstream_failure(response, Fetching::Blob).await,
                Err(error) => last = error,
            }
        }
        Err(last)
    }

    /// Follows up to [`MAX_REDIRECTS`] hops. With `scopes`, hops back to the registry carry
    /// its auth; hops elsewhere never do.
    async fn follow_redirects(
        &self,
        mut response: Response,
        mut url: Url,
        headers: &HeaderMap,
        scopes: Option<&[String]>,
        digest: &Digest,
    ) -> Result<Response, ProxyError> {
        for hop in 1..=MAX_REDIRECTS + 1 {
            if !response.status().is_redirection() {
                break;
            }
            if hop > MAX_REDIRECTS {
                return Err(ProxyError::TooMany {
                    what: format!("redirects from {} for blob {digest}", self.registry),
                    limit: MAX_REDIRECTS as u64,
                });
            }
            let next = redirect_target(&url, response.headers())?;
            response = match scopes {
                Some(scopes) if same_url_origin(&next, &self.base) => {
                    let note = "follow redirect (same registry)";
                    let purpose = ExchangePurpose::Redirect;
                    self.send_with(Method::GET, &next, headers.clone(), scopes, purpose, note)
                        .await?
                }
                _ => {
                    let note = "follow redirect to another host (no Authorization sent)";
                    let purpose = ExchangePurpose::Redirect;
                    self.exchange(Method::GET, &next, headers.clone(), purpose, Some(note))
                        .await?
                }
            };
            url = next;
        }
        Ok(response)
    }

    /// A 2xx answer, or the registry's failure typed.
    async fn expect_blob(&self, response: Response) -> Result<Response, ProxyError> {
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(self.upstream_failure(response, Fetching::Blob).await)
        }
    }

    /// Downloads a small blob (a config) whole, up to `limit` bytes, and checks its digest.
    pub async fn fetch_blob(
        &self,
        repository: &str,
        digest: &Digest,
        limit: usize,
        what: &str,
    ) -> Result<Bytes, ProxyError> {
        let response = self
            .get_blob(repository, digest, ExchangePurpose::Config)
            .await?;
        let bytes = read_capped(response, limit, what).await?;
        let actual = digest.compute_like(&bytes);
        if actual != *digest {
            return Err(ProxyError::Integrity {
                what: what.to_string(),
                expected: digest.to_string(),
                actual: actual.to_string(),
            });
        }
        Ok(bytes)
    }
}

impl Session {
    /// A config blob: from Lading's cache while access to `repository` is proven (concurrent
    /// viewers sharing one read), else fetched, which proves access, and kept.
    pub async fn fetch_config_blob(
        &self,
        repository: &str,
        digest: &Digest,
        limit: usize,
    ) -> Result<Bytes, ProxyError> {
        let key = (self.content_scope(repository), digest.clone());
        let configs = &self.upstream.content.configs;
        let what = "the config blob";
        if !self.access_proven(repository) {
            let bytes = self.fetch_blob(repository, digest, limit, what).await?;
            configs.insert(key, bytes.clone()).await;
            return Ok(bytes);
        }
        let entry = configs
            .entry(key)
            .or_try_insert_with(self.fetch_blob(repository, digest, limit, what))
            .await
            .map_err(Arc::unwrap_or_clone)?;
        if !entry.is_fresh() {
            self.trace.note_from_cache(CachedKind::Config, digest);
        }
        Ok(entry.into_value())
    }
}

/// A final answer for a blob request: success, or 416 (the caller explains a bad range).
pub(super) fn is_answer(status: StatusCode) -> bool {
    status.is_success() || status == StatusCode::RANGE_NOT_SATISFIABLE
}

/// The next hop: `Location` resolved against the current URL; https→http is refused.
/// Error texts quote the target redacted: a CDN's `Location` is a signed URL.
fn redirect_target(current: &Url, headers: &HeaderMap) -> Result<Url, ProxyError> {
    let location = headers
        .get(LOCATION)
        .ok_or_else(|| ProxyError::BadUpstream("a redirect without a Location header".into()))?;
    // UTF-8, not only visible ASCII: CDNs send raw UTF-8 paths, which the URL parser encodes.
    let location = std::str::from_utf8(location.as_bytes()).map_err(|_| {
        ProxyError::BadUpstream("a redirect whose Location header is not UTF-8 text".into())
    })?;
    let next = current.join(location).map_err(|e| {
        let shown = redact::text(location);
        ProxyError::BadUpstream(format!("redirect to an invalid URL {shown:?}: {e}"))
    })?;
    if current.scheme() == "https" && next.scheme() != "https" {
        return Err(ProxyError::BadUpstream(format!(
            "refused a redirect from https to {}: {}",
            next.scheme(),
            redact::url(&next)
        )));
    }
    Ok(next)
}
