//! Docker Hub's web API (`hub.docker.com`): what a browser cannot call itself (it sends no
//! CORS headers). Namespace listings and tag metadata, signed in or not.
//!
//! The Hub API and the registry are separate sign-ins with separate tokens: the Hub gets
//! only the Hub JWT from [`sign_in`] (from [`HUB_CREDENTIALS_HEADER`]), never the registry's
//! credentials or tokens, and the registry never sees the Hub's. Pages are walked by asking
//! for `page=N+1` while the answer names a `next`; the `next` URL itself is not followed, so
//! an answer cannot send Lading (or the JWT) elsewhere.

pub mod namespace;
pub mod sign_in;
pub mod tags;
pub mod types;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use bytes::Bytes;
use lading_shared::api::{BasicCredentials, ErrorKind, ExchangePurpose, HUB_CREDENTIALS_HEADER};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::error::{Failure, ProxyError};
use crate::registry::transport::{read_capped, retry_after};
use crate::registry::{Session, Upstream};
use crate::trace::Trace;

/// The web API's host.
pub const HUB_API_HOST: &str = "hub.docker.com";
/// Asked for per page: the API's maximum (it silently caps larger values).
pub const HUB_PAGE_SIZE: u32 = 100;
/// One page's body (100 entries of a few KiB at most).
pub const MAX_HUB_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The browser's Docker Hub sign-in, if it sent one.
pub struct HubCredentials(pub Option<BasicCredentials>);

impl<S: Send + Sync> FromRequestParts<S> for HubCredentials {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(HUB_CREDENTIALS_HEADER) else {
            return Ok(HubCredentials(None));
        };
        let problem = |detail: String| {
            Failure::from(ProxyError::BadRequest(format!(
                "the Docker Hub credentials header ({HUB_CREDENTIALS_HEADER}) is not \
                 base64(identifier:secret){detail}"
            )))
        };
        let text = value.to_str().map_err(|_| problem(String::new()))?;
        BasicCredentials::decode(text)
            .map(|c| HubCredentials(Some(c)))
            .map_err(|e| problem(format!(": {e}")))
    }
}

/// A conversation with the Hub API, recorded in the view's trace.
pub struct Hub {
    session: Session,
    jwt: Option<HeaderValue>,
    /// Whether a Hub sign-in was used (for messages).
    pub signed_in: bool,
}

/// One page as the Hub answered it.
pub enum HubPage {
    Body(Bytes),
    /// 404: Docker Hub's answer for a page past the end, and for an unknown name.
    NotFound,
}

impl Hub {
    /// Opens the Hub conversation, signing in first when `credentials` are given.
    pub async fn open(
        upstream: &Arc<Upstream>,
        trace: &Trace,
        credentials: Option<&BasicCredentials>,
    ) -> Result<Hub, ProxyError> {
        let mut session = Session::open(
            upstream.clone(),
            "Docker Hub's web API",
            HUB_API_HOST,
            None,
            trace.clone(),
        )
        .await?;
        // Never the registry's credentials (a Docker config's docker.io entry included).
        session.credentials = None;
        let jwt = match credentials {
            Some(credentials) => Some(sign_in::jwt(&session, credentials).await?),
            None => None,
        };
        Ok(Hub {
            session,
            signed_in: jwt.is_some(),
            jwt,
        })
    }

    /// `https://hub.docker.com` + `path` with `query`.
    pub fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.session.url(path);
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        url
    }

    /// GETs one page: its body, [`HubPage::NotFound`], or the Hub's refusal as an error.
    pub async fn get_page(&self, url: &Url, note: &str) -> Result<HubPage, ProxyError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(jwt) = &self.jwt {
            headers.insert(AUTHORIZATION, jwt.clone());
        }
        let response = self
            .session
            .exchange(
                Method::GET,
                url,
                headers,
                ExchangePurpose::HubApi,
                Some(note),
            )
            .await?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(HubPage::NotFound);
        }
        if !status.is_success() {
            let headers = response.headers().clone();
            let body = self.session.error_body(response).await;
            return Err(failure(status, &headers, &body, self.signed_in));
        }
        let body = read_capped(response, MAX_HUB_PAGE_BYTES, "Docker Hub API page").await?;
        Ok(HubPage::Body(body))
    }
}

/// What a Hub API refusal means, told for a person: who refused, and when to try again.
pub fn failure(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    signed_in: bool,
) -> ProxyError {
    let retry = retry_after(headers).or_else(|| seconds_until_reset(headers));
    let said = hub_message(body);
    let (kind, message) = match status.as_u16() {
        429 => (ErrorKind::TooManyRequests, too_many(headers, retry)),
        401 if signed_in => (
            ErrorKind::Unauthorized,
            "Docker Hub's web API rejected the Hub sign-in's token; sign in to Docker Hub again"
                .to_string(),
        ),
        401 => (
            ErrorKind::Unauthorized,
            "Docker Hub's web API wants a Docker Hub sign-in for this".to_string(),
        ),
        403 => (
            ErrorKind::Denied,
            "Docker Hub's web API denied access (a private namespace or repository needs a \
             Docker Hub sign-in that may see it)"
                .to_string(),
        ),
        code => (
            ErrorKind::Upstream,
            format!("Docker Hub's web API failed with HTTP {code}"),
        ),
    };
    let message = match said {
        Some(said) => format!("{message} (it said: {said})"),
        None => message,
    };
    ProxyError::Upstream {
        kind,
        message,
        registry: "docker.io".into(),
        errors: Vec::new(),
        retry_after: retry,
        suggestions: Vec::new(),
    }
}

/// The Hub's own limit is on its web API, per address (or account): not the pull limit.
fn too_many(headers: &HeaderMap, retry: Option<u64>) -> String {
    let number =
        |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
    let mut message = "Docker Hub's web API is rate limiting these requests (its own limit, \
                       not the pull rate limit)"
        .to_string();
    if let Some(limit) = number("x-ratelimit-limit") {
        message.push_str(&format!("; limit {limit} requests"));
    }
    match retry {
        Some(seconds) => message.push_str(&format!("; try again in {seconds} s")),
        None => message.push_str("; try again in a minute"),
    }
    message.push_str("; signing in to Docker Hub raises the limit");
    message
}

/// `X-RateLimit-Reset` (unix seconds) as seconds from now.
fn seconds_until_reset(headers: &HeaderMap) -> Option<u64> {
    let reset: u64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(reset.saturating_sub(now).max(1))
}

/// The Hub's `{"message": …}` or `{"detail": …}`, short and redacted.
fn hub_message(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Said {
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        detail: Option<String>,
    }
    let said: Said = serde_json::from_slice(body).ok()?;
    let text = said.message.or(said.detail)?;
    let text: String = text.chars().take(200).collect();
    (!text.trim().is_empty()).then(|| crate::redact::text(&text))
}

#[cfg(test)]
mod tests;
