//! The built frontend (trunk's `dist/`), embedded in release builds so one binary is the
//! whole app. Unknown paths get `index.html`: the router in the page decides what to show.
//!
//! Every file is served as stored: scripts/build-frontend.sh writes `NAME.br` and `NAME.gz`
//! beside each one, and [`encoding::choose`] picks one by `Accept-Encoding`. Nothing is
//! compressed while answering (brotli at its best level takes seconds for the wasm).

mod encoding;

use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use encoding::Coding;

#[derive(RustEmbed)]
#[folder = "../dist"]
#[allow_missing = true]
struct Assets;

const INDEX: &str = "index.html";
const NOT_BUILT: &str = "<!doctype html><title>Lading</title><p>The frontend is not built. \
Run <code>bash scripts/run.sh</code> (or <code>bash scripts/build-frontend.sh</code>) and \
restart lading.";
/// Trunk names assets by content hash, so they never change under a name.
const ASSET_CACHE: &str = "public, max-age=31536000, immutable";
/// The page names the current assets: always ask whether it changed.
const INDEX_CACHE: &str = "no-cache";
/// Smallest first: when a client likes several equally, it gets the smallest.
const PREFERENCE: [Coding; 3] = [Coding::Brotli, Coding::Gzip, Coding::Identity];

pub async fn get_asset(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().trim_start_matches('/');
    // Several header lines mean the same as one joined by commas (RFC 9110 §5.3).
    let accept: Option<String> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .map(|v| v.to_str().ok())
        .collect::<Option<Vec<_>>>()
        .filter(|values| !values.is_empty())
        .map(|values| values.join(", "));
    let accept = accept.as_deref();
    // The stored forms are files of their own, but not addresses of their own; the page
    // by its own name is still the page (never cached as an immutable asset).
    let asset = (!path.is_empty() && path != INDEX && !is_stored_form(path))
        .then(|| Assets::get(path))
        .flatten();
    if let Some(file) = asset {
        let mime = file.metadata.mimetype().to_owned();
        return send(path, &mime, ASSET_CACHE, accept);
    }
    if Assets::get(INDEX).is_some() {
        return send(INDEX, "text/html; charset=utf-8", INDEX_CACHE, accept);
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        NOT_BUILT,
    )
        .into_response()
}

/// `path` (known to exist) in the form `accept` likes best, or 406 when it refuses them all.
fn send(path: &str, mime: &str, cache: &'static str, accept: Option<&str>) -> Response {
    let mut stored: Vec<(Coding, rust_embed::EmbeddedFile)> = PREFERENCE
        .into_iter()
        .filter_map(|c| Some((c, Assets::get(&format!("{path}{}", c.suffix()))?)))
        .collect();
    let available: Vec<Coding> = stored.iter().map(|(c, _)| *c).collect();
    let chosen = encoding::choose(accept, &available)
        .and_then(|coding| stored.iter().position(|(c, _)| *c == coding))
        .map(|at| stored.swap_remove(at));
    let mut response = match chosen {
        Some((coding, file)) => {
            let length = file.data.len();
            let mut response = file.data.into_response();
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(mime) {
                headers.insert(header::CONTENT_TYPE, value);
            }
            if let Some(value) = coding.content_encoding() {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(value));
            }
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            response
        }
        None => (
            StatusCode::NOT_ACCEPTABLE,
            "None of this file's encodings (br, gzip, identity) is acceptable.\n",
        )
            .into_response(),
    };
    // The answer depends on Accept-Encoding: a shared cache must key on it.
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

fn is_stored_form(path: &str) -> bool {
    path.ends_with(".br") || path.ends_with(".gz")
}
