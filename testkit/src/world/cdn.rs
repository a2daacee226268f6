//! A CDN / object-storage host that blob redirects point at: serves any stored blob by the
//! `sha256/<hex>` (or `sha256:<hex>`) in its path, insists on its signature parameter, and —
//! like S3 and GCS — refuses a request that also carries `Authorization` (a client must not
//! forward registry credentials to another host).

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::engine::Cdn;
use super::store::Store;

#[derive(Clone)]
struct CdnState {
    store: Store,
    signature_param: &'static str,
    refuses_authorization: bool,
}

pub fn router(store: Store, cdn: &Cdn) -> Router {
    Router::new().fallback(serve).with_state(CdnState {
        store,
        signature_param: cdn.signature_param,
        refuses_authorization: cdn.refuses_authorization,
    })
}

fn xml_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

async fn serve(State(state): State<CdnState>, request: Request) -> Response {
    let headers: &HeaderMap = request.headers();
    if state.refuses_authorization && headers.contains_key(header::AUTHORIZATION) {
        return xml_error(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, \
             Signature query string parameter or the Authorization header should be specified",
        );
    }
    let query = request.uri().query().unwrap_or("");
    let signed = url::form_urlencoded::parse(query.as_bytes())
        .any(|(k, v)| k == state.signature_param && !v.is_empty());
    if !signed {
        return xml_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Request has expired or is not signed",
        );
    }
    let path = request.uri().path();
    // The digest's 64 hex digits are one path segment: `sha256:<hex>`, or
    // `sha256/<2 hex>/<hex>/data` as distribution's storage lays blobs out.
    let hex = path
        .split(['/', ':'])
        .find(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    let Some(blob) = hex.and_then(|hex| state.store.any_blob(&format!("sha256:{hex}"))) else {
        return xml_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        );
    };
    let digest = format!("sha256:{}", hex.unwrap_or_default());
    super::engine::ranged(&blob, headers, &digest)
}
