//! Every route of the app, and the middleware around them.

mod answer;
pub mod answer_cache;
mod attachment;
mod blob;
mod cacheable;
mod catalog;
mod export;
mod frontend;
mod health;
mod image;
mod json;
mod layer;
mod referrers;
mod tags;
mod verify;

use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use axum::{Router, middleware};
use lading_shared::api::{
    CATALOG_PATH, HEALTH_PATH, IMAGE_PATH, REFERRERS_PATH, TAGS_PATH, VERIFY_PATH,
};
use lading_shared::layer::{BLOB_PATH, EXPORT_PATH};
use tower::ServiceBuilder;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// `wasm-unsafe-eval` is what compiling the app's own wasm needs; nothing else is relaxed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn router(state: AppState) -> Router {
    let secret_headers = [
        header::AUTHORIZATION,
        header::COOKIE,
        HeaderName::from_static(lading_shared::api::CREDENTIALS_HEADER),
        HeaderName::from_static(lading_shared::api::HUB_CREDENTIALS_HEADER),
    ];
    // Every API route but health passes the per-client limits; health stays free for load
    // balancers, and the static app is not limited (it costs no upstream request).
    let limited = Router::new()
        .route(IMAGE_PATH, get(image::get_image))
        .route(TAGS_PATH, get(tags::list_tags))
        .route(CATALOG_PATH, get(catalog::list_catalog))
        .route(REFERRERS_PATH, get(referrers::list_referrers))
        .route(VERIFY_PATH, post(verify::verify_signature))
        .route(lading_shared::layer::LAYER_PATH, get(layer::list_layer))
        .route(lading_shared::layer::MERGED_PATH, get(layer::list_merged))
        // Downloads also take a posted form: a link cannot carry the credentials header.
        .route(
            lading_shared::layer::FILE_PATH,
            get(layer::get_file).post(layer::get_file),
        )
        .route(BLOB_PATH, get(blob::stream_blob).post(blob::stream_blob))
        .route(
            EXPORT_PATH,
            get(export::export_image).post(export::export_image),
        )
        .route("/api/{*rest}", get(health::unknown_api))
        .route_layer(middleware::from_fn_with_state(
            state.gate.clone(),
            crate::limits::client::limit,
        ))
        // Each answer says who may keep it (`cacheable`); one that does not (an error, a
        // refusal by the limits above) is kept by no one.
        .route_layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cacheable::NO_STORE),
        ))
        // An answer to a signed-in call holds private content under a URL that does not name
        // the person: a shared cache keying on the URL alone would hand it to the next one.
        .route_layer(SetResponseHeaderLayer::appending(
            header::VARY,
            HeaderValue::from_static(cacheable::VARY),
        ));
    // Every route but health answers only for the names this instance serves (DNS
    // rebinding), the app's pages too: a rebinding page could load the app itself. Health
    // carries no data and load balancers probe it by whatever name they know the backend by.
    let served = limited
        // The app's files are compressed at build time (routes/frontend.rs); API answers stay
        // uncompressed (small, and blobs and exports are compressed already).
        .fallback_service(get(frontend::get_asset))
        .layer(middleware::from_fn_with_state(
            state.hosts.clone(),
            crate::host::check,
        ));
    Router::new()
        .route(HEALTH_PATH, get(health::get_health))
        .merge(served)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                // Marked before the trace layer so no log line can print a credential. The
                // trace layer logs no bodies, so a posted form's credentials are not printed.
                .layer(SetSensitiveRequestHeadersLayer::new(secret_headers))
                .layer(TraceLayer::new_for_http())
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                // Not `no-referrer`: under it browsers send `Origin: null` with a posted form
                // (Fetch spec, "append a request Origin header"), and download forms must show
                // their origin. `same-origin` still sends nothing to other sites.
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                // The page has no inline script or style (see frontend/boot.js), so a
                // registry's text that slipped past escaping still could not run.
                .layer(SetResponseHeaderLayer::overriding(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                )),
        )
}
