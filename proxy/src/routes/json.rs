//! Large answers whose memory counts against the listing budget until they are sent.
//!
//! A registry can make an answer tens of MiB (a 4 MiB manifest and a 4 MiB config of control
//! characters escape to 34 MB of JSON), and a client that reads it slowly keeps the whole
//! serialised body in memory: 32 such readers held 1.46 GB. So the body is charged to the
//! same budget as listings (`layers::budget`) until its last chunk is taken to be sent, and
//! past the budget the answer is a "busy, retry" instead.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Serialize;

use crate::error::ProxyError;
use crate::layers::budget::{LISTING_MEMORY, Reservation};

/// Bytes per chunk of a large JSON answer.
const CHUNK_BYTES: usize = 64 * 1024;
/// Answers at most this large are not charged: the per-client and total request caps bound
/// them well enough, and most answers are this small.
const UNCHARGED_BYTES: usize = 256 * 1024;

/// An answer's JSON ([`to_json`]), its body charged to the listing budget (refused as busy
/// past it) until its last chunk is taken: `memory`, reserved while the value was built
/// (image answers, tag lists), becomes the body's size.
pub fn charged(bytes: Bytes, mut memory: Reservation) -> Result<Response, ProxyError> {
    if bytes.len() > UNCHARGED_BYTES || memory.bytes() > 0 {
        memory.resize(bytes.len() as u64)?;
    }
    Ok(holding(bytes, memory))
}

/// An answer kept whole by `answer_cache`: the cache holds its bytes already, and every
/// reader shares them, so sending it charges nothing more.
pub fn kept(bytes: Bytes) -> Response {
    json_response(Body::from(bytes))
}

/// `bytes` an answer holds while it is sent (an export's layout files), charged to the
/// budget when they are more than a small answer's.
pub fn charge(bytes: u64) -> Result<Reservation, ProxyError> {
    let mut memory = Reservation::new(&LISTING_MEMORY);
    if bytes > UNCHARGED_BYTES as u64 {
        memory.resize(bytes)?;
    }
    Ok(memory)
}

pub fn to_json<T: Serialize>(value: &T) -> Bytes {
    // Serialising plain data to a Vec cannot fail.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

fn holding(bytes: Bytes, memory: Reservation) -> Response {
    // Nothing charged: nothing to release after the last chunk, so the body goes whole
    // (with its length) instead of as a stream.
    if memory.bytes() == 0 {
        return json_response(Body::from(bytes));
    }
    let chunks: Vec<Bytes> = (0..bytes.len())
        .step_by(CHUNK_BYTES)
        .map(|start| bytes.slice(start..(start + CHUNK_BYTES).min(bytes.len())))
        .collect();
    let chunks = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, Infallible>));
    let release = futures_util::stream::once(async move {
        drop(memory);
        Ok(Bytes::new())
    });
    json_response(Body::from_stream(chunks.chain(release)))
}

fn json_response(body: Body) -> Response {
    let mut response = Response::new(body);
    let json = HeaderValue::from_static("application/json");
    response.headers_mut().insert(header::CONTENT_TYPE, json);
    response
}
