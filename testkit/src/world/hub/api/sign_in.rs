//! Hub sign-in, an exchange of its own (not the registry's): `POST /v2/auth/token`
//! `{"identifier","secret"}` (password or personal access token) → `{"access_token": JWT}`,
//! valid ten minutes, then sent as `Authorization: Bearer`. The legacy `POST /v2/users/login`
//! `{"username","password"}` → `{"token"}` answers too.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{HubApi, JWT_LIFETIME_SECS, error, json_response};
use crate::jwt::{Minter, Validity};

/// Largest sign-in body read.
const BODY_LIMIT: usize = 16 << 10;

fn fields<'a>(body: &'a Value, user: &str, secret: &str) -> Option<(&'a str, &'a str)> {
    Some((body.get(user)?.as_str()?, body.get(secret)?.as_str()?))
}

/// The JWT for the credentials in `body` under the keys `user`/`secret`, or the refusal.
fn sign_in(api: &HubApi, body: &Bytes, user: &str, secret: &str) -> Result<String, Response> {
    let parsed: Option<Value> = (body.len() <= BODY_LIMIT)
        .then(|| serde_json::from_slice(body).ok())
        .flatten();
    let Some((identifier, given)) = parsed.as_ref().and_then(|b| fields(b, user, secret)) else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            &format!("request body must be JSON with string fields {user:?} and {secret:?}"),
            json!({}),
        ));
    };
    let Some(account) = api.account(identifier, given) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "Incorrect authentication credentials",
            json!({}),
        ));
    };
    let jwt = Minter::new("https://hub.docker.com", "hub.docker.com").mint(
        &account.username,
        &[],
        Validity::For(JWT_LIFETIME_SECS),
    );
    api.remember_jwt(&jwt, &account.username);
    Ok(jwt)
}

pub async fn create_token(State(api): State<HubApi>, body: Bytes) -> Response {
    match sign_in(&api, &body, "identifier", "secret") {
        Ok(jwt) => json_response(StatusCode::OK, &json!({ "access_token": jwt })),
        Err(refused) => refused,
    }
}

pub async fn login(State(api): State<HubApi>, body: Bytes) -> Response {
    match sign_in(&api, &body, "username", "password") {
        Ok(jwt) => json_response(StatusCode::OK, &json!({ "token": jwt })),
        Err(refused) => refused,
    }
}
