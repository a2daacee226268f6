//! One exchange of the protocol as the proxy recorded it, with its purpose typed.

use serde::{Deserialize, Serialize};

/// One HTTP exchange the proxy made with a registry, token server or CDN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    /// `None` when no response arrived (refused, timed out, connection failed).
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// Headers as sent; credentials replaced by `<redacted …>`.
    pub request_headers: Vec<Header>,
    /// Headers as received; tokens and cookies replaced by `<redacted …>`.
    pub response_headers: Vec<Header>,
    /// What step of the protocol this exchange was, as data (the note is for people).
    #[serde(default)]
    pub purpose: ExchangePurpose,
    /// Why this exchange happened or how it ended ("token request", "redirect to CDN", …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When the request was sent, milliseconds since the Unix epoch (HAR needs a start time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_unix_ms: Option<u64>,
    /// The response's HTTP version (`HTTP/1.1`, `HTTP/2.0`), when one arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// For a failed exchange (status 400 and up): the start of the body the registry sent,
    /// as text, redacted like the rest and cut at [`MAX_ERROR_BODY_CHARS`] — what the
    /// registry itself said went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_body: Option<String>,
}

/// The most characters of an error body an [`Exchange`] keeps.
pub const MAX_ERROR_BODY_CHARS: usize = 2048;

/// The protocol step an [`Exchange`] performed, so a page or a test can group and label the
/// conversation without reading prose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangePurpose {
    /// `GET /v2/`: which authentication the registry wants.
    Ping,
    /// A token request to the realm of a `Bearer` challenge.
    Token,
    /// A token refreshed with a refresh token (`POST` to the realm).
    RefreshToken,
    /// `HEAD` of a manifest: its digest without a pull counted.
    ManifestHead,
    /// `GET` of a manifest.
    ManifestGet,
    /// `GET /v2/…/tags/list`, one page.
    TagPage,
    /// `GET` of a config blob.
    Config,
    /// `GET` of a layer or other blob (maybe a `Range`).
    Blob,
    /// The same blob from where the registry redirected (a CDN or object store).
    Redirect,
    /// A layer fetched from a foreign `urls` entry instead of the registry.
    ForeignLayer,
    /// `GET` of a manifest after its `HEAD` failed, only to read the registry's error body.
    ErrorBody,
    /// `GET /v2/_catalog`, one page.
    CatalogPage,
    /// `POST hub.docker.com/v2/auth/token`: signing in to Docker Hub's web API (not the
    /// registry).
    HubSignIn,
    /// A call to Docker Hub's web API (`hub.docker.com/v2/…`): namespaces, tag details.
    HubApi,
    /// A registry's own REST API beside the registry protocol (Quay, Harbor): tag dates.
    RegistryApi,
    /// `GET /v2/…/referrers/<digest>`, one page, or a look-up of a referrers or cosign tag.
    Referrers,
    /// Anything else.
    #[default]
    Other,
}

impl ExchangePurpose {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            ExchangePurpose::Ping => "ping",
            ExchangePurpose::Token => "token",
            ExchangePurpose::RefreshToken => "token refresh",
            ExchangePurpose::ManifestHead => "manifest digest",
            ExchangePurpose::ManifestGet => "manifest",
            ExchangePurpose::TagPage => "tags page",
            ExchangePurpose::Config => "config",
            ExchangePurpose::Blob => "blob",
            ExchangePurpose::Redirect => "redirected blob",
            ExchangePurpose::ForeignLayer => "foreign layer",
            ExchangePurpose::ErrorBody => "error body",
            ExchangePurpose::CatalogPage => "catalog page",
            ExchangePurpose::HubSignIn => "Hub sign-in",
            ExchangePurpose::HubApi => "Hub API",
            ExchangePurpose::RegistryApi => "registry REST API",
            ExchangePurpose::Referrers => "referrers",
            ExchangePurpose::Other => "other",
        }
    }

    /// Token exchanges: the part of the conversation people find hardest.
    pub fn is_token(self) -> bool {
        matches!(
            self,
            ExchangePurpose::Token | ExchangePurpose::RefreshToken | ExchangePurpose::HubSignIn
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}
