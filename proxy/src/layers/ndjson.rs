//! Listing events as an NDJSON response: one JSON object per line, written as they come so
//! the page can render the first entries of a large layer while the rest streams.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use lading_shared::layer::{Entry, ListingEvent};
use tokio::sync::mpsc;

use super::listing::BATCH_ENTRIES;

/// Lines waiting to be written to a slow client before the listing pauses.
pub const EVENTS_IN_FLIGHT: usize = 16;
pub const CONTENT_TYPE: &str = "application/x-ndjson";

pub fn channel() -> (mpsc::Sender<ListingEvent>, mpsc::Receiver<ListingEvent>) {
    mpsc::channel(EVENTS_IN_FLIGHT)
}

/// The response body: every event the channel yields, one line each, until it closes.
pub fn response(events: mpsc::Receiver<ListingEvent>) -> Response {
    let lines = futures_util::stream::unfold(events, |mut events| async move {
        let event = events.recv().await?;
        Some((Ok::<_, Infallible>(line(&event)), events))
    });
    let mut response = Response::new(Body::from_stream(lines));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub fn line(event: &ListingEvent) -> Bytes {
    // Serialising plain data to a Vec cannot fail.
    let mut bytes = serde_json::to_vec(event).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

/// Sends `entries` as `Entries` lines of at most [`BATCH_ENTRIES`]; `false` once the client
/// went away.
pub async fn send_entries(events: &mpsc::Sender<ListingEvent>, entries: &[Entry]) -> bool {
    for batch in entries.chunks(BATCH_ENTRIES) {
        let event = ListingEvent::Entries {
            entries: batch.to_vec(),
        };
        if events.send(event).await.is_err() {
            return false;
        }
    }
    true
}
