//! Authentication: the ping and its challenge, Basic, bearer token exchange (anonymous,
//! credentialed, refresh-token), and the one retry after a 401.

use lading_shared::api::{BasicCredentials, ErrorKind, ExchangePurpose};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, WWW_AUTHENTICATE,
};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::Session;
use super::challenge::{self, Challenge};
use super::credentials::{Credentials, Secret};
use super::token::{self, MAX_TOKEN_BODY, Token, TokenKey};
use super::transport::read_capped;
use crate::error::{Fetching, ProxyError};

/// An Authorization value and whether it came from the cache (a cached token may be stale).
struct Auth {
    header: Option<HeaderValue>,
    cached: bool,
}

impl Session {
    /// Sends a request with the registry's auth, retrying once after a 401 when a fresh token
    /// could help (stale cached token, changed challenge, or a wider scope asked for).
    pub async fn send(
        &self,
        method: Method,
        url: &Url,
        accept: Option<&str>,
        scopes: &[String],
        purpose: ExchangePurpose,
        note: &str,
    ) -> Result<Response, ProxyError> {
        let headers = request_headers(accept, &None);
        self.send_with(method, url, headers, scopes, purpose, note)
            .await
    }

    /// [`Session::send`] with extra request headers (`Range` for blobs); Authorization is
    /// added here and must not be among them.
    pub async fn send_with(
        &self,
        method: Method,
        url: &Url,
        headers: HeaderMap,
        scopes: &[String],
        purpose: ExchangePurpose,
        note: &str,
    ) -> Result<Response, ProxyError> {
        let challenge = self.challenge().await?;
        let scopes = challenge.token_scopes(scopes);
        let auth = self.authorization(&challenge, &scopes, false).await?;
        let response = self
            .exchange_retrying(
                method.clone(),
                url,
                with_auth(headers.clone(), &auth.header),
                purpose,
                Some(note),
            )
            .await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // gcr.io may leave `WWW-Authenticate` off a 401: the ping's challenge stands.
        let values = response.headers().get_all(WWW_AUTHENTICATE);
        let fresh = challenge::select(values.iter().filter_map(|v| v.to_str().ok()));
        let fresh = fresh.unwrap_or_else(|| challenge.clone());
        let wanted = fresh.token_scopes(&scopes);
        let changed = fresh.stripped() != challenge.stripped();
        let helps = auth.cached || changed || wanted.len() > scopes.len();
        // Basic after Bearer is Harbor's answer to any Authorization header it did not
        // like: answered once with the credentials themselves, never looped.
        let can =
            matches!(fresh, Challenge::Bearer { .. }) || self.credentials.is_some() && changed;
        if !(helps && can) {
            return Ok(response);
        }
        let auth = self.authorization(&fresh, &wanted, true).await?;
        let retry_note = format!("{note} (retried with fresh credentials after 401)");
        let retried = self
            .exchange_retrying(
                method,
                url,
                with_auth(headers, &auth.header),
                purpose,
                Some(&retry_note),
            )
            .await?;
        // The challenge is shared by everyone using this registry: it replaces the cached one
        // only once it has worked, so one odd 401 (an unusable realm, a blob answered by
        // something else) cannot break the registry for everybody for an hour. Harbor's
        // Basic-after-Bearer answers this request's header, not the registry's scheme: it
        // does not replace a Bearer challenge.
        let switch_only = matches!(
            (&fresh, &challenge),
            (Challenge::Basic { .. }, Challenge::Bearer { .. })
        );
        if retried.status() != StatusCode::UNAUTHORIZED && changed && !switch_only {
            let keep = challenge.registry_scope();
            self.upstream
                .challenges
                .insert(self.challenge_key(), fresh.stripped().with_scope(keep))
                .await;
        }
        Ok(retried)
    }

    fn challenge_key(&self) -> String {
        self.base.as_str().to_string()
    }

    /// The registry's challenge, cached per registry: some registries (gcr.io) omit it on
    /// later 401s. Views starting at once share one ping.
    pub async fn challenge(&self) -> Result<Challenge, ProxyError> {
        self.upstream
            .challenges
            .try_get_with(self.challenge_key(), self.ping())
            .await
            .map_err(std::sync::Arc::unwrap_or_clone)
    }

    /// `GET /v2/`: which auth the registry wants.
    async fn ping(&self) -> Result<Challenge, ProxyError> {
        let url = self.url("/v2/");
        let response = self
            .exchange_retrying(
                Method::GET,
                &url,
                HeaderMap::new(),
                ExchangePurpose::Ping,
                Some("ping: which auth does the registry want?"),
            )
            .await?;
        let status = response.status();
        // Only the header decides: Quay's 401 body (`{"error": "Invalid bearer token
        // format"}`) and ECR's (`Not Authorized`, text/plain) are not OCI JSON, and need
        // not be.
        let challenge = if status.is_success() {
            Challenge::Anonymous
        } else if status == StatusCode::UNAUTHORIZED {
            let values = response.headers().get_all(WWW_AUTHENTICATE);
            // A 401 naming no usable challenge still asks for credentials: Basic is what
            // such registries take (and without credentials the resource's own 401 says so).
            challenge::select(values.iter().filter_map(|v| v.to_str().ok()))
                .unwrap_or(Challenge::Basic { realm: None })
        } else {
            return Err(self.upstream_failure(response, Fetching::Ping).await);
        };
        // The ping names no resource, so a scope in its challenge is registry-wide
        // (public.ecr.aws's literal `aws`) and is kept, to be asked for with every token;
        // a repository scope there is a placeholder (GHCR's `repository:user/image:pull`).
        let keep = challenge.registry_scope();
        Ok(challenge.stripped().with_scope(keep))
    }

    async fn authorization(
        &self,
        challenge: &Challenge,
        scopes: &[String],
        fresh: bool,
    ) -> Result<Auth, ProxyError> {
        let none = Auth {
            header: None,
            cached: false,
        };
        match challenge {
            Challenge::Anonymous => Ok(none),
            Challenge::Basic { .. } => Ok(match &self.credentials {
                Some(Credentials::Password { username, password }) => Auth {
                    header: Some(basic(username, password)?),
                    cached: false,
                },
                _ => none,
            }),
            Challenge::Bearer { realm, service, .. } => {
                let realm = self.url("/v2/").join(realm).map_err(|e| {
                    // A registry's text, quoted: it may carry a signed URL.
                    let realm = crate::redact::text(realm);
                    ProxyError::BadUpstream(format!("the token realm {realm:?} is not a URL: {e}"))
                })?;
                let mut sorted = scopes.to_vec();
                sorted.sort();
                let key = TokenKey {
                    realm: realm.to_string(),
                    service: service.clone(),
                    scopes: sorted,
                    identity: self.identity().as_key().to_string(),
                };
                if !fresh {
                    if let Some(token) = self.upstream.tokens.get(&key).await {
                        return Ok(Auth {
                            header: Some(bearer(&token)?),
                            cached: true,
                        });
                    }
                } else {
                    self.upstream.tokens.invalidate(&key).await;
                }
                let token = self.fetch_token(&realm, service.as_deref(), scopes).await?;
                // Checked before it is cached: an unusable token must not be handed out.
                let header = bearer(&token)?;
                self.upstream.tokens.insert(key, token).await;
                Ok(Auth {
                    header: Some(header),
                    cached: false,
                })
            }
        }
    }

    /// Asks the token server for a token: GET with Basic credentials (or none), or the OAuth2
    /// refresh-token POST for identity tokens, falling back to GET when the POST is not
    /// supported (404/405).
    async fn fetch_token(
        &self,
        realm: &Url,
        service: Option<&str>,
        scopes: &[String],
    ) -> Result<Token, ProxyError> {
        let response = match &self.credentials {
            Some(Credentials::IdentityToken { token }) => {
                let response = self
                    .post_refresh_token(realm, service, scopes, token.expose())
                    .await?;
                if matches!(response.status().as_u16(), 404 | 405) {
                    self.get_token(realm, service, scopes, None).await?
                } else {
                    response
                }
            }
            creds => {
                self.get_token(realm, service, scopes, creds.as_ref())
                    .await?
            }
        };
        let status = response.status();
        if !status.is_success() {
            let mut error = self.upstream_failure(response, Fetching::Token).await;
            if let ProxyError::Upstream { message, kind, .. } = &mut error
                && matches!(kind, ErrorKind::Unauthorized | ErrorKind::Denied)
            {
                let registry = &self.registry;
                *message = match self.credentials {
                    Some(_) => format!("the token server for {registry} rejected the credentials"),
                    // Some token servers refuse an anonymous token for a private repository
                    // outright (rather than a token that cannot read it).
                    None => format!(
                        "the token server for {registry} gives no anonymous access to this: \
                         it wants credentials (the repository is private, or does not exist)"
                    ),
                };
            }
            return Err(error);
        }
        let body = read_capped(response, MAX_TOKEN_BODY, "token response").await?;
        token::parse_token_body(&body).ok_or_else(|| {
            ProxyError::BadUpstream(format!(
                "the token server for {} answered without a token (expected JSON with \"token\" or \"access_token\")",
                self.registry
            ))
        })
    }

    async fn get_token(
        &self,
        realm: &Url,
        service: Option<&str>,
        scopes: &[String],
        creds: Option<&Credentials>,
    ) -> Result<Response, ProxyError> {
        let url = token::token_url(realm, service, scopes, creds);
        let mut headers = HeaderMap::new();
        let note = match creds {
            Some(Credentials::Password { username, password }) => {
                headers.insert(AUTHORIZATION, basic(username, password)?);
                "token request with credentials"
            }
            _ => "anonymous token request",
        };
        let purpose = ExchangePurpose::Token;
        self.exchange_retrying(Method::GET, &url, headers, purpose, Some(note))
            .await
    }

    async fn post_refresh_token(
        &self,
        realm: &Url,
        service: Option<&str>,
        scopes: &[String],
        refresh_token: &str,
    ) -> Result<Response, ProxyError> {
        // Built in a block: the serializer is not Send and must not live across the await.
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "refresh_token")
                .append_pair("client_id", "lading")
                .append_pair("refresh_token", refresh_token)
                .append_pair("scope", &scopes.join(" "));
            if let Some(service) = service {
                form.append_pair("service", service);
            }
            form.finish()
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self.exchange_with_body(
            Method::POST,
            realm,
            headers,
            Some(body),
            ExchangePurpose::RefreshToken,
            Some("OAuth2 refresh-token request"),
        )
        .await
    }
}

fn request_headers(accept: Option<&str>, auth: &Option<HeaderValue>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(accept) = accept.and_then(|a| HeaderValue::from_str(a).ok()) {
        headers.insert(ACCEPT, accept);
    }
    if let Some(auth) = auth {
        headers.insert(AUTHORIZATION, auth.clone());
    }
    headers
}

fn with_auth(mut headers: HeaderMap, auth: &Option<HeaderValue>) -> HeaderMap {
    if let Some(auth) = auth {
        headers.insert(AUTHORIZATION, auth.clone());
    }
    headers
}

/// `Basic base64(username:password)`, through the one shared codec.
fn basic(username: &str, password: &Secret) -> Result<HeaderValue, ProxyError> {
    let value = BasicCredentials::new(username, password.expose()).authorization();
    // Base64 is always a valid header value; said as an error rather than assumed.
    sensitive(&value).ok_or_else(|| {
        ProxyError::Internal("the credentials could not be written as a Basic header".into())
    })
}

/// `Bearer TOKEN`. A token server's token with a newline or other control byte is not a
/// header value: an error naming the token server, not an anonymous request and a
/// puzzling 401.
fn bearer(token: &Token) -> Result<HeaderValue, ProxyError> {
    sensitive(&format!("Bearer {}", token.value.expose())).ok_or_else(|| {
        ProxyError::BadUpstream(
            "the token server sent a token that is not a valid header value".into(),
        )
    })
}

/// The value marked sensitive so hyper and `Debug` never print it; `None` when it cannot be
/// a header value at all.
fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Regression: an unusable value became an empty `Authorization`, so the request went
    /// out anonymous and failed with a 401 that blamed the credentials.
    #[test]
    fn an_unusable_token_is_an_error_not_an_anonymous_request() {
        let token = |value: &str| Token {
            value: Secret::new(value.to_string()),
            keep_for: Duration::from_secs(60),
        };
        let good = bearer(&token("abc.def")).unwrap();
        assert!(good.is_sensitive());
        assert_eq!(good.to_str().unwrap(), "Bearer abc.def");
        for bad in ["line\nbreak", "nul\0", "del\x7f"] {
            let error = bearer(&token(bad)).unwrap_err();
            assert_eq!(
                error.kind(),
                lading_shared::api::ErrorKind::BadUpstream,
                "{bad:?}"
            );
            assert!(error.to_string().contains("not a valid header value"));
        }
        let basic = basic("u", &Secret::new("p:w".into())).unwrap();
        assert_eq!(basic.to_str().unwrap(), "Basic dTpwOnc=");
        assert!(basic.is_sensitive());
    }
}
