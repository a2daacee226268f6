//! Liveness and what this instance may reach (`/api/health`), and a typed 404 for unknown
//! API paths (the proxy is not a generic fetcher).
//!
//! The allow-list is shown, because the home page tells people "the registries this
//! instance may reach", and it hides nothing a visitor cannot already learn: anyone who can
//! use the instance can name a host and see whether it is refused. It is shown only to a
//! request naming a host this instance serves, though: health skips the `Host` check (load
//! balancers probe it by any name), and a DNS-rebinding page, which names its own host,
//! must not read a private instance's internal host names from it.

use axum::Json;
use axum::extract::State;
use axum::http::uri::Authority;
use axum::http::{HeaderMap, Uri, header};
use lading_shared::api::Health;

use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::host::ServedHosts;

pub async fn get_health(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Json<Health> {
    let guard = &state.upstream.guard;
    let allowed_hosts = match names_served_host(&uri, &headers, &state.hosts) {
        true => guard.allowed_hosts(),
        false => Vec::new(),
    };
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        public_registries: guard.reaches_public_registries(),
        allowed_hosts,
    })
}

/// Whether the request names (in its URI, else its `Host`) a host this instance serves; a
/// request naming none (HTTP/1.0) passes, as it passes `crate::host::check`.
fn names_served_host(uri: &Uri, headers: &HeaderMap, hosts: &ServedHosts) -> bool {
    let named = uri.authority().cloned().or_else(|| {
        let text = headers.get(header::HOST)?.to_str().ok()?;
        text.parse::<Authority>().ok()
    });
    match named {
        Some(authority) => hosts.serves(authority.host()),
        None => headers.get(header::HOST).is_none(),
    }
}

/// Not an API path: `bad_request` (400) through the one error mapping, so status and kind
/// agree. A path the API does not have is a fault of the request, and only scripts meet it
/// (the app calls known paths); a kind of its own would buy them nothing `message` does not
/// say, and `not_in_image` (404) speaks of images.
pub async fn unknown_api(uri: Uri) -> Failure {
    Failure::from(ProxyError::BadRequest(format!(
        "no such API endpoint {}; see the README for the API",
        crate::redact::text(uri.path())
    )))
}
