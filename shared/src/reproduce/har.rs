//! The trace as an HTTP Archive (HAR 1.2), redacted exactly as the Requests panel is: every
//! value comes from the recorded [`Exchange`]s, which the proxy already redacted (tokens,
//! passwords, cookies, signed URL parts), and nothing else is added. Browser devtools and HAR
//! viewers load it; the exchanges keep their order, timing and the registry's error bodies.
//!
//! Fields Lading does not record are given the values HAR reserves for "unknown": `-1` for
//! sizes, empty cookie lists (cookie values are redacted in the headers anyway).

use serde_json::{Value, json};

use super::{Endpoint, Flow};
use crate::api::{Exchange, Header};

mod time;

use super::query::query_pairs;
pub use time::iso8601_utc;

/// The HAR version written.
pub const HAR_VERSION: &str = "1.2";
/// The HTTP version assumed when the trace did not record one.
const DEFAULT_HTTP_VERSION: &str = "HTTP/1.1";
/// The id of the one page (the view) every entry belongs to.
const PAGE_ID: &str = "page_1";

/// The HAR document as JSON text.
pub fn har(flow: &Flow) -> String {
    let starts = start_times(&flow.trace);
    let entries: Vec<Value> = flow
        .trace
        .iter()
        .zip(&starts)
        .map(|(exchange, start)| entry(exchange, *start))
        .collect();
    let page_start = starts.first().copied().unwrap_or(0);
    let mut log = json!({
        "version": HAR_VERSION,
        "creator": { "name": "Lading", "version": env!("CARGO_PKG_VERSION") },
        "pages": [{
            "startedDateTime": iso8601_utc(page_start),
            "id": PAGE_ID,
            "title": flow.subject.describe(),
            "pageTimings": { "onContentLoad": -1, "onLoad": -1 },
            "comment": flow.subject.api_call(),
        }],
        "entries": entries,
        "comment": "Recorded by Lading; credentials, tokens, cookies and URL signatures are redacted.",
    });
    if flow.trace.is_empty() {
        // No exchange of its own (a download view): a page with no entries says nothing.
        if let Some(map) = log.as_object_mut() {
            map.remove("pages");
        }
    }
    let doc = json!({ "log": log });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string())
}

/// When each exchange started (ms since the epoch). An exchange without a recorded start is
/// placed right after the one before it (or, at the head of the trace, back from the first
/// recorded start by the durations between); a trace with no start at all begins at the
/// epoch, so the file stays valid and the order and durations stay true.
fn start_times(trace: &[Exchange]) -> Vec<u64> {
    let base = trace
        .iter()
        .position(|e| e.started_unix_ms.is_some())
        .and_then(|first| {
            let before: u64 = trace[..first].iter().map(|e| e.duration_ms).sum();
            trace[first]
                .started_unix_ms
                .map(|start| start.saturating_sub(before))
        })
        .unwrap_or(0);
    let mut clock = base;
    trace
        .iter()
        .map(|e| {
            let start = e.started_unix_ms.unwrap_or(clock);
            clock = start.saturating_add(e.duration_ms);
            start
        })
        .collect()
}

fn entry(exchange: &Exchange, start_ms: u64) -> Value {
    let http_version = exchange
        .http_version
        .clone()
        .unwrap_or_else(|| DEFAULT_HTTP_VERSION.to_string());
    let mut entry = json!({
        "pageref": PAGE_ID,
        "startedDateTime": iso8601_utc(start_ms),
        "time": exchange.duration_ms,
        "request": request(exchange, &http_version),
        "response": response(exchange, &http_version),
        "cache": {},
        // Lading records one duration per exchange: all of it is waiting for the answer.
        "timings": { "send": 0, "wait": exchange.duration_ms, "receive": 0 },
        "comment": comment(exchange),
    });
    if exchange.status.is_none()
        && let Some(map) = entry.as_object_mut()
    {
        // HAR's convention (Chrome's too) for a request that got no answer.
        let why = exchange.note.as_deref().unwrap_or("no response");
        map.insert("_error".to_string(), Value::String(why.to_string()));
    }
    entry
}

fn request(exchange: &Exchange, http_version: &str) -> Value {
    let query: Vec<Value> = query_pairs(&exchange.url)
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    json!({
        "method": exchange.method,
        "url": exchange.url,
        "httpVersion": http_version,
        "cookies": [],
        "headers": headers(&exchange.request_headers),
        "queryString": query,
        "headersSize": -1,
        "bodySize": -1,
    })
}

fn response(exchange: &Exchange, http_version: &str) -> Value {
    let find = |name: &str| header(&exchange.response_headers, name);
    let mut content = json!({
        "size": content_size(exchange),
        "mimeType": find("content-type").unwrap_or_default(),
    });
    if let (Some(body), Some(map)) = (&exchange.error_body, content.as_object_mut()) {
        map.insert("text".to_string(), Value::String(body.clone()));
    }
    let status = exchange.status.unwrap_or(0);
    json!({
        "status": status,
        "statusText": status_text(status),
        "httpVersion": if exchange.status.is_some() { http_version } else { "" },
        "cookies": [],
        "headers": headers(&exchange.response_headers),
        "content": content,
        "redirectURL": find("location").unwrap_or_default(),
        "headersSize": -1,
        "bodySize": -1,
    })
}

/// The body's length: `Content-Length` when the registry sent one, else the error body kept.
fn content_size(exchange: &Exchange) -> u64 {
    header(&exchange.response_headers, "content-length")
        .and_then(|v| v.trim().parse().ok())
        .or_else(|| exchange.error_body.as_ref().map(|b| b.len() as u64))
        .unwrap_or(0)
}

fn headers(list: &[Header]) -> Vec<Value> {
    list.iter()
        .map(|h| json!({ "name": h.name, "value": h.value }))
        .collect()
}

fn header<'a>(list: &'a [Header], name: &str) -> Option<&'a str> {
    list.iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// What the step was, for a person reading the HAR: the purpose, the spec endpoint, the note.
fn comment(exchange: &Exchange) -> String {
    let mut parts = vec![exchange.purpose.label().to_string()];
    if let Some(endpoint) = Endpoint::of(exchange) {
        match endpoint.id() {
            Some(id) => parts.push(format!("{id} {}", endpoint.route())),
            None => parts.push(endpoint.route().to_string()),
        }
    }
    if let Some(note) = exchange.note.as_deref().filter(|n| !n.is_empty()) {
        parts.push(note.to_string());
    }
    parts.join(" · ")
}

/// The reason phrase of the statuses registries send (HAR requires one; unknown ones are "").
fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests;
