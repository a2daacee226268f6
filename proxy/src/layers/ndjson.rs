//! Listing events as an NDJSON response: one JSON object per line, written as they come so
//! the page can render the first entries of a large layer while the rest streams.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use lading_shared::layer::{Entry, ListingEvent, MergedRow};
use tokio::sync::mpsc;

use super::listing::{BATCH_BYTES, BATCH_ENTRIES, entry_weight};

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

/// Sends `entries` as `Entries` lines of at most [`BATCH_ENTRIES`] and [`BATCH_BYTES`];
/// `false` once the client went away.
pub async fn send_entries(events: &mpsc::Sender<ListingEvent>, entries: &[Entry]) -> bool {
    let mut start = 0;
    while start < entries.len() {
        let (batch, next) = next_batch(entries, start, Entry::clone);
        if events.send(batch).await.is_err() {
            return false;
        }
        start = next;
    }
    true
}

/// Sends a merge's rows as entries (copied a batch at a time, never all at once).
pub async fn send_rows(
    events: &mpsc::Sender<ListingEvent>,
    layers: &[&[Entry]],
    rows: &[MergedRow],
) -> bool {
    let mut start = 0;
    while start < rows.len() {
        let (batch, next) = next_batch(rows, start, |row| row.to_entry(layers));
        if events.send(batch).await.is_err() {
            return false;
        }
        start = next;
    }
    true
}

/// The `Entries` line of `items[start..]` that fits a batch, and where the next one starts.
fn next_batch<T>(items: &[T], start: usize, entry: impl Fn(&T) -> Entry) -> (ListingEvent, usize) {
    let mut entries = Vec::new();
    let mut bytes = 0;
    for item in &items[start..] {
        let entry = entry(item);
        bytes += entry_weight(&entry);
        entries.push(entry);
        if entries.len() >= BATCH_ENTRIES || bytes >= BATCH_BYTES {
            break;
        }
    }
    let next = start + entries.len();
    (ListingEvent::Entries { entries }, next)
}
