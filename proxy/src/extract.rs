//! Request extractors that answer in the API's error shape rather than axum's plain text.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use lading_shared::api::CREDENTIALS_HEADER;
use serde::de::DeserializeOwned;

use crate::error::{Failure, ProxyError};
use crate::registry::credentials::Credentials;

/// A typed query string; a missing or malformed parameter is a 400 `bad_request`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(Failure {
                error: ProxyError::BadRequest(rejection.body_text()),
                trace: Vec::new(),
            }),
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
            .map_err(|error| Failure {
                error,
                trace: Vec::new(),
            })
    }
}
