//! Request extractors that answer in the API's error shape rather than axum's plain text.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use lading_shared::api::CREDENTIALS_HEADER;
use lading_shared::layer::LayerQuery;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Failure, ProxyError};
use crate::registry::credentials::Credentials;

/// Largest download form: a reference, two digests, a path and credentials fit many times.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// A typed query string; a missing or malformed parameter is a 400 `bad_request`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(failure(ProxyError::BadRequest(rejection.body_text()))),
        }
    }
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
            .map_err(failure)
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
    digest: Option<String>,
    platform: Option<String>,
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
        check_same_origin(&parts).map_err(failure)?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                failure(ProxyError::BadRequest(format!(
                    "the download form is larger than {MAX_FORM_BYTES} bytes"
                )))
            })?;
        let request = Request::from_parts(parts, bytes.into());
        let Form(form) = Form::<DownloadForm>::from_request(request, state)
            .await
            .map_err(|rejection| failure(ProxyError::BadRequest(rejection.body_text())))?;
        let credentials = match form.credentials.as_deref() {
            None | Some("") => None,
            Some(value) => Some(Credentials::from_header(value.as_bytes()).map_err(failure)?),
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
fn check_same_origin(parts: &Parts) -> Result<(), ProxyError> {
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("null");
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()));
    match host {
        Some(host) if same_origin(origin, host) => Ok(()),
        _ => Err(ProxyError::Forbidden(format!(
            "a download form may only be posted from Lading's own page, not from {origin}"
        ))),
    }
}

/// Whether `origin` (`scheme://host[:port]`) names `host` (the `Host` header). The scheme is
/// not compared: behind a TLS-terminating proxy the server cannot know it.
fn same_origin(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let normal = |a: &str| {
        a.strip_suffix(default_port)
            .unwrap_or(a)
            .to_ascii_lowercase()
    };
    normal(authority) == normal(host)
}

fn failure(error: ProxyError) -> Failure {
    Failure {
        error,
        trace: Vec::new(),
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
    fn origins_match_the_host_they_were_sent_to() {
        let cases = [
            ("http://127.0.0.1:8080", "127.0.0.1:8080", true),
            ("https://lading.example", "lading.example", true),
            ("https://Lading.Example", "lading.example:443", true),
            ("http://lading.example:80", "lading.example", true),
            ("https://lading.example", "lading.example:8443", false),
            ("http://evil.example", "lading.example", false),
            ("http://127.0.0.1:8081", "127.0.0.1:8080", false),
            ("http://[::1]:8080", "[::1]:8080", true),
            ("null", "lading.example", false),
            ("file://", "lading.example", false),
        ];
        for (origin, host, want) in cases {
            assert_eq!(same_origin(origin, host), want, "{origin} vs {host}");
        }
    }
}
