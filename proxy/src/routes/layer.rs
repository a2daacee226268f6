//! `GET /api/layer` (one layer's entries), `/api/merged` (the image's filesystem) and
//! `/api/file` (one file's bytes; as a download also a `POST` form, see [`Download`]).
//! Failures before the answer starts (bad reference, auth, a layer not in the image) are the
//! usual JSON error; listings then stream NDJSON and end in `Done` or `Error`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use lading_shared::layer::{
    FilePreview, LayerQuery, ListingEvent, ListingSummary, file_name, merge_layers, normalize_path,
};
use lading_shared::{Descriptor, Digest};
use tokio::sync::mpsc;

use super::blob::open_image;
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::{ApiQuery, BrowserCredentials, Download};
use crate::layers::image::{
    all_listings, data_entry, layer_index, layer_info, listing_of, locate_in_layer, locate_merged,
    open_layer, read_listing, sniff,
};
use crate::layers::listing::Listing;
use crate::layers::merged::{merge_input, merge_memory};
use crate::layers::source::{ByteStream, Progress};
use crate::layers::{file, ndjson};
use crate::registry::Session;
use crate::registry::credentials::Credentials;
use crate::registry::image::ResolvedImage;
use crate::trace::Trace;

/// Largest preview answered as JSON (base64 grows it by a third).
pub const MAX_PREVIEW_BYTES: u64 = 1024 * 1024;

pub async fn list_layer(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    ApiQuery(query): ApiQuery<LayerQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let fail = |error| Failure {
        error,
        trace: trace.exchanges(),
    };
    let digest = required_digest(&query).map_err(fail)?;
    let (session, _, image) = open_image(&state, credentials, &query, &trace)
        .await
        .map_err(fail)?;
    let index = layer_index(&image, &digest).map_err(fail)?;
    let descriptor = image.manifest.layers[index].clone();
    let (events, lines) = ndjson::channel();
    match state.upstream.listings.get(&image, &digest).await {
        Some(listing) => {
            tokio::spawn(send_cached(events, descriptor, listing, trace));
        }
        None => {
            let body = open_layer(&session, &image.repository, &descriptor)
                .await
                .map_err(fail)?;
            let layer = Layer { image, descriptor };
            tokio::spawn(stream_layer(session, layer, body, events, trace));
        }
    }
    Ok(ndjson::response(lines))
}

async fn send_cached(
    events: mpsc::Sender<ListingEvent>,
    descriptor: Descriptor,
    listing: Arc<Listing>,
    trace: Trace,
) {
    // Told as a read of the whole layer: the answer must not tell whether it was cached.
    let start = ListingEvent::Start {
        layers: vec![layer_info(&descriptor, Some(listing.compression))],
        total_bytes: descriptor.size,
    };
    let progress = ListingEvent::Progress {
        read_bytes: descriptor.size,
    };
    if events.send(start).await.is_err()
        || events.send(progress).await.is_err()
        || !ndjson::send_entries(&events, &listing.entries).await
    {
        return;
    }
    let _ = events.send(done(&[listing], None, trace)).await;
}

/// A layer of a resolved image (the image is the cache's proof of access).
struct Layer {
    image: ResolvedImage,
    descriptor: Descriptor,
}

async fn stream_layer(
    session: Session,
    Layer { image, descriptor }: Layer,
    body: ByteStream,
    events: mpsc::Sender<ListingEvent>,
    trace: Trace,
) {
    // The first bytes name the compression for the `Start` line.
    let sniffed = sniff(body).await;
    let mut info = layer_info(&descriptor, None);
    info.compression = sniffed.as_ref().ok().map(|(compression, _)| *compression);
    let start = ListingEvent::Start {
        layers: vec![info],
        total_bytes: descriptor.size,
    };
    if events.send(start).await.is_err() {
        return;
    }
    let body = match sniffed {
        Ok((_, body)) => body,
        Err(error) => {
            let error = ListingEvent::Error(error.into_api_error(trace.exchanges()));
            let _ = events.send(error).await;
            return;
        }
    };
    let progress = Progress::new(events.clone(), 0);
    let listed = read_listing(
        body,
        session.upstream.limits.layer,
        Some(progress),
        Some(events.clone()),
    )
    .await;
    let last = match listed {
        Ok(listing) => {
            let cache = &session.upstream.listings;
            cache
                .insert(&image, &descriptor.digest, listing.clone())
                .await;
            done(&[listing], None, trace)
        }
        Err(error) => ListingEvent::Error(error.into_api_error(trace.exchanges())),
    };
    let _ = events.send(last).await;
}

pub async fn list_merged(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    ApiQuery(query): ApiQuery<LayerQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let (session, _, image) = open_image(&state, credentials, &query, &trace)
        .await
        .map_err(|error| Failure {
            error,
            trace: trace.exchanges(),
        })?;
    let (events, lines) = ndjson::channel();
    tokio::spawn(async move {
        let last = match all_listings(&session, &image, Some(&events)).await {
            Ok(listings) => {
                // Over the listings as held: rows, copied into entries a batch at a time.
                let layers = merge_input(&listings);
                let merged =
                    merge_memory(&layers).map(|memory| (memory, merge_layers(&layers, true)));
                match merged {
                    Ok((_memory, rows)) => {
                        if !ndjson::send_rows(&events, &layers, &rows).await {
                            return;
                        }
                        done(&listings, Some(rows.len()), trace)
                    }
                    Err(error) => ListingEvent::Error(error.into_api_error(trace.exchanges())),
                }
            }
            Err(error) => ListingEvent::Error(error.into_api_error(trace.exchanges())),
        };
        let _ = events.send(last).await;
    });
    Ok(ndjson::response(lines))
}

/// `Done` for listings; `entries` overrides the count (a merge sends its own entries).
fn done(listings: &[Arc<Listing>], entries: Option<usize>, trace: Trace) -> ListingEvent {
    let count = entries.unwrap_or_else(|| listings.iter().map(|l| l.entries.len()).sum());
    ListingEvent::Done(ListingSummary {
        entries: count as u64,
        uncompressed_bytes: listings
            .iter()
            .fold(0, |sum, l| sum.saturating_add(l.uncompressed_bytes)),
        verified: listings.iter().all(|l| l.verified),
        trace: trace.exchanges(),
    })
}

pub async fn get_file(
    State(state): State<AppState>,
    Download { query, credentials }: Download,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    match serve_file(&state, credentials, &query, &trace).await {
        Ok(response) => Ok(response),
        Err(error) => Err(Failure {
            error,
            trace: trace.exchanges(),
        }),
    }
}

async fn serve_file(
    state: &AppState,
    credentials: Option<Credentials>,
    query: &LayerQuery,
    trace: &Trace,
) -> Result<Response, ProxyError> {
    let path = query
        .path
        .as_deref()
        .map(normalize_path)
        .ok_or_else(|| ProxyError::BadRequest("`path` is required".into()))?;
    let (session, _, image) = open_image(state, credentials, query, trace).await?;
    let (located, data) = match &query.digest {
        Some(digest) => {
            let layer = layer_index(&image, digest)?;
            let descriptor = &image.manifest.layers[layer];
            let listing = listing_of(&session, &image, descriptor, None).await?;
            let located = locate_in_layer(&listing, layer, &path)?;
            let data = data_entry(&listing, &located, &[])?;
            (located, data)
        }
        None => {
            let listings = all_listings(&session, &image, None).await?;
            let located = locate_merged(&listings, &path)?;
            let lower = &listings[..located.layer];
            let data = data_entry(&listings[located.layer], &located, lower)?;
            (located, data)
        }
    };
    let size = data.listing.entries[data.index].size;
    let descriptor = &image.manifest.layers[data.layer];
    let len = match query.preview {
        Some(preview) => size.min(preview.min(MAX_PREVIEW_BYTES)),
        None => size,
    };
    let (listing, index) = (&data.listing, data.index);
    let body = file::read_data(&session, &image, descriptor, listing, index, len).await?;
    let Some(_) = query.preview else {
        return Ok(download(&located.entry.path, size, body.chunks));
    };
    let (bytes, fetched_bytes) = body.collect().await?;
    let preview = FilePreview {
        entry: located.entry,
        layer: data.layer,
        layer_digest: descriptor.digest.clone(),
        resolved_from: located.resolved_from,
        children: Vec::new(),
        children_total: 0,
        dangling: None,
        content_base64: base64_encode(&bytes),
        truncated: (bytes.len() as u64) < size,
        fetched_bytes,
        trace: trace.exchanges(),
    };
    Ok(Json(preview).into_response())
}

/// The exact bytes as a download, named after the file.
fn download(
    path: &str,
    size: u64,
    chunks: mpsc::Receiver<Result<bytes::Bytes, ProxyError>>,
) -> Response {
    use axum::http::{HeaderValue, header};
    // An error mid-way aborts the body: with Content-Length set, the client sees it short.
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        let chunk = chunks.recv().await?;
        Some((chunk, chunks))
    });
    let mut response = Response::new(axum::body::Body::from_stream(stream));
    let headers = response.headers_mut();
    let octets = HeaderValue::from_static("application/octet-stream");
    headers.insert(header::CONTENT_TYPE, octets);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(file_name(path))) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `attachment` with an ASCII fallback name (quotes, backslashes and controls replaced) and
/// the exact UTF-8 name percent-encoded (RFC 6266 / RFC 8187).
fn content_disposition(name: &str) -> String {
    let name = if name.is_empty() || name == "/" {
        "file"
    } else {
        name
    };
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' ' => ' ',
            '"' | '\\' => '_',
            c if c.is_ascii_graphic() => c,
            _ => '_',
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn required_digest(query: &LayerQuery) -> Result<Digest, ProxyError> {
    query
        .digest
        .clone()
        .ok_or_else(|| ProxyError::BadRequest("`digest` (the layer) is required".into()))
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn download_names_are_quoted_safely() {
        let cases = [
            (
                "busybox",
                r#"attachment; filename="busybox"; filename*=UTF-8''busybox"#,
            ),
            (
                "a \"b\"\\c.txt",
                r#"attachment; filename="a _b__c.txt"; filename*=UTF-8''a%20%22b%22%5Cc.txt"#,
            ),
            (
                "ünï\r\n",
                r#"attachment; filename="_n___"; filename*=UTF-8''%C3%BCn%C3%AF%0D%0A"#,
            ),
            ("", r#"attachment; filename="file"; filename*=UTF-8''file"#),
        ];
        for (name, want) in cases {
            assert_eq!(content_disposition(name), want, "{name:?}");
        }
    }
}
