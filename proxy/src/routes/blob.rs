//! `GET /api/blob?ref=REFERENCE&digest=BLOB[&platform=DIGEST]`: one blob of an image as a
//! download, streamed and digest-verified, with the client's `Range` passed through. `POST`
//! takes the same fields as a form (see [`Download`]).
//!
//! Only a layer or the config of the image `ref` names can be fetched: Lading is a viewer of
//! images, not an open blob relay.

use std::ops::Range;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use lading_shared::layer::LayerQuery;
use lading_shared::{Descriptor, Digest, Reference};

use super::layer::parse_digest;
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::Download;
use crate::registry::Session;
use crate::registry::credentials::Credentials;
use crate::registry::image::ResolvedImage;
use crate::registry::stream::BlobStream;
use crate::trace::Trace;

pub async fn stream_blob(
    State(state): State<AppState>,
    headers: HeaderMap,
    Download { query, credentials }: Download,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let fail = |error| Failure {
        error,
        trace: trace.exchanges(),
    };
    let wanted = match query.digest.as_deref().map(Digest::parse) {
        Some(Ok(digest)) => digest,
        Some(Err(e)) => return Err(fail(ProxyError::BadRequest(format!("digest: {e}")))),
        None => return Err(fail(ProxyError::BadRequest("digest is required".into()))),
    };
    let (session, _, image) = open_image(&state, credentials, &query, &trace)
        .await
        .map_err(fail)?;
    let Some(descriptor) = image_blob(&image, &wanted) else {
        return Err(fail(ProxyError::BadRequest(format!(
            "{wanted} is neither a layer nor the config of image {}",
            image.digest
        ))));
    };
    let range = match requested_range(&headers, descriptor.size) {
        Requested::Whole => None,
        Requested::Part(range) => Some(range),
        Requested::Unsatisfiable => return Ok(unsatisfiable(descriptor.size)),
    };
    let blob = session
        .blob_stream(&image.repository, descriptor, range)
        .await
        .map_err(fail)?;
    Ok(blob_response(blob, &descriptor.digest))
}

/// Opens a session for `query.reference` and resolves it (and `platform`) to one image.
pub(super) async fn open_image(
    state: &AppState,
    credentials: Option<Credentials>,
    query: &LayerQuery,
    trace: &Trace,
) -> Result<(Session, Reference, ResolvedImage), ProxyError> {
    let reference = Reference::parse(&query.reference)?;
    let platform = query.platform.as_deref().map(parse_digest).transpose()?;
    let session = Session::open(
        state.upstream.clone(),
        &reference.registry,
        reference.api_host(),
        credentials,
        trace.clone(),
    )
    .await?;
    let image = session.resolve_image(&reference, platform.as_ref()).await?;
    Ok((session, reference, image))
}

/// The config or a layer of `image` with digest `wanted`.
fn image_blob<'a>(image: &'a ResolvedImage, wanted: &Digest) -> Option<&'a Descriptor> {
    std::iter::once(&image.manifest.config)
        .chain(&image.manifest.layers)
        .find(|d| &d.digest == wanted)
}

/// What a client's `Range` header asks for, against a blob of `size` bytes.
#[derive(Debug, PartialEq)]
enum Requested {
    Whole,
    Part(Range<u64>),
    Unsatisfiable,
}

/// One `bytes=` range (`a-b`, `a-`, `-n`). Several ranges, other units, a malformed header
/// or an unknown size are answered with the whole blob, as RFC 9110 §14.2 allows.
fn requested_range(headers: &HeaderMap, size: u64) -> Requested {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Requested::Whole;
    };
    let Some((first, last)) = spec.split_once('-') else {
        return Requested::Whole;
    };
    if size == 0 || spec.contains(',') {
        return Requested::Whole;
    }
    let (first, last) = (first.trim(), last.trim());
    let range = match (first.parse::<u64>(), last.parse::<u64>()) {
        (Ok(a), Ok(b)) if a <= b => a..(b + 1).min(size),
        (Ok(a), Err(_)) if last.is_empty() => a..size,
        (Err(_), Ok(n)) if first.is_empty() && n > 0 => size.saturating_sub(n)..size,
        (Err(_), Ok(0)) if first.is_empty() => return Requested::Unsatisfiable,
        _ => return Requested::Whole,
    };
    if range.start >= size {
        Requested::Unsatisfiable
    } else {
        Requested::Part(range)
    }
}

fn unsatisfiable(size: u64) -> Response {
    let content_range = format!("bytes */{size}");
    (
        StatusCode::RANGE_NOT_SATISFIABLE,
        [(header::CONTENT_RANGE, content_range)],
    )
        .into_response()
}

fn blob_response(blob: BlobStream, digest: &Digest) -> Response {
    let filename = format!(
        "attachment; filename=\"{}-{}\"",
        digest.algorithm().name(),
        digest.hex()
    );
    let mut headers = HeaderMap::new();
    let text = |s: &str| HeaderValue::from_str(s).expect("ascii header");
    headers.insert(header::CONTENT_TYPE, text("application/octet-stream"));
    headers.insert(header::CONTENT_DISPOSITION, text(&filename));
    headers.insert(header::ACCEPT_RANGES, text("bytes"));
    if let Some(length) = blob.length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    let status = match &blob.served {
        Some(served) if blob.partial => {
            let total = blob
                .total
                .map_or_else(|| "*".to_string(), |t| t.to_string());
            let value = format!("bytes {}-{}/{total}", served.start, served.end - 1);
            headers.insert(header::CONTENT_RANGE, text(&value));
            StatusCode::PARTIAL_CONTENT
        }
        _ => StatusCode::OK,
    };
    let what = digest.to_string();
    // An error ends the body early: hyper then cuts the connection, so the client sees a
    // broken transfer, never a complete file.
    let body = blob
        .body
        .inspect_err(move |e| tracing::warn!("blob {what} aborted mid-stream: {e}"));
    (status, headers, Body::from_stream(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_headers_as_rfc_9110_reads_them() {
        let cases: [(&str, Requested); 10] = [
            ("bytes=0-9", Requested::Part(0..10)),
            ("bytes=90-", Requested::Part(90..100)),
            ("bytes=-10", Requested::Part(90..100)),
            ("bytes=-500", Requested::Part(0..100)),
            ("bytes=95-200", Requested::Part(95..100)),
            ("bytes=100-", Requested::Unsatisfiable),
            ("bytes=-0", Requested::Unsatisfiable),
            ("bytes=0-1,5-6", Requested::Whole),
            ("items=0-9", Requested::Whole),
            ("bytes=9-0", Requested::Whole),
        ];
        for (value, want) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(header::RANGE, HeaderValue::from_static(value));
            assert_eq!(requested_range(&headers, 100), want, "{value}");
        }
        assert_eq!(requested_range(&HeaderMap::new(), 100), Requested::Whole);
    }
}
