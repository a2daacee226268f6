//! Who is asking and may they: Basic credentials, issued tokens, challenges, and the token
//! endpoint every Bearer vendor serves at its realm.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;

use super::routes::{Need, reply};
use super::{Auth, BearerRules, CatalogRules, Engine, Fault, Reply, ScopeParam, TokenShape};

/// Tokens without an `expires_in` still stop working at some point.
const DEFAULT_TOKEN_LIFETIME: u64 = 3600;
/// Scopes read from one token request; more is hostile.
const MAX_SCOPES: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    Anonymous,
    User(String),
}

/// What a token allows.
#[derive(Clone, Debug)]
pub struct Grant {
    pub identity: Identity,
    pub repos: Vec<String>,
    /// Every repository its holder may read (public.ecr.aws).
    pub all: bool,
    pub catalog: bool,
    pub expires: Instant,
}

/// Tokens issued so far.
#[derive(Clone, Default)]
pub struct Tokens(Arc<Mutex<HashMap<String, Grant>>>);

impl Tokens {
    pub fn insert(&self, token: String, grant: Grant) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token, grant);
    }

    /// The grant of a token that has not expired.
    pub fn get(&self, token: &str) -> Option<Grant> {
        let tokens = self.0.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .get(token)
            .filter(|g| g.expires > Instant::now())
            .cloned()
    }
}

/// `prefix` + 32 random bytes, base64url.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .expect("system randomness");
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// `(scheme lowercased, rest)` of the `Authorization` header.
fn authorization(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    Some((scheme.to_ascii_lowercase(), rest.trim().to_owned()))
}

/// Basic credentials were sent but are wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongCredentials;

/// The user of valid Basic credentials; `Err` when Basic was sent but is wrong.
pub fn basic_identity(
    engine: &Engine,
    headers: &HeaderMap,
) -> Result<Option<String>, WrongCredentials> {
    let Some((scheme, rest)) = authorization(headers) else {
        return Ok(None);
    };
    if scheme != "basic" {
        return Ok(None);
    }
    let decoded = STANDARD.decode(rest).map_err(|_| WrongCredentials)?;
    let text = String::from_utf8(decoded).map_err(|_| WrongCredentials)?;
    let (user, password) = text.split_once(':').ok_or(WrongCredentials)?;
    // containers/image answers a Basic challenge with empty credentials when it has none:
    // that is an anonymous request, as the services treat it.
    if user.is_empty() && password.is_empty() {
        return Ok(None);
    }
    if engine.check_password(user, password) {
        Ok(Some(user.to_owned()))
    } else {
        Err(WrongCredentials)
    }
}

impl Engine {
    /// Whether `identity` may read `repo` (missing repositories count as public).
    pub fn may_read(&self, identity: &Identity, repo: &str) -> bool {
        matches!(identity, Identity::User(_)) || !self.store.is_private(repo)
    }

    /// Issues a token for `identity` with `grant`'s rights and the profile's lifetime.
    pub fn issue(&self, rules: &BearerRules, mut grant: Grant) -> String {
        let lifetime = match rules.token_shape {
            TokenShape::TokenWithExpiry(s) | TokenShape::Both(s) => s,
            _ => DEFAULT_TOKEN_LIFETIME,
        };
        grant.expires = Instant::now() + Duration::from_secs(lifetime);
        let token = random_token(rules.token_prefix);
        self.tokens.insert(token.clone(), grant);
        token
    }

    /// The grant for `scopes` (`repository:NAME:pull`, `registry:catalog:*`, …).
    pub fn grant_for(&self, rules: &BearerRules, identity: Identity, scopes: &[String]) -> Grant {
        let mut repos = Vec::new();
        let mut catalog = false;
        for scope in scopes.iter().take(MAX_SCOPES) {
            let mut parts = scope.split(':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("repository"), Some(name), Some(actions))
                    if actions.split(',').any(|a| a == "pull" || a == "*")
                        && self.may_read(&identity, name)
                        && (self.profile.grant_missing
                            || self.store.repositories().iter().any(|r| r == name)) =>
                {
                    repos.push(name.to_owned());
                }
                (Some("registry"), Some("catalog"), Some(_)) => {
                    catalog = matches!(self.profile.catalog, CatalogRules::Offered { .. })
                        && matches!(identity, Identity::User(_));
                }
                _ => {}
            }
        }
        Grant {
            identity,
            repos,
            all: rules.grant_all,
            catalog,
            expires: Instant::now(),
        }
    }

    /// The token JSON of `rules`' shape.
    pub fn token_body(&self, rules: &BearerRules, token: &str) -> serde_json::Value {
        let issued_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        match rules.token_shape {
            TokenShape::TokenOnly => json!({ "token": token }),
            TokenShape::AccessTokenOnly => json!({ "access_token": token }),
            TokenShape::TokenWithExpiry(s) => {
                json!({ "token": token, "expires_in": s, "issued_at": issued_at })
            }
            TokenShape::Both(s) => json!({
                "token": token, "access_token": token, "expires_in": s, "issued_at": issued_at
            }),
        }
    }

    /// Who the request is from, or the answer refusing it (a fake's refusal is a whole
    /// response; its size does not matter here).
    #[allow(clippy::result_large_err)]
    pub fn authorize(&self, headers: &HeaderMap, need: &Need) -> Result<Identity, Response> {
        let profile = &self.profile;
        match &profile.auth {
            Auth::None => Ok(Identity::Anonymous),
            Auth::Basic {
                challenge,
                anonymous_public,
            } => match basic_identity(self, headers) {
                Ok(Some(user)) => Ok(Identity::User(user)),
                Ok(None) if *anonymous_public && self.public_need(need) => Ok(Identity::Anonymous),
                _ => Err(self.refuse(
                    need,
                    Fault::Unauthorized {
                        ping: need.is_ping(),
                    },
                    challenge,
                )),
            },
            Auth::Bearer(rules) => self.bearer(headers, need, rules, None),
            Auth::Harbor {
                bearer,
                basic_challenge,
            } => {
                let sent = headers.contains_key(header::AUTHORIZATION);
                match basic_identity(self, headers) {
                    Ok(Some(user)) => return Ok(Identity::User(user)),
                    Err(_) => {
                        let fault = Fault::Unauthorized {
                            ping: need.is_ping(),
                        };
                        return Err(self.refuse(need, fault, basic_challenge));
                    }
                    Ok(None) => {}
                }
                if matches!(need, Need::Catalog) {
                    let fault = Fault::Unauthorized { ping: false };
                    return Err(self.refuse(need, fault, basic_challenge));
                }
                let fallback = sent.then_some(basic_challenge.as_str());
                self.bearer(headers, need, bearer, fallback)
            }
        }
    }

    fn public_need(&self, need: &Need) -> bool {
        match need {
            // The ping challenges even when anonymous reads are on: that 401 is how a
            // client (docker, skopeo) learns to send Basic at all, so a private repository
            // is readable with credentials on a registry that also serves public ones.
            Need::Ping => false,
            Need::Pull(repo) => !self.store.is_private(repo),
            Need::Catalog => false,
        }
    }

    /// Bearer checks; `sent_challenge` replaces the Bearer challenge on a 401 to a request
    /// that carried an `Authorization` header (Harbor).
    #[allow(clippy::result_large_err)]
    fn bearer(
        &self,
        headers: &HeaderMap,
        need: &Need,
        rules: &BearerRules,
        sent_challenge: Option<&str>,
    ) -> Result<Identity, Response> {
        let challenge = |error: bool| {
            sent_challenge
                .map(String::from)
                .unwrap_or_else(|| bearer_challenge(rules, need, error))
        };
        let grant = match authorization(headers) {
            Some((scheme, token)) if scheme == "bearer" => self.tokens.get(&token),
            _ => None,
        };
        let Some(grant) = grant else {
            let fault = Fault::Unauthorized {
                ping: need.is_ping(),
            };
            return Err(self.refuse(need, fault, &challenge(false)));
        };
        let allowed = match need {
            Need::Ping => true,
            Need::Catalog => grant.catalog,
            Need::Pull(repo) => {
                (grant.all || grant.repos.iter().any(|r| r == repo))
                    && self.may_read(&grant.identity, repo)
            }
        };
        if allowed {
            return Ok(grant.identity);
        }
        let fault = match need {
            Need::Pull(repo) => Fault::Denied { repo },
            _ => Fault::NoCatalog,
        };
        Err(self.refuse(need, fault, &challenge(true)))
    }

    /// The vendor's answer for `fault`, with `challenge` when it is a 401 that carries one.
    pub fn refuse(&self, need: &Need, fault: Fault<'_>, challenge: &str) -> Response {
        let answer = match (&fault, &self.profile.ping_401) {
            (Fault::Unauthorized { ping: true }, Some(body)) => body.clone(),
            _ => (self.profile.errors)(&fault),
        };
        let mut response = reply(&self.profile, answer);
        let with_challenge = need.is_ping() || self.profile.challenge_after_ping;
        if response.status() == StatusCode::UNAUTHORIZED
            && with_challenge
            && let Ok(value) = HeaderValue::from_str(challenge)
        {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// `Bearer realm="…"<params>[,scope="…"][,error="insufficient_scope"]`.
pub fn bearer_challenge(rules: &BearerRules, need: &Need, error: bool) -> String {
    let mut challenge = format!("Bearer realm=\"{}\"{}", rules.realm, rules.params);
    let scope = match (&rules.scope, need) {
        (ScopeParam::None, _) => None,
        (ScopeParam::Fixed(s), _) => Some(s.clone()),
        (ScopeParam::Requested, Need::Ping) => rules.ping_scope.clone(),
        (ScopeParam::Requested, Need::Pull(repo)) => Some(format!("repository:{repo}:pull")),
        (ScopeParam::Requested, Need::Catalog) => Some("registry:catalog:*".to_owned()),
    };
    if let Some(scope) = scope {
        challenge.push_str(&format!(",scope=\"{scope}\""));
    }
    if error {
        challenge.push_str(",error=\"insufficient_scope\"");
    }
    challenge
}

/// The Bearer rules of a profile (Bearer or Harbor), if any.
pub fn bearer_rules(engine: &Engine) -> Option<&BearerRules> {
    match &engine.profile.auth {
        Auth::Bearer(rules) | Auth::Harbor { bearer: rules, .. } => Some(rules),
        _ => None,
    }
}

/// `GET <realm path>?service=…&scope=…` → a token, as the vendor shapes it.
pub fn token_router(engine: Engine) -> Router {
    let Some(rules) = bearer_rules(&engine) else {
        return Router::new();
    };
    let path = url::Url::parse(&rules.realm)
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| "/token".to_owned());
    Router::new().route(&path, get(token)).with_state(engine)
}

async fn token(
    State(engine): State<Engine>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(rules) = bearer_rules(&engine).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let service = pairs
        .iter()
        .find(|(k, _)| k == "service")
        .map(|(_, v)| v.as_str());
    if let Some(expected) = &rules.service
        && service != Some(expected.as_str())
    {
        let body = Reply::errors(
            StatusCode::BAD_REQUEST,
            "DENIED",
            &format!(
                "invalid service {:?}: this token service is {expected:?}",
                service.unwrap_or("")
            ),
            None,
        );
        return reply(&engine.profile, body);
    }
    let identity = match basic_identity(&engine, &headers) {
        Ok(Some(user)) => Identity::User(user),
        Ok(None) => Identity::Anonymous,
        Err(_) => {
            let body = Reply::errors(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "authentication required",
                None,
            );
            return reply(&engine.profile, body);
        }
    };
    let scopes: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "scope")
        .flat_map(|(_, v)| v.split(' ').map(String::from).collect::<Vec<_>>())
        .collect();
    let grant = engine.grant_for(&rules, identity, &scopes);
    let token = engine.issue(&rules, grant);
    let body = engine.token_body(&rules, &token);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
