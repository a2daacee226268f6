//! `GET /api/layer` (one layer's entries), `/api/merged` (the image's filesystem) and
//! `/api/file` ([`file`]: what one path is, or its bytes). Failures before the answer starts
//! (bad reference, auth, a layer not in the image) are the usual JSON error; listings then
//! stream NDJSON and end in `Done` or `Error`.

mod file;

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use lading_shared::layer::{LayerQuery, ListingEvent, ListingSummary};
use lading_shared::{Descriptor, Digest};
use tokio::sync::mpsc;

pub use file::get_file;

use super::cacheable::{Audience, Completeness, Conditional, ImageOrHeld};
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::layers::fetch::{
    all_listings, layer_index, layer_info, open_layer, read_listing, require_filesystem, sniff,
};
use crate::layers::listing::Listing;
use crate::layers::locate::View;
use crate::layers::source::{ByteStream, Progress};
use crate::layers::{Engine, ndjson};
use crate::registry::Session;
use crate::registry::image::ResolvedImage;
use crate::trace::Trace;

pub async fn list_layer(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    conditional: Conditional,
    ApiQuery(query): ApiQuery<LayerQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let fail = |error| trace.fail(error);
    let digest = required_digest(&query).map_err(fail)?;
    let upstream = &state.upstream;
    let opened = conditional
        .open_image(upstream, credentials, &query, &trace)
        .await
        .map_err(fail)?;
    let (session, _, image) = match opened {
        ImageOrHeld::Held(held) => return Ok(held),
        ImageOrHeld::Image(opened) => *opened,
    };
    let index = layer_index(&image, &digest).map_err(fail)?;
    let audience = Audience::of(&session);
    if let Some(held) = conditional.shown(audience) {
        return Ok(held);
    }
    let descriptor = image.manifest.layers[index].clone();
    let (events, lines) = ndjson::channel();
    // Only a listing read before is known whole before its first line is sent.
    let whole = match state.engine.listings.get(&image, &digest).await {
        Some(listing) => {
            tokio::spawn(send_cached(events, descriptor, listing, trace));
            Completeness::Complete
        }
        None => {
            let body = open_layer(&session, &image.repository, &descriptor)
                .await
                .map_err(fail)?;
            let layer = Layer { image, descriptor };
            let engine = state.engine.clone();
            tokio::spawn(stream_layer(engine, layer, body, events, trace));
            Completeness::Unknown
        }
    };
    Ok(conditional.stamp(ndjson::response(lines), audience, whole))
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
    engine: Arc<Engine>,
    Layer { image, descriptor }: Layer,
    body: ByteStream,
    events: mpsc::Sender<ListingEvent>,
    trace: Trace,
) {
    // The first bytes name the compression for the `Start` line.
    let sniffed = sniff(body).await;
    let mut info = layer_info(&descriptor, None);
    info.compression = sniffed
        .as_ref()
        .ok()
        .and_then(|(compression, _)| *compression);
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
            let error = ListingEvent::Error(
                error.into_api_error(trace.exchanges(), trace.registry_notes()),
            );
            let _ = events.send(error).await;
            return;
        }
    };
    let progress = Progress::new(events.clone(), 0);
    let listed = read_listing(body, engine.limits, Some(progress), Some(events.clone())).await;
    let last = match listed {
        Ok(listing) => {
            let cache = &engine.listings;
            cache
                .insert(&image, &descriptor.digest, listing.clone())
                .await;
            done(&[listing], None, trace)
        }
        Err(error) => {
            ListingEvent::Error(error.into_api_error(trace.exchanges(), trace.registry_notes()))
        }
    };
    let _ = events.send(last).await;
}

pub async fn list_merged(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    conditional: Conditional,
    ApiQuery(query): ApiQuery<LayerQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let fail = |error| trace.fail(error);
    let upstream = &state.upstream;
    let opened = conditional
        .open_image(upstream, credentials, &query, &trace)
        .await
        .map_err(fail)?;
    let (session, _, image) = match opened {
        ImageOrHeld::Held(held) => return Ok(held),
        ImageOrHeld::Image(opened) => *opened,
    };
    // Before the stream starts, so an artifact is an error status, not an error line.
    require_filesystem(&image).map_err(fail)?;
    let audience = Audience::of(&session);
    if let Some(held) = conditional.shown(audience) {
        return Ok(held);
    }
    let (events, lines) = ndjson::channel();
    // Every layer listed before: merged before the first line, so the answer is known whole
    // (and its failures are statuses); else merged as the layers stream in.
    if let Some(view) = merged_ready(&state.engine, &session, &image)
        .await
        .map_err(fail)?
    {
        tokio::spawn(async move {
            if send_start(&image, &events).await
                && let Some((listings, rows)) = send_view(&view, &events).await
            {
                let _ = events.send(done(&listings, Some(rows), trace)).await;
            }
        });
        let response = ndjson::response(lines);
        return Ok(conditional.stamp(response, audience, Completeness::Complete));
    }
    tokio::spawn(async move {
        let last = match merged(&state.engine, &session, &image, &events).await {
            Ok(Some((listings, rows))) => done(&listings, Some(rows), trace),
            Ok(None) => return,
            Err(error) => {
                ListingEvent::Error(error.into_api_error(trace.exchanges(), trace.registry_notes()))
            }
        };
        let _ = events.send(last).await;
    });
    let response = ndjson::response(lines);
    Ok(conditional.stamp(response, audience, Completeness::Unknown))
}

/// Sends the merged filesystem's rows (from the image's path index: merged once per scope);
/// gives back the listings and the rows sent, or `None` once the client went away.
async fn merged(
    engine: &Engine,
    session: &Session,
    image: &ResolvedImage,
    events: &mpsc::Sender<ListingEvent>,
) -> Result<Option<(Vec<Arc<Listing>>, usize)>, ProxyError> {
    let listings = all_listings(engine, session, image, Some(events)).await?;
    let view = View::merged(engine, image, listings).await?;
    Ok(send_view(&view, events).await)
}

/// The merged view, when every layer's listing is cached already (nothing is read).
async fn merged_ready(
    engine: &Engine,
    session: &Session,
    image: &ResolvedImage,
) -> Result<Option<View>, ProxyError> {
    for layer in &image.manifest.layers {
        if engine.listings.get(image, &layer.digest).await.is_none() {
            return Ok(None);
        }
    }
    let listings = all_listings(engine, session, image, None).await?;
    View::merged(engine, image, listings).await.map(Some)
}

/// The `Start` line `all_listings` sends, for a merge whose listings were all cached;
/// `false` once the client went away.
async fn send_start(image: &ResolvedImage, events: &mpsc::Sender<ListingEvent>) -> bool {
    let layers = &image.manifest.layers;
    let start = ListingEvent::Start {
        layers: layers.iter().map(|l| layer_info(l, None)).collect(),
        total_bytes: layers.iter().fold(0, |sum, l| sum.saturating_add(l.size)),
    };
    events.send(start).await.is_ok()
}

/// Sends a merged view's rows (copied into entries a batch at a time); the listings and the
/// rows sent, or `None` once the client went away.
async fn send_view(
    view: &View,
    events: &mpsc::Sender<ListingEvent>,
) -> Option<(Vec<Arc<Listing>>, usize)> {
    let rows = view.index.rows();
    if !ndjson::send_rows(events, &view.layers(), rows).await {
        return None;
    }
    Some((view.listings.clone(), rows.len()))
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
        registry_notes: trace.registry_notes(),
        trace: trace.exchanges(),
    })
}

fn required_digest(query: &LayerQuery) -> Result<Digest, ProxyError> {
    query
        .digest
        .clone()
        .ok_or_else(|| ProxyError::BadRequest("`digest` (the layer) is required".into()))
}
