//! Request extractors that answer in the API's error shape rather than axum's plain text.

use std::time::Duration;

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use lading_shared::api::CREDENTIALS_HEADER;
use lading_shared::layer::LayerQuery;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Failure, ProxyError};
use crate::host::{MAX_QUOTED_HOST, RequestHost};
use crate::registry::credentials::Credentials;

/// Largest download form: a reference, two digests, a path and credentials fit many times.
pub const MAX_FORM_BYTES: usize = 16 * 1024;
/// Longest a download form may take to arrive: the header-read timeout ends a slow request
/// head, this ends a slow body (a form is one small packet from a browser).
pub const FORM_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A typed query string; a missing or malformed parameter is a 400 `bad_request`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ProxyError::BadRequest(query_problem(
                parts.uri.path(),
                &rejection.body_text(),
            ))
            .into()),
        }
    }
}

/// serde's words for what is wrong ("missing field `ref`"), without axum's preamble, saying
/// which endpoint's query it is (the README lists each one's parameters).
fn query_problem(path: &str, text: &str) -> String {
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(text);
    format!("the query of {path} is not right: {detail} (see the README's API table)")
}

/// The browser's credentials for the registry this call targets, if it sent any.
pub struct BrowserCredentials(pub Option<Credentials>);

impl<S: Send + Sync> FromRequestParts<S> for BrowserCredentials {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(CREDENTIALS_HEADER) else {
            return Ok(BrowserCredentials(None));
        };
        Credentials::from_header(value.as_bytes())
            .map(|c| BrowserCredentials(Some(c)))
            .map_err(Failure::from)
    }
}

/// What a download (blob, export, file) asks for: from `GET` (the query string and the
/// credentials header) or from `POST` (an `application/x-www-form-urlencoded` form of the
/// same fields plus [`lading_shared::api::CREDENTIALS_FIELD`]). Browsers cannot put a header
/// on a link, so a private image is downloaded by posting a form: the bytes stream to disk,
/// and the credentials stay out of URLs, history and logs (no layer logs request bodies).
pub struct Download {
    pub query: LayerQuery,
    pub credentials: Option<Credentials>,
}

/// The form's fields. `preview` is not one: a posted form always downloads.
#[derive(Deserialize)]
struct DownloadForm {
    #[serde(rename = "ref")]
    reference: String,
    digest: Option<lading_shared::Digest>,
    platform: Option<lading_shared::Digest>,
    path: Option<String>,
    /// [`lading_shared::api::CREDENTIALS_FIELD`] (serde wants a literal here).
    credentials: Option<String>,
}

impl<S: Send + Sync> FromRequest<S> for Download {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        if parts.method != Method::POST {
            let ApiQuery(query) = ApiQuery::from_request_parts(&mut parts, state).await?;
            let BrowserCredentials(credentials) =
                BrowserCredentials::from_request_parts(&mut parts, state).await?;
            return Ok(Download { query, credentials });
        }
        check_form_origin(&parts).map_err(Failure::from)?;
        let bytes = read_form(body, FORM_READ_TIMEOUT)
            .await
            .map_err(Failure::from)?;
        let request = Request::from_parts(parts, bytes.into());
        let Form(form) = Form::<DownloadForm>::from_request(request, state)
            .await
            .map_err(|rejection| Failure::from(ProxyError::BadRequest(rejection.body_text())))?;
        let credentials = match form.credentials.as_deref() {
            None | Some("") => None,
            Some(value) => Some(Credentials::from_header(value.as_bytes()).map_err(Failure::from)?),
        };
        let query = LayerQuery {
            reference: form.reference,
            digest: form.digest,
            platform: form.platform,
            path: form.path,
            preview: None,
        };
        Ok(Download { query, credentials })
    }
}

/// Refuses a form posted from another site (basic CSRF hygiene beside the page's
/// `form-action 'self'`). Browsers send `Origin` on every `POST`; a request without one is
/// not from a browser form and passes. `null` (sandboxed or privacy-stripped origins) fails.
/// The origin must be one this instance serves, by the same rules as the `Host` check
/// ([`crate::host`]): a rebinding page sends its own name in both `Origin` and `Host`.
fn check_form_origin(parts: &Parts) -> Result<(), ProxyError> {
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("null");
    let allowed = parts
        .extensions
        .get::<RequestHost>()
        .is_some_and(|host| host.hosts.allows_origin(origin, host.authority.as_deref()));
    match allowed {
        true => Ok(()),
        false => Err(ProxyError::Forbidden(format!(
            "a download form may only be posted from Lading's own page, not from {}",
            origin.chars().take(MAX_QUOTED_HOST).collect::<String>()
        ))),
    }
}

/// The form's bytes, at most [`MAX_FORM_BYTES`] of them, arriving within `limit`.
async fn read_form(body: axum::body::Body, limit: Duration) -> Result<bytes::Bytes, ProxyError> {
    match tokio::time::timeout(limit, axum::body::to_bytes(body, MAX_FORM_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(ProxyError::BadRequest(format!(
            "the download form is larger than {MAX_FORM_BYTES} bytes"
        ))),
        Err(_) => Err(ProxyError::BadRequest(format!(
            "the download form did not arrive within {}",
            crate::limits::seconds(limit)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use lading_shared::api::CREDENTIALS_FIELD;

    use super::*;

    #[test]
    fn the_form_field_is_the_shared_one() {
        let form: DownloadForm =
            serde_json::from_value(serde_json::json!({"ref": "r", (CREDENTIALS_FIELD): "c"}))
                .unwrap();
        assert_eq!(form.credentials.as_deref(), Some("c"));
    }

    #[test]
    fn a_query_problem_names_the_endpoint_and_what_is_missing() {
        let text = "Failed to deserialize query string: missing field `ref`";
        let message = query_problem("/api/image", text);
        assert_eq!(
            message,
            "the query of /api/image is not right: missing field `ref` (see the README's API table)"
        );
    }

    #[tokio::test]
    async fn a_form_that_trickles_in_is_cut_off() {
        // A body that never ends: the client sent its headers and stalls.
        let body = axum::body::Body::from_stream(futures_util::stream::pending::<
            Result<bytes::Bytes, std::io::Error>,
        >());
        let error = read_form(body, Duration::from_millis(50))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("did not arrive"), "{error}");
    }
}
