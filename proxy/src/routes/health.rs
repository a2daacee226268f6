//! Liveness, and a typed 404 for unknown API paths (the proxy is not a generic fetcher).

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lading_shared::api::{ApiError, ErrorKind};

pub async fn get_health() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

pub async fn unknown_api() -> impl IntoResponse {
    let error = ApiError {
        kind: ErrorKind::BadRequest,
        message: "no such API endpoint; see the README for the API".into(),
        registry: None,
        registry_errors: Vec::new(),
        retry_after: None,
        candidates: Vec::new(),
        suggestions: Vec::new(),
        trace: Vec::new(),
    };
    (StatusCode::NOT_FOUND, Json(error))
}
