//! Typed calls to the Lading proxy. Every failure comes back as an [`ApiError`], including
//! the ones the proxy never saw (network down, an answer that is not the contract), so one
//! component can explain them all.

use gloo_net::http::Request;
use lading_shared::api::{
    ApiError, CREDENTIALS_HEADER, ErrorKind, IMAGE_PATH, ImageResponse, TAGS_PATH, TagsResponse,
};
use lading_shared::layer::FilePreview;
use serde::de::DeserializeOwned;

use crate::format::encode_query_value;

/// `GET /api/image?ref=…`: the manifest behind `reference` as a person typed it.
pub async fn fetch_image(
    reference: &str,
    credentials: Option<String>,
) -> Result<ImageResponse, ApiError> {
    let url = format!("{IMAGE_PATH}?ref={}", encode_query_value(reference));
    get_json(&url, credentials).await
}

/// `GET /api/tags?repo=…`: every tag of `repository` (`REGISTRY/REPOSITORY`).
pub async fn fetch_tags(
    repository: &str,
    credentials: Option<String>,
) -> Result<TagsResponse, ApiError> {
    let url = format!("{TAGS_PATH}?repo={}", encode_query_value(repository));
    get_json(&url, credentials).await
}

/// `GET /api/file?…&preview=N` (the URL from `layer_links::file_api_url`): a file's first
/// bytes and facts.
pub async fn fetch_file_preview(
    url: &str,
    credentials: Option<String>,
) -> Result<FilePreview, ApiError> {
    get_json(url, credentials).await
}

async fn get_json<T: DeserializeOwned>(
    url: &str,
    credentials: Option<String>,
) -> Result<T, ApiError> {
    let response = send(url, "application/json", credentials).await?;
    let status = response.status();
    let body = response.text().await.map_err(|e| cut_off(&e))?;
    if response.ok() {
        return serde_json::from_str(&body).map_err(|e| mismatch(&e));
    }
    Err(error_from_body(status, &body))
}

/// Sends a GET with the credentials header (if any) for the registry concerned.
pub async fn send(
    url: &str,
    accept: &str,
    credentials: Option<String>,
) -> Result<gloo_net::http::Response, ApiError> {
    let mut request = Request::get(url).header("accept", accept);
    if let Some(credentials) = credentials {
        request = request.header(CREDENTIALS_HEADER, &credentials);
    }
    request.send().await.map_err(|e| {
        local_error(
            ErrorKind::Unreachable,
            format!("The Lading server could not be reached ({e}). Is it still running?"),
        )
    })
}

/// A proxy error carries the contract's body; anything else (a gateway in front of Lading,
/// an old server) is reported by status.
pub fn error_from_body(status: u16, body: &str) -> ApiError {
    serde_json::from_str(body).unwrap_or_else(|_| {
        local_error(
            ErrorKind::Upstream,
            format!("The Lading server answered HTTP {status} without an explanation."),
        )
    })
}

pub fn cut_off(e: &dyn std::fmt::Display) -> ApiError {
    local_error(
        ErrorKind::Unreachable,
        format!("The Lading server's answer was cut off ({e})."),
    )
}

pub fn mismatch(e: &dyn std::fmt::Display) -> ApiError {
    local_error(
        ErrorKind::BadUpstream,
        format!(
            "The Lading server's answer does not match this page's version ({e}). Reload the page."
        ),
    )
}

/// An error that happened between the browser and the proxy: no registry was involved.
pub fn local_error(kind: ErrorKind, message: String) -> ApiError {
    ApiError {
        kind,
        message,
        registry: None,
        registry_errors: Vec::new(),
        retry_after: None,
        candidates: Vec::new(),
        suggestions: Vec::new(),
        trace: Vec::new(),
    }
}
