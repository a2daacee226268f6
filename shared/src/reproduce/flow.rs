//! What the trace says about how this registry is spoken to, read once for every generator:
//! the base URL, the authentication scheme (with the realm, service and exact scopes a
//! token was requested for), the manifest `Accept` list, whether a `HEAD` came first, where
//! blobs were redirected, and the page size used for lists.

use serde::{Deserialize, Serialize};

use super::Subject;
use super::query::query_values;
use crate::api::{Exchange, ExchangePurpose};
use crate::media_type::MANIFEST_ACCEPT;
use crate::reference::{DOCKER_HUB, DOCKER_HUB_API_HOST};

/// How the registry wanted to be authenticated, as its challenge said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum Auth {
    /// `GET /v2/` answered 200 (or the trace has no challenge): no credentials asked.
    Anonymous,
    /// `WWW-Authenticate: Basic`: username and password on every request.
    Basic,
    /// `WWW-Authenticate: Bearer realm=…,service=…`: a token from the realm, for `scopes`.
    Bearer {
        realm: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        /// The `scope` values of the token request(s), exactly as sent, first request first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scopes: Vec<String>,
    },
}

/// The lanes of a sequence diagram: who took part in an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    Browser,
    Lading,
    Registry,
    TokenServer,
    Cdn,
    /// A web API beside the registry (Docker Hub's, Quay's, Harbor's).
    WebApi,
}

impl Lane {
    pub const ALL: [Lane; 6] = [
        Lane::Browser,
        Lane::Lading,
        Lane::Registry,
        Lane::TokenServer,
        Lane::Cdn,
        Lane::WebApi,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Lane::Browser => "Browser",
            Lane::Lading => "Lading",
            Lane::Registry => "Registry",
            Lane::TokenServer => "Token server",
            Lane::Cdn => "CDN",
            Lane::WebApi => "Web API",
        }
    }

    /// Where an upstream exchange went (the proxy made every one of them).
    pub fn of(exchange: &Exchange) -> Lane {
        match exchange.purpose {
            ExchangePurpose::Token | ExchangePurpose::RefreshToken => Lane::TokenServer,
            ExchangePurpose::Redirect | ExchangePurpose::ForeignLayer => Lane::Cdn,
            ExchangePurpose::HubSignIn | ExchangePurpose::HubApi | ExchangePurpose::RegistryApi => {
                Lane::WebApi
            }
            _ => Lane::Registry,
        }
    }
}

/// A view and what its trace says about the registry: the input of every generator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub subject: Subject,
    /// `scheme://host[:port]` the registry API was reached at (`https://registry-1.docker.io`).
    pub base_url: String,
    pub auth: Auth,
    /// The view was made with credentials (the scripts then require `REGISTRY_USER` and
    /// `REGISTRY_PASSWORD`; otherwise they use them only when set).
    pub credentials: bool,
    /// The manifest `Accept` list as sent, most specific first.
    pub accept: Vec<String>,
    /// The manifest was resolved with `HEAD` first (its digest without a pull counted).
    pub head_first: bool,
    /// Hosts blobs were redirected to (CDNs, object stores), in the order seen.
    pub redirect_hosts: Vec<String>,
    /// The `n` of the first list page (tags, catalog), when one was sent.
    pub page_size: Option<u32>,
    /// List pages fetched (tags, catalog, Hub API).
    pub pages: u32,
    /// The trace this was read from (the exports and the diagram draw every exchange).
    pub trace: Vec<Exchange>,
}

impl Flow {
    /// Reads `trace` (which may be empty: a download view has none of its own) for `subject`.
    pub fn new(subject: Subject, trace: &[Exchange]) -> Flow {
        let registry_exchanges = || trace.iter().filter(|e| Lane::of(e) == Lane::Registry);
        let base_url = registry_exchanges()
            .find_map(|e| origin(&e.url))
            .unwrap_or_else(|| registry_base_url(subject.registry()));
        let manifest = trace.iter().find(|e| {
            matches!(
                e.purpose,
                ExchangePurpose::ManifestHead | ExchangePurpose::ManifestGet
            )
        });
        let accept = manifest
            .and_then(|e| header(&e.request_headers, "accept"))
            .map(|value| {
                value
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|list| !list.is_empty())
            .unwrap_or_else(|| MANIFEST_ACCEPT.iter().map(|t| t.to_string()).collect());
        let head_first = trace
            .iter()
            .any(|e| e.purpose == ExchangePurpose::ManifestHead);
        let mut redirect_hosts: Vec<String> = Vec::new();
        for e in trace
            .iter()
            .filter(|e| e.purpose == ExchangePurpose::Redirect)
        {
            if let Some(host) =
                origin(&e.url).and_then(|o| o.split_once("://").map(|(_, h)| h.to_string()))
                && !redirect_hosts.contains(&host)
            {
                redirect_hosts.push(host);
            }
        }
        let list_purposes = [ExchangePurpose::TagPage, ExchangePurpose::CatalogPage];
        let page_size = trace
            .iter()
            .find(|e| list_purposes.contains(&e.purpose))
            .and_then(|e| query_values(&e.url, "n").into_iter().next())
            .and_then(|n| n.parse().ok());
        let pages = trace
            .iter()
            .filter(|e| list_purposes.contains(&e.purpose) && e.status.is_some_and(|s| s < 400))
            .count() as u32;
        // Basic credentials went somewhere: to the registry, or to its token server.
        let credentials = sent_authorization(trace, "basic", |_| true);
        Flow {
            auth: read_auth(trace),
            subject,
            base_url,
            credentials,
            accept,
            head_first,
            redirect_hosts,
            page_size,
            pages,
            trace: trace.to_vec(),
        }
    }

    /// The registry as a person names it (`docker.io`).
    pub fn registry(&self) -> &str {
        self.subject.registry()
    }

    /// The scope a token for this view is asked for: the trace's first, else the one the
    /// view needs (`repository:NAME:pull`, or `registry:catalog:*`).
    pub fn scope(&self) -> Option<String> {
        if let Auth::Bearer { scopes, .. } = &self.auth
            && let Some(first) = scopes.first()
        {
            return Some(first.clone());
        }
        match &self.subject {
            Subject::Catalog { .. } => Some("registry:catalog:*".to_string()),
            Subject::Tags { repository } => {
                Some(format!("repository:{}:pull", repository.repository))
            }
            other => other
                .image()
                .map(|image| format!("repository:{}:pull", image.reference.repository)),
        }
    }
}

/// Where a registry's API is when the trace does not say: plain HTTP only for literal
/// loopback names (as the proxy and Docker do), Docker Hub at its API host.
pub fn registry_base_url(registry: &str) -> String {
    if registry == DOCKER_HUB {
        return format!("https://{DOCKER_HUB_API_HOST}");
    }
    let host = registry
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(registry, |(host, _)| host);
    let loopback = host == "localhost"
        || host == "[::1]"
        || (host.starts_with("127.")
            && host.split('.').count() == 4
            && host.split('.').all(|p| p.parse::<u8>().is_ok()));
    let scheme = if loopback { "http" } else { "https" };
    format!("{scheme}://{registry}")
}

/// The challenge of the first 401 from the registry, and the scopes of the token requests.
fn read_auth(trace: &[Exchange]) -> Auth {
    let challenge = trace
        .iter()
        .filter(|e| Lane::of(e) == Lane::Registry && e.status == Some(401))
        .find_map(|e| header(&e.response_headers, "www-authenticate"));
    let Some(challenge) = challenge else {
        // No challenge seen, but a token was requested (a cached challenge): still Bearer.
        // A warm trace (Lading already held the token) shows only the Authorization it sent.
        let sent = |scheme| sent_authorization(trace, scheme, |lane| lane == Lane::Registry);
        return match trace.iter().find(|e| e.purpose.is_token()) {
            Some(token) => bearer_from_token_request(trace, &token.url),
            None if sent("basic") => Auth::Basic,
            // The realm is read from the challenge when the script runs.
            None if sent("bearer") => Auth::Bearer {
                realm: String::new(),
                service: None,
                scopes: Vec::new(),
            },
            None => Auth::Anonymous,
        };
    };
    let lower = challenge.trim_start().to_ascii_lowercase();
    if lower.starts_with("basic") {
        return Auth::Basic;
    }
    if !lower.starts_with("bearer") {
        return Auth::Anonymous;
    }
    let realm = challenge_param(challenge, "realm").unwrap_or_default();
    let service = challenge_param(challenge, "service");
    let scopes = token_scopes(trace);
    Auth::Bearer {
        realm,
        service,
        scopes,
    }
}

/// Whether a request to a lane `to` accepts carried `Authorization: SCHEME …`.
fn sent_authorization(trace: &[Exchange], scheme: &str, to: impl Fn(Lane) -> bool) -> bool {
    trace.iter().any(|e| {
        to(Lane::of(e))
            && header(&e.request_headers, "authorization")
                .is_some_and(|v| v.to_ascii_lowercase().starts_with(scheme))
    })
}

fn bearer_from_token_request(trace: &[Exchange], url: &str) -> Auth {
    let realm = url.split('?').next().unwrap_or(url).to_string();
    let service = query_values(url, "service").into_iter().next();
    Auth::Bearer {
        realm,
        service,
        scopes: token_scopes(trace),
    }
}

fn token_scopes(trace: &[Exchange]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for e in trace.iter().filter(|e| e.purpose.is_token()) {
        for scope in query_values(&e.url, "scope") {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
    }
    scopes
}

/// A parameter of a challenge (`realm="https://auth.docker.io/token"`), quoted or not.
fn challenge_param(challenge: &str, name: &str) -> Option<String> {
    let lower = challenge.to_ascii_lowercase();
    let needle = format!("{name}=");
    let mut from = 0;
    while let Some(at) = lower[from..].find(&needle) {
        let start = from + at;
        let boundary = start == 0 || matches!(lower.as_bytes()[start - 1], b' ' | b',' | b'\t');
        let value = &challenge[start + needle.len()..];
        if boundary {
            return Some(match value.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next().unwrap_or_default().to_string(),
                None => value
                    .split([',', ' '])
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            });
        }
        from = start + needle.len();
    }
    None
}

fn header<'a>(headers: &'a [crate::api::Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// `scheme://authority` of an absolute URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests;
