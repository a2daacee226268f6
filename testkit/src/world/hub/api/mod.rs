//! `hub.docker.com`'s web API: namespace repositories, tags with per-platform metadata,
//! search, sign-in. Django-style pages (`count/next/previous/results`, `page_size` silently
//! capped at 100, 404 past the end), `X-RateLimit-*` on every answer and 429 with
//! `Retry-After` when spent, and never a CORS header — a browser cannot call it.

// Refusals are ready answers carried back to the handler, one per request: boxing them
// would buy nothing.
#![allow(clippy::result_large_err)]

mod limit;
mod page;
mod repositories;
mod sign_in;
mod tags;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub use limit::{API_LIMIT, API_WINDOW_SECS, ApiLimits};

use super::meta::{HubRepo, HubTag};

/// How long a Hub JWT from `POST /v2/auth/token` is valid (ten minutes).
pub const JWT_LIFETIME_SECS: u64 = 600;

/// The Hub's accounts and what they see.
#[derive(Clone, Debug)]
pub struct Account {
    pub username: String,
    /// Password or personal access token, either accepted as `secret`.
    pub secrets: Vec<String>,
    /// Namespaces whose private repositories this account sees.
    pub member_of: Vec<String>,
}

pub(super) struct Inner {
    repos: Vec<HubRepo>,
    tags: BTreeMap<String, Vec<HubTag>>,
    accounts: Vec<Account>,
    jwts: Mutex<HashMap<String, (String, Instant)>>,
    limits: Mutex<ApiLimits>,
    /// Plain `ordering=last_updated` sorts newest first (unconfirmed either way).
    plain_last_updated_newest_first: bool,
}

/// The Hub API's state; cheap to clone.
#[derive(Clone)]
pub struct HubApi(pub(super) Arc<Inner>);

impl HubApi {
    /// `plain_last_updated_newest_first`: how plain `ordering=last_updated` sorts.
    pub fn new(
        repos: Vec<HubRepo>,
        tags: BTreeMap<String, Vec<HubTag>>,
        accounts: Vec<Account>,
        plain_last_updated_newest_first: bool,
    ) -> Self {
        Self(Arc::new(Inner {
            repos,
            tags,
            accounts,
            jwts: Mutex::new(HashMap::new()),
            limits: Mutex::new(ApiLimits::default()),
            plain_last_updated_newest_first,
        }))
    }

    pub fn router(&self) -> Router {
        let ns = "/v2/namespaces/{ns}/repositories";
        let legacy = "/v2/repositories/{ns}";
        Router::new()
            .route(ns, get(repositories::list_repositories))
            .route(&format!("{ns}/"), get(repositories::list_repositories))
            .route(&format!("{legacy}/"), get(repositories::list_repositories))
            .route(legacy, get(repositories::list_repositories))
            .route(&format!("{ns}/{{repo}}"), get(repositories::get_repository))
            .route(
                &format!("{legacy}/{{repo}}/"),
                get(repositories::get_repository),
            )
            .route(&format!("{ns}/{{repo}}/tags"), get(tags::list_tags))
            .route(&format!("{legacy}/{{repo}}/tags/"), get(tags::list_tags))
            .route(&format!("{legacy}/{{repo}}/tags"), get(tags::list_tags))
            .route(&format!("{ns}/{{repo}}/tags/{{tag}}"), get(tags::get_tag))
            .route(
                &format!("{legacy}/{{repo}}/tags/{{tag}}/"),
                get(tags::get_tag),
            )
            .route(
                &format!("{legacy}/{{repo}}/tags/{{tag}}"),
                get(tags::get_tag),
            )
            .route(
                "/v2/search/repositories/",
                get(repositories::search_repositories),
            )
            .route(
                "/v2/search/repositories",
                get(repositories::search_repositories),
            )
            .route("/v2/auth/token", post(sign_in::create_token))
            .route("/v2/users/login", post(sign_in::login))
            .route("/v2/users/login/", post(sign_in::login))
            .fallback(|| async { not_found("httperror 404: page not found", json!({})) })
            .layer(middleware::from_fn_with_state(
                self.clone(),
                limit::rate_limit,
            ))
            .with_state(self.clone())
    }

    /// Sets how many Hub API requests the anonymous caller (or `user`) has left this window.
    pub fn set_remaining(&self, user: Option<&str>, remaining: u64) {
        self.limits().set_remaining(user, remaining);
    }

    fn limits(&self) -> std::sync::MutexGuard<'_, ApiLimits> {
        self.0.limits.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn account(&self, identifier: &str, secret: &str) -> Option<&Account> {
        self.0
            .accounts
            .iter()
            .find(|a| a.username == identifier && a.secrets.iter().any(|s| s == secret))
    }

    fn remember_jwt(&self, jwt: &str, user: &str) {
        let expires = Instant::now() + Duration::from_secs(JWT_LIFETIME_SECS);
        let mut jwts = self.0.jwts.lock().unwrap_or_else(|e| e.into_inner());
        jwts.insert(jwt.to_owned(), (user.to_owned(), expires));
    }

    /// The signed-in user, `Ok(None)` for anonymous, `Err` for a bad or expired token.
    fn caller(&self, headers: &HeaderMap) -> Result<Option<String>, Response> {
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return Ok(None);
        };
        let token = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer") || scheme == &"JWT")
            .map(|(_, t)| t.trim());
        let jwts = self.0.jwts.lock().unwrap_or_else(|e| e.into_inner());
        match token.and_then(|t| jwts.get(t)) {
            Some((user, expires)) if *expires > Instant::now() => Ok(Some(user.clone())),
            _ => Err(error(
                StatusCode::UNAUTHORIZED,
                "authentication required: invalid or expired token",
                json!({}),
            )),
        }
    }

    /// Whether `user` may see the private repositories of `namespace`.
    fn sees_private(&self, user: Option<&str>, namespace: &str) -> bool {
        user.is_some_and(|u| {
            self.0.accounts.iter().any(|a| {
                a.username == u
                    && (a.username == namespace || a.member_of.iter().any(|n| n == namespace))
            })
        })
    }

    /// The repository `ns/name` if `user` may see it.
    fn visible_repo(&self, user: Option<&str>, ns: &str, name: &str) -> Option<&HubRepo> {
        self.0
            .repos
            .iter()
            .find(|r| r.namespace == ns && r.name == name)
            .filter(|r| !r.is_private || self.sees_private(user, ns))
    }
}

/// `{"message":…,"errinfo":{…}}`, the Hub's error shape.
fn error(status: StatusCode, message: &str, errinfo: Value) -> Response {
    json_response(status, &json!({ "message": message, "errinfo": errinfo }))
}

fn not_found(message: &str, errinfo: Value) -> Response {
    error(StatusCode::NOT_FOUND, message, errinfo)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
