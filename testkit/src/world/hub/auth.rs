//! `auth.docker.io`: the registry's token service. `GET /token?service=registry.docker.io
//! &scope=repository:NAME:pull` (Basic credentials optional) → `{"token","access_token",
//! "expires_in","issued_at"}`; the OAuth2 form `POST /token` too. Like the real one it never
//! refuses a scope — the token simply carries no access — and only wrong credentials get 401.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::REGISTRY_SERVICE;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::world::engine::{Auth, BearerRules, Engine, Identity};

/// Scope parameters read from one request; more is hostile.
const MAX_SCOPES: usize = 32;
/// Largest form body of `POST /token`.
const FORM_LIMIT: usize = 16 << 10;

pub fn router(engine: Engine) -> Router {
    Router::new()
        .route("/token", get(get_token).post(post_token))
        .with_state(engine)
}

fn rules(engine: &Engine) -> &BearerRules {
    match &engine.profile.auth {
        Auth::Bearer(rules) => rules,
        _ => unreachable!("Docker Hub's profile is Bearer"),
    }
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn wrong_credentials() -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        "{\"details\":\"incorrect username or password\"}\n".into(),
    )
}

/// Issues the token for `identity` and `scopes` (after checking `service`).
fn answer(
    engine: &Engine,
    service: Option<&str>,
    identity: Identity,
    scopes: Vec<String>,
) -> Response {
    if service.is_some_and(|s| s != REGISTRY_SERVICE) {
        return json(
            StatusCode::BAD_REQUEST,
            format!(
                "{{\"details\":\"invalid service: {}\"}}\n",
                service.unwrap_or("").escape_default()
            ),
        );
    }
    let rules = rules(engine).clone();
    let scopes: Vec<String> = scopes.into_iter().take(MAX_SCOPES).collect();
    let grant = engine.grant_for(&rules, identity, &scopes);
    let token = engine.issue(&rules, grant);
    json(
        StatusCode::OK,
        engine.token_body(&rules, &token).to_string(),
    )
}

/// The user of valid Basic credentials; `Err` when Basic was sent but is wrong.
fn basic_identity(engine: &Engine, headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| ())?;
    let text = String::from_utf8(decoded).map_err(|_| ())?;
    match text.split_once(':') {
        Some((user, password)) if engine.check_password(user, password) => {
            Ok(Some(user.to_owned()))
        }
        _ => Err(()),
    }
}

fn pairs(text: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .take(4 * MAX_SCOPES)
        .collect()
}

fn values(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| v.split(' ').map(String::from).collect::<Vec<_>>())
        .collect()
}

async fn get_token(
    State(engine): State<Engine>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs = pairs(&query.unwrap_or_default());
    let identity = match basic_identity(&engine, &headers) {
        Ok(Some(user)) => Identity::User(user),
        Ok(None) => Identity::Anonymous,
        Err(_) => return wrong_credentials(),
    };
    let service = pairs
        .iter()
        .find(|(k, _)| k == "service")
        .map(|(_, v)| v.as_str());
    answer(&engine, service, identity, values(&pairs, "scope"))
}

/// `grant_type=password&username=…&password=…&service=…&scope=…&client_id=…`.
async fn post_token(State(engine): State<Engine>, body: axum::body::Bytes) -> Response {
    if body.len() > FORM_LIMIT {
        return json(
            StatusCode::PAYLOAD_TOO_LARGE,
            "{\"details\":\"form too large\"}\n".into(),
        );
    }
    let pairs = pairs(&String::from_utf8_lossy(&body));
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let identity = match get("grant_type") {
        Some("password") => match (get("username"), get("password")) {
            (Some(user), Some(password)) if engine.check_password(user, password) => {
                Identity::User(user.to_owned())
            }
            _ => return wrong_credentials(),
        },
        _ => {
            return json(
                StatusCode::BAD_REQUEST,
                "{\"details\":\"unsupported grant_type\"}\n".into(),
            );
        }
    };
    answer(&engine, get("service"), identity, values(&pairs, "scope"))
}
