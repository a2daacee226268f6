//! Docker Hub sign-in: `POST /v2/auth/token {"identifier","secret"}` → `{"access_token"}`, a
//! JWT for the web API (ten minutes). Cached per credentials, keyed as registry tokens are
//! (a salted fingerprint, so the cache holds nothing that reveals them), for less than the
//! JWT lives.
//!
//! Neither the secret nor the JWT reaches the trace: the trace records headers, not bodies
//! (the secret is in the body), and `Authorization` is redacted like every credential header.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use lading_shared::api::{BasicCredentials, ErrorKind, ExchangePurpose};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};

use super::types::SignedIn;
use crate::error::ProxyError;
use crate::registry::Session;
use crate::registry::credentials::{Credentials, Secret};
use crate::registry::transport::read_capped;

/// Kept this long: the JWT lives ten minutes, and must not expire in flight.
pub const HUB_JWT_TTL: Duration = Duration::from_secs(9 * 60);
/// Distinct sign-ins cached.
pub const MAX_CACHED_HUB_JWTS: u64 = 10_000;
/// The sign-in answer is one small JSON object.
pub const MAX_SIGN_IN_BODY: usize = 64 * 1024;

/// Process-wide, like the registry token cache, keyed by salted fingerprint.
static JWTS: LazyLock<moka::future::Cache<String, Arc<Secret>>> = LazyLock::new(|| {
    moka::future::Cache::builder()
        .max_capacity(MAX_CACHED_HUB_JWTS)
        .time_to_live(HUB_JWT_TTL)
        .build()
});

/// `Bearer JWT` for `credentials`, from the cache or a fresh sign-in.
pub async fn jwt(
    session: &Session,
    credentials: &BasicCredentials,
) -> Result<HeaderValue, ProxyError> {
    let key = fingerprint(session, credentials);
    let token = match JWTS.get(&key).await {
        Some(token) => token,
        None => {
            let token = Arc::new(sign_in(session, credentials).await?);
            JWTS.insert(key, token.clone()).await;
            token
        }
    };
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        ProxyError::BadUpstream(
            "Docker Hub's sign-in sent a token that is not a valid header value".into(),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The cache key: the registry token cache's fingerprint, marked as the Hub's.
fn fingerprint(session: &Session, credentials: &BasicCredentials) -> String {
    let as_credentials = Credentials::Password {
        username: credentials.username.clone(),
        password: Secret::new(credentials.password.clone()),
    };
    format!("hub:{}", as_credentials.fingerprint(&session.upstream.salt))
}

async fn sign_in(session: &Session, credentials: &BasicCredentials) -> Result<Secret, ProxyError> {
    let url = session.url("/v2/auth/token");
    let body = serde_json::json!({
        "identifier": credentials.username,
        "secret": credentials.password,
    })
    .to_string();
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let note = format!("Docker Hub sign-in as {}", credentials.username);
    let response = session
        .exchange_with_body(
            Method::POST,
            &url,
            headers,
            Some(body),
            ExchangePurpose::HubSignIn,
            Some(&note),
        )
        .await?;
    let status = response.status();
    if matches!(status.as_u16(), 400 | 401 | 403) {
        session.error_body(response).await;
        return Err(ProxyError::Upstream {
            kind: ErrorKind::Unauthorized,
            message: format!(
                "Docker Hub rejected the sign-in as {:?}: check the user name and the password \
                 or personal access token (this is the Docker Hub sign-in, not the registry's)",
                credentials.username
            ),
            registry: "docker.io".into(),
            errors: Vec::new(),
            retry_after: None,
            suggestions: Vec::new(),
        });
    }
    if !status.is_success() {
        let headers = response.headers().clone();
        let body = session.error_body(response).await;
        return Err(super::failure(status, &headers, &body, false));
    }
    let body = read_capped(response, MAX_SIGN_IN_BODY, "Docker Hub sign-in answer").await?;
    let signed: SignedIn = serde_json::from_slice(&body).map_err(|_| {
        ProxyError::BadUpstream("Docker Hub's sign-in answer is not the expected JSON".into())
    })?;
    signed
        .access_token
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .ok_or_else(|| {
            ProxyError::BadUpstream("Docker Hub's sign-in answered without an access_token".into())
        })
}
