//! Typed calls to the Lading proxy. Every failure comes back as an [`ApiError`], including
//! the ones the proxy never saw (network down, an answer that is not the contract), so one
//! component can explain them all.

use gloo_net::http::Request;
use lading_shared::Repository;
use lading_shared::api::{
    API_REVISION, ApiError, CREDENTIALS_HEADER, CatalogQuery, CatalogResponse, ErrorKind,
    HEALTH_PATH, HUB_CREDENTIALS_HEADER, Health, IMAGE_PATH, ImageQuery, ImageResponse,
    REFERRERS_PATH, REVISION_PARAM, ReferrersQuery, ReferrersResponse, TagsResponse, VERIFY_PATH,
    VerifyQuery, VerifyResponse,
};
use lading_shared::layer::{FILE_PATH, FilePreview, ListingEvent};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, ReadableStreamReadResult};

use crate::layer_links::Subject;
use crate::links::{api_url, catalog_api, listing_api, tags_api};
use crate::ndjson::{LineError, LineSplitter};

/// `GET /api/image`: the manifest behind a reference as a person typed it (and, for an
/// index, the child for `platform`).
pub async fn fetch_image(
    query: &ImageQuery,
    credentials: Option<String>,
) -> Result<ImageResponse, ApiError> {
    get_json(&api_url(IMAGE_PATH, query), credentials).await
}

/// `GET /api/referrers`: what refers to (or is filed beside) the manifest `query` names.
pub async fn fetch_referrers(
    query: &ReferrersQuery,
    credentials: Option<String>,
) -> Result<ReferrersResponse, ApiError> {
    get_json(&api_url(REFERRERS_PATH, query), credentials).await
}

/// `POST /api/verify` with the PEM public key as the body: the proxy checks the signature
/// manifest `query.signature` against the image `query.reference` with that key.
pub async fn verify_signature(
    query: &VerifyQuery,
    key: String,
    credentials: Option<String>,
) -> Result<VerifyResponse, ApiError> {
    let mut request = Request::post(&revised(&api_url(VERIFY_PATH, query)))
        .header("accept", "application/json")
        .header("content-type", "text/plain");
    if let Some(credentials) = credentials {
        request = request.header(CREDENTIALS_HEADER, &credentials);
    }
    let response = request
        .body(key)
        .map_err(|e| {
            local_error(
                ErrorKind::BadRequest,
                format!("The key could not be sent: {e}"),
            )
        })?
        .send()
        .await
        .map_err(|e| {
            local_error(
                ErrorKind::Unreachable,
                format!("The Lading server could not be reached ({e}). Is it still running?"),
            )
        })?;
    let status = response.status();
    let body = response.text().await.map_err(|e| cut_off(&e))?;
    if response.ok() {
        return serde_json::from_str(&body).map_err(|e| mismatch(&e));
    }
    Err(error_from_body(status, &body))
}

/// `GET /api/health`: the version and which registries this Lading may reach.
pub async fn fetch_health() -> Result<Health, ApiError> {
    get_json(HEALTH_PATH, None).await
}

/// The credentials a call carries: the registry's, and Docker Hub's web API account
/// (only on calls that use the Hub API: tags and namespaces of `docker.io`).
#[derive(Debug, Clone, Default)]
pub struct Auth {
    pub registry: Option<String>,
    pub hub: Option<String>,
}

/// `GET /api/tags`: every tag of `repository`, with what the registry (or Docker Hub's
/// web API) says about them for free.
pub async fn fetch_tags(repository: &Repository, auth: Auth) -> Result<TagsResponse, ApiError> {
    get_json_with(&tags_api(repository), auth).await
}

/// `GET /api/catalog`: the repositories of a registry, a Hub namespace or a prefix.
pub async fn fetch_catalog(query: &CatalogQuery, auth: Auth) -> Result<CatalogResponse, ApiError> {
    get_json_with(&catalog_api(query), auth).await
}

/// `GET /api/file?…&preview=BYTES`: what is at `path` (a file's first bytes, a directory's
/// children, a symlink followed or found dangling).
pub async fn fetch_file_preview(
    subject: &Subject,
    path: &str,
    bytes: u64,
    credentials: Option<String>,
) -> Result<FilePreview, ApiError> {
    let mut query = subject.query(Some(path));
    query.preview = Some(bytes);
    get_json(&api_url(FILE_PATH, &query), credentials).await
}

/// `GET /api/blob`: a small blob's bytes (an artifact's JSON layer), refused unless the
/// answer says it is at most `limit` bytes (the descriptor's size is the registry's word).
pub async fn fetch_small_blob(
    query: &lading_shared::layer::LayerQuery,
    limit: u64,
    credentials: Option<String>,
) -> Result<Vec<u8>, ApiError> {
    let url = api_url(lading_shared::layer::BLOB_PATH, query);
    let response = send(&url, "*/*", credentials, None).await?;
    if !response.ok() {
        let status = response.status();
        let body = response.text().await.map_err(|e| cut_off(&e))?;
        return Err(error_from_body(status, &body));
    }
    let length = response
        .headers()
        .get("content-length")
        .and_then(|l| l.parse::<u64>().ok());
    if length.is_none_or(|l| l > limit) {
        return Err(local_error(
            ErrorKind::TooLarge,
            format!("The content is not known to be at most {limit} bytes; download it instead."),
        ));
    }
    response.binary().await.map_err(|e| cut_off(&e))
}

/// Streams the NDJSON listing of `subject`, calling `on_events` with the events of each
/// network chunk. Aborting `signal` ends the request (and this call, with an error the
/// caller recognises by the signal). `Ok` means the body ended; the caller checks that the
/// last event was `Done` or `Error`.
pub async fn stream_listing(
    subject: &Subject,
    credentials: Option<String>,
    signal: &AbortSignal,
    mut on_events: impl FnMut(Vec<ListingEvent>),
) -> Result<(), ApiError> {
    let response = send(
        &listing_api(subject),
        "application/x-ndjson",
        credentials,
        Some(signal),
    )
    .await?;
    if !response.ok() {
        let status = response.status();
        let body = response.text().await.map_err(|e| cut_off(&e))?;
        return Err(error_from_body(status, &body));
    }
    let body = response.body().ok_or_else(|| cut_off(&"no body"))?;
    let reader = ReadableStreamDefaultReader::new(&body).map_err(|e| cut_off(&js_text(&e)))?;
    let mut splitter = LineSplitter::default();
    loop {
        let read = JsFuture::from(reader.read())
            .await
            .map_err(|e| cut_off(&js_text(&e)))?;
        let read: ReadableStreamReadResult = read.unchecked_into();
        let done = read.get_done().unwrap_or(false);
        let lines = if done {
            splitter.finish().map(|l| l.into_iter().collect())
        } else {
            let chunk = js_sys::Uint8Array::new(&read.get_value()).to_vec();
            splitter.push(&chunk)
        };
        let lines = lines.map_err(|e| match e {
            LineError::TooLong => mismatch(&"a line longer than any event"),
            LineError::NotUtf8 => mismatch(&"a line that is not UTF-8"),
        })?;
        let mut events = Vec::with_capacity(lines.len());
        for line in &lines {
            events.push(serde_json::from_str::<ListingEvent>(line).map_err(|e| mismatch(&e))?);
        }
        if !events.is_empty() {
            on_events(events);
        }
        if done {
            return Ok(());
        }
    }
}

fn js_text(value: &wasm_bindgen::JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            value
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "a browser error".to_owned())
}

async fn get_json<T: DeserializeOwned>(
    url: &str,
    credentials: Option<String>,
) -> Result<T, ApiError> {
    let auth = Auth {
        registry: credentials,
        hub: None,
    };
    get_json_with(url, auth).await
}

async fn get_json_with<T: DeserializeOwned>(url: &str, auth: Auth) -> Result<T, ApiError> {
    let response = send_with(url, "application/json", auth, None).await?;
    let status = response.status();
    let body = response.text().await.map_err(|e| cut_off(&e))?;
    if response.ok() {
        return serde_json::from_str(&body).map_err(|e| mismatch(&e));
    }
    Err(error_from_body(status, &body))
}

/// Sends a GET with the credentials header (if any) for the registry concerned.
async fn send(
    url: &str,
    accept: &str,
    credentials: Option<String>,
    signal: Option<&AbortSignal>,
) -> Result<gloo_net::http::Response, ApiError> {
    let auth = Auth {
        registry: credentials,
        hub: None,
    };
    send_with(url, accept, auth, signal).await
}

async fn send_with(
    url: &str,
    accept: &str,
    auth: Auth,
    signal: Option<&AbortSignal>,
) -> Result<gloo_net::http::Response, ApiError> {
    let mut request = Request::get(&revised(url))
        .header("accept", accept)
        .abort_signal(signal);
    if let Some(credentials) = auth.registry {
        request = request.header(CREDENTIALS_HEADER, &credentials);
    }
    if let Some(credentials) = auth.hub {
        request = request.header(HUB_CREDENTIALS_HEADER, &credentials);
    }
    request.send().await.map_err(|e| {
        local_error(
            ErrorKind::Unreachable,
            format!("The Lading server could not be reached ({e}). Is it still running?"),
        )
    })
}

/// `url` with the answer shape this page reads (`&rev=N`): after an upgrade the URL differs,
/// so no cache (the browser's, a CDN's) hands this page an answer in an older shape.
fn revised(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{REVISION_PARAM}={API_REVISION}")
}

/// A proxy error carries the contract's body; anything else (a gateway in front of Lading,
/// an old server) is reported by status.
fn error_from_body(status: u16, body: &str) -> ApiError {
    serde_json::from_str(body).unwrap_or_else(|_| {
        local_error(
            ErrorKind::Upstream,
            format!("The Lading server answered HTTP {status} without an explanation."),
        )
    })
}

fn cut_off(e: &dyn std::fmt::Display) -> ApiError {
    local_error(
        ErrorKind::Unreachable,
        format!("The Lading server's answer was cut off ({e})."),
    )
}

fn mismatch(e: &dyn std::fmt::Display) -> ApiError {
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
        registry_notes: Default::default(),
        trace: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_url_names_the_answer_shape_it_reads() {
        let rev = format!("rev={API_REVISION}");
        assert_eq!(revised("/api/health"), format!("/api/health?{rev}"));
        assert_eq!(
            revised("/api/image?ref=alpine"),
            format!("/api/image?ref=alpine&{rev}")
        );
    }
}
