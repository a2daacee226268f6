//! The bottom of the stack: every upstream request goes through [`Session::exchange`], which
//! checks the target, applies timeouts, records the exchange and types network failures.

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use lading_shared::api::ExchangePurpose;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Response};
use url::Url;

use super::Session;
use crate::error::{Fetching, ProxyError};
use crate::guard::{Guard, GuardError};
use crate::limits::Limits;
use crate::redact;
use crate::tls::{Clients, Trust};

/// Error bodies are read only this far (enough for any registry's JSON error).
pub const MAX_ERROR_BODY: usize = 64 * 1024;
const USER_AGENT: &str = concat!("lading/", env!("CARGO_PKG_VERSION"));

/// The one HTTP client (with its `--insecure-host` twin): no automatic redirects (each hop is
/// checked by hand), no proxies from the environment, DNS through the guard, the roots of
/// [`Trust`].
pub fn client(guard: &Guard, limits: &Limits, trust: &Trust) -> reqwest::Result<Clients> {
    Clients::build(trust, || {
        builder(guard, limits).timeout(limits.upstream_request)
    })
}

/// The same client for blob bodies, which may rightly take longer than `Limits::upstream_request`:
/// only a stalled read ends them.
pub fn streaming_client(guard: &Guard, limits: &Limits, trust: &Trust) -> reqwest::Result<Clients> {
    Clients::build(trust, || builder(guard, limits))
}

fn builder(guard: &Guard, limits: &Limits) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(guard.resolver())
        .connect_timeout(limits.connect)
        .read_timeout(limits.idle_read)
        .user_agent(USER_AGENT)
}

impl Session {
    /// Sends one request after the guard approves `url`, and records it in the trace.
    pub async fn exchange(
        &self,
        method: Method,
        url: &Url,
        headers: HeaderMap,
        purpose: ExchangePurpose,
        note: Option<&str>,
    ) -> Result<Response, ProxyError> {
        self.exchange_with_body(method, url, headers, None, purpose, note)
            .await
    }

    /// [`Session::exchange`] with a request body (form posts to token servers).
    pub async fn exchange_with_body(
        &self,
        method: Method,
        url: &Url,
        headers: HeaderMap,
        body: Option<String>,
        purpose: ExchangePurpose,
        note: Option<&str>,
    ) -> Result<Response, ProxyError> {
        let pending = self
            .trace
            .start(method.as_str(), url, &headers, purpose, note);
        // Every URL is checked against the registry the person named: the registry itself,
        // or a hop it sent Lading to.
        if let Err(refused) = self.upstream.guard.check_hop(url, &self.base) {
            self.trace
                .finish(pending, None, None, Some(format!("refused: {refused}")));
            return Err(ProxyError::Refused(refused));
        }
        // An `--insecure-host` is chosen per URL, so only hops to that host:port skip the
        // certificate check, and every view that made one says so.
        let (client, insecure) = self.client.pick(url);
        if insecure {
            self.trace.note_insecure_tls();
        }
        let mut request = client.request(method, url.clone()).headers(headers);
        if let Some(body) = body {
            request = request.body(body);
        }
        let sent = request.send().await;
        match sent {
            Ok(response) => {
                self.trace.finish(
                    pending.answered_in(response.version()),
                    Some(response.status().as_u16()),
                    Some(response.headers()),
                    None,
                );
                Ok(response)
            }
            Err(error) => {
                let error = network_error(url, &error);
                self.trace
                    .finish(pending, None, None, Some(error.to_string()));
                Err(error)
            }
        }
    }
}

/// Types a reqwest failure: refused by the guard, a TLS handshake that failed, timed out,
/// or unreachable.
pub fn network_error(url: &Url, error: &reqwest::Error) -> ProxyError {
    let host = url
        .host_str()
        .map_or_else(String::new, |h| match url.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        });
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<GuardError>() {
            return ProxyError::Refused(refused.clone());
        }
        source = e.source();
    }
    if let Some(tls) = crate::tls::failure(&host, error) {
        return tls;
    }
    if error.is_timeout() {
        // Which limit it was (connect, idle read, whole request) decides what a person
        // should suspect: a firewall, a stalled registry, or a huge answer.
        let what = if error.is_connect() {
            "could not connect in time"
        } else {
            "the request timed out: nothing arrived for too long, or it took too long in all"
        };
        return ProxyError::Timeout {
            host,
            what: what.into(),
        };
    }
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        reason = format!("{reason}: {e}");
        source = e.source();
    }
    ProxyError::Unreachable {
        host,
        reason: redacted_reason(reason, error.url().unwrap_or(url)),
    }
}

/// reqwest's message quotes the URL whole ("error sending request for url (…)"), signature
/// and all: the URL is replaced by its redacted form (so the text still reads well), then
/// the rest goes through [`redact::text`] for anything else that looks like a secret.
fn redacted_reason(reason: String, url: &Url) -> String {
    redact::text(&reason.replace(url.as_str(), &redact::url(url)))
}

/// [`network_error`] for a body whose connection broke after the answer began: "while
/// reading `what`" tells a person the registry answered, then stopped.
pub fn network_error_while(url: &Url, error: &reqwest::Error, what: &str) -> ProxyError {
    match network_error(url, error) {
        ProxyError::Unreachable { host, reason } => ProxyError::Unreachable {
            host,
            reason: format!("connection broke while reading {what}: {reason}"),
        },
        other => other,
    }
}

/// Reads a body up to `limit` bytes; more is an error, never a silent truncation.
pub async fn read_capped(
    response: Response,
    limit: usize,
    what: &str,
) -> Result<Bytes, ProxyError> {
    let too_large = || ProxyError::TooLarge {
        what: what.to_string(),
        limit: limit as u64,
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let url = response.url().clone();
    let mut body = BytesMut::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| network_error_while(&url, &e, &format!("the {what}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

impl Session {
    /// What an unsuccessful upstream answer means, with the registry's own error codes.
    pub async fn upstream_failure(&self, response: Response, fetching: Fetching) -> ProxyError {
        let status = response.status().as_u16();
        let retry = retry_after(response.headers());
        let body = self.error_body(response).await;
        ProxyError::from_upstream(status, retry, &body, &self.registry, fetching)
    }
}

impl Session {
    /// Reads an error body (see [`error_body`]) and shows it beside its exchange in the
    /// trace: what the registry itself said went wrong.
    pub async fn error_body(&self, response: Response) -> Bytes {
        let url = response.url().clone();
        let status = response.status().as_u16();
        let body = error_body(response).await;
        self.trace.attach_error_body(&url, status, &body);
        body
    }
}

/// Reads an error body for its registry error codes, at most [`MAX_ERROR_BODY`] bytes.
pub async fn error_body(response: Response) -> Bytes {
    let mut body = BytesMut::new();
    let mut stream = response.bytes_stream();
    while let Some(Ok(chunk)) = stream.next().await {
        let room = MAX_ERROR_BODY.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if room <= chunk.len() {
            break;
        }
    }
    body.freeze()
}

/// `Retry-After` in seconds (the HTTP-date form is rare from registries and ignored).
pub fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Whether two URLs are one origin (scheme, host and port): where a registry's own
/// credentials may go, and where its pagination may lead.
pub fn same_url_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}

pub fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .map(str::to_string)
}
