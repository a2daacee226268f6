//! The proxy's one error type and its one mapping to HTTP status + [`ApiError`].

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lading_shared::ReferenceError;
use lading_shared::api::{
    ApiError, ErrorCode, ErrorKind, Exchange, PlatformCandidate, PullRateLimit, RegistryError,
    RegistryNotes,
};

use crate::guard::GuardError;

/// What was being fetched when an upstream failed; decides 404 kinds and wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetching {
    Ping,
    Token,
    Manifest,
    Blob,
    Tags,
}

impl Fetching {
    fn noun(self) -> &'static str {
        match self {
            Fetching::Ping => "registry API root",
            Fetching::Token => "token",
            Fetching::Manifest => "manifest",
            Fetching::Blob => "blob",
            Fetching::Tags => "tag list",
        }
    }
}

/// `Clone` so a failure shared by waiters (a listing read once for several requests) reaches
/// each of them whole: kind, `Retry-After`, registry errors.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProxyError {
    #[error("{0}")]
    InvalidReference(#[from] ReferenceError),
    #[error("{0}")]
    BadRequest(String),
    /// The request itself is not allowed (a cross-site form post).
    #[error("{0}")]
    Forbidden(String),
    /// The request named a host this instance does not serve (`crate::host`).
    #[error("{0}")]
    MisdirectedHost(String),
    #[error("{message}")]
    Upstream {
        kind: ErrorKind,
        message: String,
        registry: String,
        errors: Vec<RegistryError>,
        retry_after: Option<u64>,
        /// Near matches (tags close to a missing one), registry text.
        suggestions: Vec<String>,
    },
    #[error("{0}")]
    Refused(GuardError),
    #[error("could not reach {host}: {reason}")]
    Unreachable { host: String, reason: String },
    /// The TLS handshake failed; `problem` says how (unknown issuer, name mismatch,
    /// expired) and the message names `--ca-cert` (or `--insecure-host`) as the fix.
    #[error("{message}")]
    Tls { host: String, message: String },
    /// The registry has no catalog; the message says what to use instead.
    #[error("{0}")]
    NoCatalog(String),
    #[error("{host} did not answer in time ({what})")]
    Timeout { host: String, what: String },
    #[error("{what} is larger than the {limit}-byte limit")]
    TooLarge { what: String, limit: u64 },
    /// A count past its limit (`what` is plural: "entries in the layer", "tag list pages").
    #[error("more than {limit} {what}, the most Lading accepts")]
    TooMany { what: String, limit: u64 },
    /// This server's own per-client limits (`crate::limits::client`), not the registry's.
    #[error(
        "{reason}: this is Lading's own limit, not the registry's; try again in {retry_after} s"
    )]
    Throttled { reason: String, retry_after: u64 },
    #[error("{0}")]
    BadUpstream(String),
    #[error("{what} did not match its digest: expected {expected}, got {actual}")]
    Integrity {
        what: String,
        expected: String,
        actual: String,
    },
    /// A path or layer that this image or layer does not have (404), with near matches.
    #[error("{message}")]
    NotInImage {
        message: String,
        suggestions: Vec<String>,
    },
    /// The reference names an index; the view needs one of its images (300).
    #[error("{message}")]
    ChoosePlatform {
        message: String,
        candidates: Vec<PlatformCandidate>,
    },
    /// A byte range past the blob's end. The blob route answers it as 416, as it does for a
    /// range it can judge itself; elsewhere the range was Lading's own (a file inside a
    /// layer), so a registry refusing it has broken its own descriptor: 502.
    #[error("{message}")]
    RangeNotSatisfiable { message: String, size: Option<u64> },
    /// Content Lading cannot handle this way; the message says what it can do instead (422).
    #[error("{0}")]
    Unsupported(String),
    /// A fault of this server, not of the request or the registry (500).
    #[error("{0}")]
    Internal(String),
    /// The client went away: nobody is listening, so this is never answered, only logged.
    #[error("the client went away")]
    Cancelled,
}

impl ProxyError {
    /// Turns an unexpected upstream status into a typed error, reading the registry's error
    /// body (already capped by the caller) for codes and messages.
    pub fn from_upstream(
        status: u16,
        retry_after: Option<u64>,
        body: &[u8],
        registry: &str,
        fetching: Fetching,
    ) -> ProxyError {
        let errors = lading_shared::api::parse_registry_errors(body);
        let has = |code: ErrorCode| errors.iter().any(|e| e.code == code);
        let kind = match status {
            401 => ErrorKind::Unauthorized,
            403 if has(ErrorCode::TooManyRequests) => ErrorKind::TooManyRequests,
            403 => ErrorKind::Denied,
            404 if has(ErrorCode::NameUnknown) => ErrorKind::NameUnknown,
            404 if has(ErrorCode::BlobUnknown) => ErrorKind::BlobUnknown,
            404 if has(ErrorCode::ManifestUnknown) => ErrorKind::ManifestUnknown,
            404 => match fetching {
                Fetching::Blob => ErrorKind::BlobUnknown,
                Fetching::Tags => ErrorKind::NameUnknown,
                Fetching::Manifest => ErrorKind::ManifestUnknown,
                Fetching::Ping | Fetching::Token => ErrorKind::BadUpstream,
            },
            429 => ErrorKind::TooManyRequests,
            _ => ErrorKind::Upstream,
        };
        let noun = fetching.noun();
        let message = match kind {
            ErrorKind::Unauthorized => {
                format!("{registry} wants credentials for this {noun}, or rejected the ones given")
            }
            ErrorKind::Denied => format!("{registry} denied access to this {noun}"),
            ErrorKind::NameUnknown => format!("{registry} has no such repository"),
            ErrorKind::ManifestUnknown => format!("{registry} has no such tag or digest"),
            ErrorKind::BlobUnknown => format!("{registry} has no such blob"),
            ErrorKind::TooManyRequests => {
                crate::registry::rate_limit::explain_too_many(registry, retry_after, &errors, None)
            }
            ErrorKind::BadUpstream => format!("{registry} answered {status} for the {noun}"),
            _ => format!("{registry} failed with HTTP {status} while serving the {noun}"),
        };
        ProxyError::Upstream {
            kind,
            message,
            registry: registry.to_string(),
            errors,
            retry_after,
            suggestions: Vec::new(),
        }
    }

    /// A registry's rate-limit refusal told with the limit it reported (on the refusal
    /// itself, or earlier in the view): its window says when to try again. Any other error
    /// is returned as it is.
    pub fn with_rate_limit(self, limit: Option<&PullRateLimit>) -> ProxyError {
        match self {
            ProxyError::Upstream {
                kind: ErrorKind::TooManyRequests,
                registry,
                errors,
                retry_after,
                suggestions,
                ..
            } if limit.is_some() => ProxyError::Upstream {
                kind: ErrorKind::TooManyRequests,
                message: crate::registry::rate_limit::explain_too_many(
                    &registry,
                    retry_after,
                    &errors,
                    limit,
                ),
                registry,
                errors,
                retry_after,
                suggestions,
            },
            other => other,
        }
    }

    /// A registry's failure told more precisely (which tag, which near ones); any other
    /// error is returned as it is.
    pub fn explained(self, message: String, suggestions: Vec<String>) -> ProxyError {
        match self {
            ProxyError::Upstream {
                kind,
                registry,
                errors,
                retry_after,
                ..
            } => ProxyError::Upstream {
                kind,
                message,
                registry,
                errors,
                retry_after,
                suggestions,
            },
            other => other,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ProxyError::InvalidReference(_) => ErrorKind::InvalidReference,
            ProxyError::BadRequest(_) => ErrorKind::BadRequest,
            ProxyError::Forbidden(_) => ErrorKind::Denied,
            ProxyError::MisdirectedHost(_) => ErrorKind::MisdirectedHost,
            ProxyError::Upstream { kind, .. } => *kind,
            ProxyError::Refused(GuardError::PortNotAllowed { .. }) => ErrorKind::PortNotAllowed,
            ProxyError::Refused(_) => ErrorKind::RefusedHost,
            ProxyError::Unreachable { .. } => ErrorKind::Unreachable,
            ProxyError::Timeout { .. } => ErrorKind::Timeout,
            ProxyError::TooLarge { .. } | ProxyError::TooMany { .. } => ErrorKind::TooLarge,
            ProxyError::Throttled { .. } => ErrorKind::TooManyRequests,
            ProxyError::BadUpstream(_) | ProxyError::RangeNotSatisfiable { .. } => {
                ErrorKind::BadUpstream
            }
            ProxyError::Integrity { .. } => ErrorKind::Integrity,
            ProxyError::NotInImage { .. } => ErrorKind::NotInImage,
            ProxyError::ChoosePlatform { .. } => ErrorKind::ChoosePlatform,
            ProxyError::Unsupported(_) => ErrorKind::Unsupported,
            ProxyError::Tls { .. } => ErrorKind::Tls,
            ProxyError::NoCatalog(_) => ErrorKind::NoCatalog,
            ProxyError::Internal(_) | ProxyError::Cancelled => ErrorKind::Internal,
        }
    }

    /// Builds the API error with the exchanges made before the failure. Its texts pass
    /// through [`crate::redact`] whatever built them, registry error bodies included.
    pub fn into_api_error(self, trace: Vec<Exchange>, notes: RegistryNotes) -> ApiError {
        let kind = self.kind();
        let message = crate::redact::text(&self.to_string());
        let (mut candidates, mut suggestions) = (Vec::new(), Vec::new());
        let (registry, registry_errors, retry_after) = match self {
            ProxyError::NotInImage {
                suggestions: near, ..
            } => {
                // Paths and tags come from the registry: redacted like any text of its.
                suggestions = near.iter().map(|s| crate::redact::text(s)).collect();
                (None, Vec::new(), None)
            }
            ProxyError::ChoosePlatform {
                candidates: choices,
                ..
            } => {
                candidates = choices;
                (None, Vec::new(), None)
            }
            ProxyError::Upstream {
                registry,
                errors,
                retry_after,
                suggestions: near,
                ..
            } => {
                suggestions = near.iter().map(|s| crate::redact::text(s)).collect();
                (Some(registry), errors, retry_after)
            }
            ProxyError::Unreachable { host, .. }
            | ProxyError::Timeout { host, .. }
            | ProxyError::Tls { host, .. } => (Some(host), Vec::new(), None),
            ProxyError::Throttled { retry_after, .. } => (None, Vec::new(), Some(retry_after)),
            _ => (None, Vec::new(), None),
        };
        ApiError {
            kind,
            message,
            registry,
            registry_errors: crate::redact::registry_errors(registry_errors),
            retry_after,
            candidates,
            suggestions,
            registry_notes: notes,
            trace,
        }
    }
}

/// A failed API call: the error and what was tried before it failed.
#[derive(Debug)]
pub struct Failure {
    pub error: ProxyError,
    pub trace: Vec<Exchange>,
    pub notes: RegistryNotes,
}

/// A failure before any upstream exchange (a bad query, a refused form): no trace to attach.
/// Once a registry has been spoken to, use [`crate::trace::Trace::fail`].
impl From<ProxyError> for Failure {
    fn from(error: ProxyError) -> Failure {
        Failure {
            error,
            trace: Vec::new(),
            notes: RegistryNotes::default(),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = self.error.into_api_error(self.trace, self.notes);
        let status = StatusCode::from_u16(body.kind.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        let retry_after = body.retry_after;
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_kinds() {
        let body = br#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]}"#;
        let cases: [(u16, &[u8], Fetching, ErrorKind); 8] = [
            (401, b"", Fetching::Manifest, ErrorKind::Unauthorized),
            (403, b"", Fetching::Manifest, ErrorKind::Denied),
            (404, body, Fetching::Manifest, ErrorKind::NameUnknown),
            (
                404,
                b"<html>",
                Fetching::Manifest,
                ErrorKind::ManifestUnknown,
            ),
            (404, b"", Fetching::Tags, ErrorKind::NameUnknown),
            (429, b"", Fetching::Manifest, ErrorKind::TooManyRequests),
            (500, b"", Fetching::Blob, ErrorKind::Upstream),
            (404, b"", Fetching::Ping, ErrorKind::BadUpstream),
        ];
        for (status, body, fetching, want) in cases {
            let error = ProxyError::from_upstream(status, None, body, "r.example", fetching);
            assert_eq!(error.kind(), want, "{status} {fetching:?}");
        }
    }
}
