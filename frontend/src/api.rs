//! Typed calls to the Lading proxy. Every failure comes back as an [`ApiError`], including
//! the ones the proxy never saw (network down, an answer that is not the contract), so one
//! component can explain them all.

use gloo_net::http::Request;
use lading_shared::api::{
    ApiError, CREDENTIALS_HEADER, ErrorKind, IMAGE_PATH, ImageResponse, TAGS_PATH, TagsResponse,
};
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

async fn get_json<T: DeserializeOwned>(
    url: &str,
    credentials: Option<String>,
) -> Result<T, ApiError> {
    let mut request = Request::get(url).header("accept", "application/json");
    if let Some(credentials) = credentials {
        request = request.header(CREDENTIALS_HEADER, &credentials);
    }
    let response = request.send().await.map_err(|e| {
        local_error(
            ErrorKind::Unreachable,
            format!("The Lading server could not be reached ({e}). Is it still running?"),
        )
    })?;
    let status = response.status();
    let body = response.text().await.map_err(|e| {
        local_error(
            ErrorKind::Unreachable,
            format!("The Lading server's answer was cut off ({e})."),
        )
    })?;
    if response.ok() {
        return serde_json::from_str(&body).map_err(|e| {
            local_error(
                ErrorKind::BadUpstream,
                format!("The Lading server's answer does not match this page's version ({e}). Reload the page."),
            )
        });
    }
    // A proxy error carries the contract's body; anything else (a gateway in front of Lading,
    // an old server) is reported by status.
    Err(serde_json::from_str(&body).unwrap_or_else(|_| {
        local_error(
            ErrorKind::Upstream,
            format!("The Lading server answered HTTP {status} without an explanation."),
        )
    }))
}

/// An error that happened between the browser and the proxy: no registry was involved.
pub fn local_error(kind: ErrorKind, message: String) -> ApiError {
    ApiError {
        kind,
        message,
        registry: None,
        registry_errors: Vec::new(),
        retry_after: None,
        trace: Vec::new(),
    }
}
