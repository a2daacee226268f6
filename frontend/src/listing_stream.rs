//! Reading a listing as it arrives: the NDJSON body is read chunk by chunk from the fetch
//! `ReadableStream`, split into lines, and handed over one chunk's events at a time, so the
//! first entries show while the proxy is still decompressing the rest of the layer.

use lading_shared::api::ApiError;
use lading_shared::layer::ListingEvent;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, ReadableStreamReadResult};

use crate::api::{cut_off, error_from_body, mismatch, send};
use crate::ndjson::{LineError, LineSplitter};

/// Streams `url`, calling `on_events` with the events of each network chunk. Returning
/// `false` from it (the view went away) cancels the request. `Ok` means the body ended; the
/// caller checks that the last event was `Done` or `Error`.
pub async fn stream_listing(
    url: &str,
    credentials: Option<String>,
    mut on_events: impl FnMut(Vec<ListingEvent>) -> bool,
) -> Result<(), ApiError> {
    let response = send(url, "application/x-ndjson", credentials).await?;
    if !response.ok() {
        let status = response.status();
        let body = response.text().await.map_err(|e| cut_off(&e))?;
        return Err(error_from_body(status, &body));
    }
    let body = response.body().ok_or_else(|| cut_off(&"no body"))?;
    let reader = ReadableStreamDefaultReader::new(&body).map_err(|e| cut_off(&js_text(&e)))?;
    let mut splitter = LineSplitter::default();
    loop {
        let read = JsFuture::from(reader.read())
            .await
            .map_err(|e| cut_off(&js_text(&e)))?;
        let read: ReadableStreamReadResult = read.unchecked_into();
        let lines = if read.get_done().unwrap_or(false) {
            splitter.finish().map(|l| l.into_iter().collect())
        } else {
            let chunk = js_sys::Uint8Array::new(&read.get_value()).to_vec();
            splitter.push(&chunk)
        };
        let lines = lines.map_err(|e| match e {
            LineError::TooLong => mismatch(&"a line longer than any event"),
            LineError::NotUtf8 => mismatch(&"a line that is not UTF-8"),
        })?;
        let events = lines
            .iter()
            .map(|line| serde_json::from_str::<ListingEvent>(line).map_err(|e| mismatch(&e)))
            .collect::<Result<Vec<_>, _>>()?;
        if !events.is_empty() && !on_events(events) {
            // Dropping the promise is enough; nothing waits on it.
            let _ = reader.cancel();
            return Ok(());
        }
        if read.get_done().unwrap_or(false) {
            return Ok(());
        }
    }
}

fn js_text(value: &wasm_bindgen::JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            value
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "a browser error".to_owned())
}
