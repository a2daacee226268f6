//! The built frontend (trunk's `dist/`), embedded in release builds so one binary is the
//! whole app. Unknown paths get `index.html`: the router in the page decides what to show.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../dist"]
#[allow_missing = true]
struct Assets;

const INDEX: &str = "index.html";
const NOT_BUILT: &str = "<!doctype html><title>Lading</title><p>The frontend is not built. \
Run <code>bash scripts/run.sh</code> (or <code>trunk build --release</code>) and restart lading.";

pub async fn get_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(file) = (!path.is_empty()).then(|| Assets::get(path)).flatten() {
        let mime = file.metadata.mimetype().to_string();
        // Trunk names assets by content hash, so they never change under a name.
        let cache = "public, max-age=31536000, immutable";
        return (
            [
                (header::CONTENT_TYPE, mime.as_str()),
                (header::CACHE_CONTROL, cache),
            ],
            file.data,
        )
            .into_response();
    }
    match Assets::get(INDEX) {
        Some(index) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            index.data,
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            NOT_BUILT,
        )
            .into_response(),
    }
}
