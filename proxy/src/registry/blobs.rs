//! Blobs: GET through the registry, then by hand through its redirects to a CDN, checking
//! every hop and never sending the registry's Authorization to another host.

use bytes::Bytes;
use lading_shared::Digest;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, Response};
use url::Url;

use super::Session;
use super::transport::read_capped;
use crate::error::{Fetching, ProxyError};

/// Registries redirect once (to a CDN), sometimes twice; more is a loop or an attack.
pub const MAX_REDIRECTS: usize = 5;

impl Session {
    /// Starts a blob download and follows redirects; the answer is a 2xx response.
    pub async fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Response, ProxyError> {
        let scopes = [Session::pull_scope(repository)];
        let mut url = self.url(&format!("/v2/{repository}/blobs/{digest}"));
        let mut response = self
            .send(Method::GET, &url, None, &scopes, "GET the blob")
            .await?;
        for hop in 1..=MAX_REDIRECTS + 1 {
            if !response.status().is_redirection() {
                break;
            }
            if hop > MAX_REDIRECTS {
                return Err(ProxyError::BadUpstream(format!(
                    "{} redirected more than {MAX_REDIRECTS} times for blob {digest}",
                    self.registry
                )));
            }
            let next = redirect_target(&url, response.headers())?;
            response = if same_origin(&next, &self.base) {
                self.send(
                    Method::GET,
                    &next,
                    None,
                    &scopes,
                    "follow redirect (same registry)",
                )
                .await?
            } else {
                let note = "follow redirect to another host (no Authorization sent)";
                self.exchange(Method::GET, &next, HeaderMap::new(), Some(note))
                    .await?
            };
            url = next;
        }
        let status = response.status();
        if !status.is_success() {
            return Err(self.upstream_failure(response, Fetching::Blob).await);
        }
        Ok(response)
    }

    /// Downloads a small blob (a config) whole, up to `limit` bytes, and checks its digest.
    pub async fn fetch_blob(
        &self,
        repository: &str,
        digest: &Digest,
        limit: usize,
        what: &str,
    ) -> Result<Bytes, ProxyError> {
        let response = self.get_blob(repository, digest).await?;
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

/// The next hop: `Location` resolved against the current URL; https→http is refused.
fn redirect_target(current: &Url, headers: &HeaderMap) -> Result<Url, ProxyError> {
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ProxyError::BadUpstream("a redirect without a Location header".into()))?;
    let next = current.join(location).map_err(|e| {
        ProxyError::BadUpstream(format!("redirect to an invalid URL {location:?}: {e}"))
    })?;
    if current.scheme() == "https" && next.scheme() != "https" {
        return Err(ProxyError::BadUpstream(format!(
            "refused a redirect from https to {}: {}",
            next.scheme(),
            crate::trace::redact_url(&next)
        )));
    }
    Ok(next)
}

pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}
