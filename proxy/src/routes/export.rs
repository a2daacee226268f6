//! `GET /api/export?ref=REFERENCE[&platform=DIGEST]`: one image as one tar that is both an
//! OCI image layout and `docker load`-able ([`layout`]), streamed as the blobs arrive
//! ([`tar_stream`]). `POST` takes the same fields as a form (see [`Download`]).
//!
//! The whole length is sent as `Content-Length`. Each blob is digest-verified as it passes;
//! a mismatch or a broken upstream aborts the response, so a download is either complete
//! and verified or visibly broken.

mod layout;
mod tar_stream;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, TryStreamExt};

use super::attachment;
use super::cacheable::{Audience, Completeness, Conditional, ImageOrHeld};
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::Download;
use crate::redact;
use crate::trace::Trace;
use layout::{ArchiveEntry, Exported};

pub async fn export_image(
    State(state): State<AppState>,
    conditional: Conditional,
    Download { query, credentials }: Download,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let fail = |error| trace.fail(error);
    let upstream = &state.upstream;
    let opened = conditional
        .open_image(upstream, credentials, &query, &trace)
        .await
        .map_err(fail)?;
    let (session, reference, image) = match opened {
        ImageOrHeld::Held(held) => return Ok(held),
        ImageOrHeld::Image(opened) => *opened,
    };
    let audience = Audience::of(&session);
    if let Some(held) = conditional.shown(audience) {
        return Ok(held);
    }
    let exported = Exported {
        reference: &reference,
        digest: &image.digest,
        media_type: &image.raw.media_type,
        raw: &image.raw.bytes,
        manifest: &image.manifest,
    };
    let entries = layout::layout(&exported).map_err(fail)?;
    let length = tar_stream::archive_len(&entries).map_err(fail)?;
    // The layout files (the manifest as received, up to 4 MiB, and what is made from it)
    // stay in memory until a possibly slow client has read past them.
    let held = entries.iter().map(ArchiveEntry::held_bytes).sum();
    let memory = super::json::charge(held).map_err(fail)?;
    let name = attachment::export_name(&reference, &image.digest, query.platform.is_some());
    let mut headers = HeaderMap::new();
    let tar = HeaderValue::from_static("application/x-tar");
    headers.insert(header::CONTENT_TYPE, tar);
    headers.insert(
        header::CONTENT_DISPOSITION,
        attachment::header(&name).map_err(fail)?,
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let body = tar_stream::archive(entries, Arc::new(session), image.repository.clone());
    let what = query.reference.clone();
    let body = body.map(move |chunk| {
        let _held = &memory;
        chunk
    });
    // The error may quote a registry's text (a token realm, a URL): shown redacted.
    let body = body.inspect_err(move |e: &ProxyError| {
        tracing::warn!(
            "export of {} aborted: {}",
            redact::text(&what),
            redact::error(e)
        );
    });
    // Each blob is verified as it passes and the length is set: a broken tar is cut off.
    let response = (StatusCode::OK, headers, Body::from_stream(body)).into_response();
    Ok(conditional.stamp(response, audience, Completeness::Complete))
}

#[cfg(test)]
mod tests;
