//! What each fault sends: statuses, redirects, wrong or cut bodies, drips and endless
//! streams, each stopping by itself at [`MAX_FAULT_BYTES`] or [`MAX_FAULT_TIME`].

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::answers::body_of;
use super::socket::Connection;
use super::{Fault, MAX_FAULT_BYTES, MAX_FAULT_TIME, Shared, Target};
use crate::fixtures::noise;

/// Pause before a cut: lets the half body leave the socket before the reset or close.
const FLUSH_PAUSE: Duration = Duration::from_millis(50);
/// Chunk of an endless body.
const ENDLESS_CHUNK: usize = 64 * 1024;

pub(super) fn faulty(
    s: &Shared,
    target: Target,
    fault: Fault,
    uri: &Uri,
    conn: &Connection,
) -> Response {
    let (content_type, body) = body_of(s, target);
    let typed = |status: StatusCode, content_type: &str, body: Body| {
        (
            status,
            [(header::CONTENT_TYPE, content_type.to_string())],
            body,
        )
            .into_response()
    };
    match fault {
        Fault::Status { status, json_body } => {
            let status = StatusCode::from_u16(status).expect("a valid status");
            let body = json!({ "errors": [{ "code": "UNAVAILABLE", "message": format!("injected fault: HTTP {}", status.as_u16()) }] });
            if json_body {
                (status, axum::Json(body)).into_response()
            } else {
                status.into_response()
            }
        }
        Fault::TooManyRequests { retry_after } => {
            let body = json!({ "errors": [{ "code": "TOOMANYREQUESTS", "message": "pull rate limit exceeded" }] });
            let headers = [(header::RETRY_AFTER, retry_after.to_string())];
            (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response()
        }
        Fault::ResetMidBody => {
            conn.reset.store(true, Ordering::SeqCst);
            cut(content_type, body, true)
        }
        Fault::Truncated => cut(content_type, body, false),
        Fault::WrongDigest => {
            let mut bytes = body.to_vec();
            if target == Target::Manifest {
                bytes.push(b'\n');
            } else {
                let middle = bytes.len() / 2;
                bytes[middle] ^= 0xff;
            }
            typed(StatusCode::OK, content_type, bytes.into())
        }
        Fault::SlowDrip { every } => drip(content_type, body, every),
        Fault::Endless => endless(content_type, body),
        Fault::RedirectLoop => {
            let here = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
            let location = [(header::LOCATION, here.to_string())];
            (StatusCode::TEMPORARY_REDIRECT, location).into_response()
        }
        Fault::Down => {
            let location = format!("http://127.0.0.1:{}{}", s.closed_port, uri.path());
            (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Fault::Html => {
            let page = "<!doctype html><html><head><title>Sign in</title></head>\
                        <body><h1>Please sign in to continue</h1></body></html>";
            typed(StatusCode::OK, "text/html; charset=utf-8", page.into())
        }
        Fault::MalformedJson => {
            let cut_json = r#"{"schemaVersion": 2, "mediaType": "#;
            typed(StatusCode::OK, content_type, cut_json.into())
        }
        Fault::ContentTypeLies => typed(StatusCode::OK, "text/html", body.into()),
        Fault::TokenMissing => {
            let body = json!({ "expires_in": 300, "issued_at": "2024-01-02T03:04:05Z" });
            typed(StatusCode::OK, "application/json", body.to_string().into())
        }
        Fault::TokenNotString => {
            let body = json!({ "token": 42, "expires_in": 300 });
            typed(StatusCode::OK, "application/json", body.to_string().into())
        }
    }
}

/// Half of `body` under the whole one's `Content-Length`, then an end: an error (hyper
/// drops the connection; with `reset` set, [`FaultIo`] turns that into a RST) or a clean
/// end of the stream (hyper sees the body short and closes).
fn cut(content_type: &'static str, body: Bytes, reset: bool) -> Response {
    let total = body.len();
    let half = body.slice(..total / 2);
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok(half), 1)),
                1 => {
                    tokio::time::sleep(FLUSH_PAUSE).await;
                    if reset {
                        Some((Err(std::io::Error::other("injected reset")), 2))
                    } else {
                        None
                    }
                }
                _ => None,
            }
        }
    });
    sized(content_type, total, Body::from_stream(stream))
}

fn drip(content_type: &'static str, body: Bytes, every: Duration) -> Response {
    let total = body.len();
    let started = Instant::now();
    let stream = futures_util::stream::unfold(0usize, move |at| {
        let body = body.clone();
        async move {
            if at >= body.len() {
                return None;
            }
            if started.elapsed() > MAX_FAULT_TIME {
                return Some((Err(std::io::Error::other("drip capped")), body.len()));
            }
            tokio::time::sleep(every).await;
            Some((Ok(body.slice(at..at + 1)), at + 1))
        }
    });
    sized(content_type, total, Body::from_stream(stream))
}

/// `body`, then noise: a client that trusts the stream's end never stops; one that knows
/// the size stops right after `body`.
fn endless(content_type: &'static str, body: Bytes) -> Response {
    let chunk = Bytes::from(noise(7, ENDLESS_CHUNK));
    let started = Instant::now();
    let first = body.len() as u64;
    let stream = futures_util::stream::unfold(0u64, move |sent| {
        let (chunk, body) = (chunk.clone(), body.clone());
        async move {
            if sent == u64::MAX {
                return None;
            }
            if sent >= MAX_FAULT_BYTES || started.elapsed() > MAX_FAULT_TIME {
                return Some((Err(std::io::Error::other("endless body capped")), u64::MAX));
            }
            if sent == 0 && first > 0 {
                return Some((Ok(body), first));
            }
            Some((Ok(chunk), sent + ENDLESS_CHUNK as u64))
        }
    });
    (
        [(header::CONTENT_TYPE, content_type)],
        Body::from_stream(stream),
    )
        .into_response()
}

fn sized(content_type: &'static str, total: usize, body: Body) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, total.into());
    response
}
