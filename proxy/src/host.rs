//! The host names this instance answers for, and the middleware that refuses every other
//! one with 421 Misdirected Request (DNS rebinding).
//!
//! The attack: a page on `http://evil.example:8080` whose name the attacker then re-points
//! at 127.0.0.1. The browser still thinks it talks to evil.example, so the page may read
//! the answers, and in local mode (`--docker-config`) those carry private images fetched
//! with the server's credentials. The one thing the browser cannot hide is the name: it
//! sends `Host: evil.example:8080`. So a request is served only when its host is
//! - an IP literal: rebinding needs a DNS name the attacker controls; a page whose origin is
//!   an IP literal that reaches this socket is this server's own origin (or one forwarded to
//!   it), so every address the machine has works without configuration;
//! - `localhost`: the machine answers it itself (`/etc/hosts`, RFC 6761). Names under
//!   `.localhost` are not taken on trust: Chrome and Firefox resolve them to loopback, but
//!   other clients ask the network's DNS, which whoever runs the network may answer; a
//!   developer who uses one passes it as a `--public-url`;
//! - the host of a `--public-url` (the name people use behind a reverse proxy).
//!
//! Ports are not compared: port mappings (`docker run -p 9000:8080`) and proxies change them,
//! and the attack is in the name. A request with no host at all (HTTP/1.0, in-process tests)
//! passes: browsers always send one, and a non-browser client can send any name it likes,
//! so for it the check is no barrier anyway.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::error::{Failure, ProxyError};

/// A refused host is quoted back at most this long (a DNS name is at most 253 characters).
pub const MAX_QUOTED_HOST: usize = 260;

/// A `--public-url`: the `http(s)://host[:port]` people open; only its scheme, host and port
/// are used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(Url);

impl FromStr for PublicUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<PublicUrl, String> {
        let url = Url::parse(text).map_err(|e| format!("{text:?} is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("{text:?}: a public URL is http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("{text:?}: a public URL names a host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "{text:?}: a public URL has no user name or password"
            ));
        }
        Ok(PublicUrl(url))
    }
}

impl PublicUrl {
    /// The host name, normalized like a request's.
    fn name(&self) -> String {
        normal_name(self.0.host_str().unwrap_or_default())
    }

    /// `https://lading.example` (default port left out), as browsers send `Origin`.
    fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }
}

/// The names this instance serves.
#[derive(Debug, Clone, Default)]
pub struct ServedHosts {
    public: Vec<PublicUrl>,
}

impl ServedHosts {
    pub fn new(public: Vec<PublicUrl>) -> ServedHosts {
        ServedHosts { public }
    }

    /// Whether `host` (a `Host` header's host part, any case, maybe with a trailing dot)
    /// is one of ours.
    pub fn serves(&self, host: &str) -> bool {
        let name = normal_name(host);
        let ip_literal = name.parse::<Ipv4Addr>().is_ok()
            || name
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .is_some_and(|n| n.parse::<Ipv6Addr>().is_ok());
        ip_literal || name == "localhost" || self.public.iter().any(|url| url.name() == name)
    }

    /// Whether a form posted with `Origin: origin` comes from one of this instance's pages:
    /// the origin of a `--public-url`, or the very host the request was sent to (`host`,
    /// already checked by [`check`]) when that host is served.
    pub fn allows_origin(&self, origin: &str, host: Option<&str>) -> bool {
        if let Ok(url) = Url::parse(origin)
            && self
                .public
                .iter()
                .any(|public| public.origin() == url.origin().ascii_serialization())
        {
            return true;
        }
        let Some(host) = host else {
            return false;
        };
        let served = host
            .parse::<Authority>()
            .is_ok_and(|a| self.serves(a.host()));
        served && same_origin(origin, host)
    }
}

/// What [`check`] found, left in the request's extensions for the `POST` Origin check.
#[derive(Debug, Clone)]
pub struct RequestHost {
    /// The authority the request was sent to (`Host`, or the absolute URI's), if any.
    pub authority: Option<String>,
    pub hosts: Arc<ServedHosts>,
}

/// The middleware around every route but health: a host we do not serve is a 421.
pub async fn check(
    State(hosts): State<Arc<ServedHosts>>,
    mut request: Request,
    next: Next,
) -> Response {
    let authority = match request_authority(&request, &hosts) {
        Ok(authority) => authority,
        // The API answers in its error shape; a page a person opened gets the same words as
        // plain text rather than a JSON document.
        Err(error) if !request.uri().path().starts_with("/api/") => {
            let text = format!("421 Misdirected Request\n\n{error}.\n");
            let content_type = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
            return (StatusCode::MISDIRECTED_REQUEST, content_type, text).into_response();
        }
        Err(error) => {
            return Failure::from(error).into_response();
        }
    };
    request.extensions_mut().insert(RequestHost {
        authority: authority.map(|a| a.as_str().to_ascii_lowercase()),
        hosts,
    });
    next.run(request).await
}

/// The host the request names: the absolute URI's authority (RFC 9112 §3.2.2 says it wins)
/// and the `Host` header must agree, there must be at most one `Host`, and its name must be
/// served.
fn request_authority(
    request: &Request,
    hosts: &ServedHosts,
) -> Result<Option<Authority>, ProxyError> {
    let mut headers = request.headers().get_all(header::HOST).iter();
    let header = headers.next();
    if headers.next().is_some() {
        return Err(misdirected(
            "the request has more than one Host header".into(),
        ));
    }
    let header = header
        .map(|value| {
            let text = value.to_str().unwrap_or_default();
            match text.parse::<Authority>() {
                Ok(authority) if !text.contains('@') => Ok(authority),
                _ => Err(misdirected(format!(
                    "the Host header {:?} is not a host name with an optional port",
                    quoted(text)
                ))),
            }
        })
        .transpose()?;
    let uri = request.uri().authority().cloned();
    let authority = match (uri, header) {
        (Some(uri), Some(header)) if !same_authority(&uri, &header) => {
            return Err(misdirected(format!(
                "the request names two hosts: {} in its URI and {} in its Host header",
                quoted(uri.as_str()),
                quoted(header.as_str())
            )));
        }
        (uri, header) => uri.or(header),
    };
    match authority {
        Some(authority) if !hosts.serves(authority.host()) => Err(not_served(&authority)),
        authority => Ok(authority),
    }
}

fn same_authority(a: &Authority, b: &Authority) -> bool {
    normal_name(a.host()) == normal_name(b.host()) && a.port_u16() == b.port_u16()
}

/// Lowercase, without the one trailing dot of a fully qualified name (`localhost.`).
fn normal_name(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.strip_suffix('.') {
        Some(name) => name.to_string(),
        None => host,
    }
}

fn not_served(authority: &Authority) -> ProxyError {
    let name = quoted(authority.host());
    let url = format!("http://{}", quoted(authority.as_str()));
    misdirected(format!(
        "this Lading does not serve the host name {name}: it answers only for localhost, IP \
         addresses and its --public-url, so that a page on another name pointed at this \
         server (DNS rebinding) cannot read it. If people reach Lading as {name}, start it \
         with --public-url {url} (or LADING_PUBLIC_URL; https:// behind a TLS proxy)"
    ))
}

fn misdirected(message: String) -> ProxyError {
    ProxyError::MisdirectedHost(message)
}

/// Attacker-chosen text, cut to a length a message can carry.
fn quoted(text: &str) -> String {
    text.chars().take(MAX_QUOTED_HOST).collect()
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

#[cfg(test)]
mod tests;
