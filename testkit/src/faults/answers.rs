//! The registry's side of the conversation: which target a path is, the healthy answers
//! (ping, token, manifest, blobs, tags) and bearer auth; faults are handed to `bodies`.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::bodies::faulty;
use super::socket::Connection;
use super::{FAULT_REPO, FAULT_TAG, Fault, Shared, Target, lock};
use crate::fixtures::media_types::OCI_MANIFEST;
use crate::fixtures::sha256_digest;

pub(super) async fn answer(
    State(s): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Connection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let target_text = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    lock(&s.requests).push(format!("{method} {target_text}"));
    let target = match route(&s, uri.path()) {
        Ok(target) => target,
        Err(code) => {
            let body = json!({ "errors": [{ "code": code, "message": "unknown to the fault registry", "detail": uri.path() }] });
            return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
        }
    };
    let fault = lock(&s.faults).get(&target).cloned();
    if let Some(fault) = fault
        && (method != Method::HEAD || !fault.on_body())
        && !(fault == Fault::Down && target == Target::Token)
    {
        s.fired.fetch_add(1, Ordering::Relaxed);
        return faulty(&s, target, fault, &uri, &conn);
    }
    if s.token_auth && target != Target::Token && !authorized(&s, &headers) {
        return challenge(&s);
    }
    if target == Target::Token {
        return issue_token(&s);
    }
    // A HEAD gets the same headers; hyper leaves the body out.
    let (content_type, body) = body_of(&s, target);
    let digest = sha256_digest(&body);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::HeaderName::from_static("docker-content-digest"),
                digest,
            ),
        ],
        body,
    )
        .into_response()
}

/// Which target a path is, or the error code of the registry's 404.
fn route(s: &Shared, path: &str) -> Result<Target, &'static str> {
    let unknown = |code| code;
    if path == "/v2/" || path == "/v2" {
        return Ok(Target::Ping);
    }
    if path == "/token" {
        return Ok(Target::Token);
    }
    let Some(rest) = path.strip_prefix(&format!("/v2/{FAULT_REPO}/")) else {
        return Err(unknown("NAME_UNKNOWN"));
    };
    let image = &s.image;
    match rest.split_once('/') {
        Some(("manifests", r)) if r == FAULT_TAG || r == image.manifest_digest => {
            Ok(Target::Manifest)
        }
        Some(("manifests", _)) => Err(unknown("MANIFEST_UNKNOWN")),
        Some(("blobs", d)) if d == image.config_digest => Ok(Target::Config),
        Some(("blobs", d)) if d == image.layer_digest => Ok(Target::Layer),
        Some(("blobs", _)) => Err(unknown("BLOB_UNKNOWN")),
        Some(("tags", "list")) => Ok(Target::Tags),
        _ => Err(unknown("NAME_UNKNOWN")),
    }
}

/// The healthy body of a target and its Content-Type.
pub(super) fn body_of(s: &Shared, target: Target) -> (&'static str, Bytes) {
    let image = &s.image;
    match target {
        Target::Ping => ("application/json", Bytes::from_static(b"{}")),
        Target::Token => ("application/json", token_body(s).into()),
        Target::Manifest => (OCI_MANIFEST, image.manifest.clone().into()),
        Target::Config => ("application/octet-stream", image.config.clone().into()),
        Target::Layer => ("application/octet-stream", image.layer.clone().into()),
        Target::Tags => {
            let tags = json!({ "name": FAULT_REPO, "tags": [FAULT_TAG] });
            ("application/json", tags.to_string().into())
        }
    }
}

fn token_body(s: &Shared) -> String {
    let mut tokens = lock(&s.tokens);
    let token = format!("fault-token-{}-{}", s.instance, tokens.len() + 1);
    tokens.push(token.clone());
    json!({ "token": token, "expires_in": 300 }).to_string()
}

fn issue_token(s: &Shared) -> Response {
    let (content_type, body) = body_of(s, Target::Token);
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn authorized(s: &Shared, headers: &HeaderMap) -> bool {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    value
        .strip_prefix("Bearer ")
        .is_some_and(|token| lock(&s.tokens).iter().any(|t| t == token))
}

fn challenge(s: &Shared) -> Response {
    let realm = match lock(&s.faults).get(&Target::Token) {
        Some(Fault::Down) => format!("http://127.0.0.1:{}/token", s.closed_port),
        _ => "/token".to_string(),
    };
    let value = format!(
        "Bearer realm=\"{realm}\",service=\"fault-registry\",scope=\"repository:{FAULT_REPO}:pull\""
    );
    let body =
        json!({ "errors": [{ "code": "UNAUTHORIZED", "message": "authentication required" }] });
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, value)],
        axum::Json(body),
    )
        .into_response()
}
