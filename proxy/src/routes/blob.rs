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
use lading_shared::{Descriptor, Digest};

use super::cacheable::{Audience, Completeness, Conditional, ImageOrHeld};
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::Download;
use crate::redact;
use crate::registry::image::ResolvedImage;
use crate::registry::stream::BlobStream;
use crate::trace::Trace;

pub async fn stream_blob(
    State(state): State<AppState>,
    headers: HeaderMap,
    conditional: Conditional,
    Download { query, credentials }: Download,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let Some(wanted) = query.digest.clone() else {
        let missing = ProxyError::BadRequest("`digest` (the blob) is required".into());
        return Err(trace.fail(missing));
    };
    let upstream = &state.upstream;
    let opened = conditional
        .open_image(upstream, credentials, &query, &trace)
        .await
        .map_err(|e| trace.fail(e))?;
    let (session, _, image) = match opened {
        ImageOrHeld::Held(held) => return Ok(held),
        ImageOrHeld::Image(opened) => *opened,
    };
    let Some(descriptor) = image_blob(&image, &wanted) else {
        return Err(trace.fail(not_a_blob_of(&image, &wanted)));
    };
    let audience = Audience::of(&session);
    if let Some(held) = conditional.shown(audience) {
        return Ok(held);
    }
    let range = match requested_range(&headers, descriptor.size) {
        Requested::Whole => None,
        Requested::Part(range) => Some(range),
        Requested::Unsatisfiable => return Ok(unsatisfiable(descriptor.size)),
    };
    match session
        .blob_stream(&image.repository, descriptor, range)
        .await
    {
        Ok(blob) => {
            let name = super::attachment::blob_name(&image.repository, descriptor);
            let response = blob_response(blob, &descriptor.digest, &name);
            // Digest-verified as it streams: a blob that fails is cut off, never whole.
            let response = response.map_err(|e| trace.fail(e))?;
            Ok(conditional.stamp(response, audience, Completeness::Complete))
        }
        // The client's range, judged by the registry: the same 416 as one judged here.
        Err(ProxyError::RangeNotSatisfiable { size, .. }) => {
            Ok(unsatisfiable(size.unwrap_or(descriptor.size)))
        }
        Err(error) => Err(trace.fail(error)),
    }
}

/// A digest that is neither the config nor a layer of the image: not in it (404), with
/// the blobs it does have.
fn not_a_blob_of(image: &ResolvedImage, wanted: &Digest) -> ProxyError {
    let blobs = std::iter::once(&image.manifest.config).chain(&image.manifest.layers);
    ProxyError::NotInImage {
        message: format!(
            "{wanted} is neither a layer nor the config of image {}",
            image.digest
        ),
        suggestions: blobs.map(|d| d.digest.to_string()).collect(),
    }
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

/// What a client's `Range` header asks of a blob of `size` bytes, read as RFC 9110 §14.1.2
/// says, with every number compared, never added to:
/// - an end past the blob is clamped to its last byte (`bytes=0-18446744073709551615` is the
///   whole blob, 206), and a suffix longer than the blob is the whole blob;
/// - a start at or past the end (`bytes=18446744073709551615-`) or `-0` selects nothing:
///   [`Requested::Unsatisfiable`], 416 with `bytes */SIZE`;
/// - numbers too large for 64 bits saturate: they are past the end of any blob, so they
///   fall under the two rules above rather than wrap around;
/// - anything the grammar does not allow (`+5`, `0 - 9`, `9-0`, other units, junk) and
///   several ranges (no `multipart/byteranges` here) are ignored, as §14.2 permits: the
///   whole blob, 200. So is any range of a blob whose size is unknown (0 in the descriptor).
fn requested_range(headers: &HeaderMap, size: u64) -> Requested {
    let Some(value) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Requested::Whole;
    };
    match parse_range(value.trim()) {
        Some(spec) if size > 0 => spec.against(size),
        _ => Requested::Whole,
    }
}

/// One syntactically valid `range-spec`.
#[derive(Debug, PartialEq)]
enum RangeSpec {
    /// `first-last` or `first-`.
    Int { first: u64, last: Option<u64> },
    /// `-length`.
    Suffix(u64),
}

/// The one range of `bytes=…` (unit case-insensitive; empty list elements and OWS around
/// them allowed, §5.6.1), or `None` when the header is to be ignored.
fn parse_range(value: &str) -> Option<RangeSpec> {
    let (unit, set) = value.split_once('=')?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    let mut specs = set
        .split(',')
        .map(|s| s.trim_matches([' ', '\t']))
        .filter(|s| !s.is_empty());
    let (Some(spec), None) = (specs.next(), specs.next()) else {
        return None;
    };
    let (first, last) = spec.split_once('-')?;
    if first.is_empty() {
        return Some(RangeSpec::Suffix(number(last)?));
    }
    let first = number(first)?;
    let last = match last {
        "" => None,
        last => Some(number(last)?),
    };
    // §14.1.1: a last-pos below the first-pos makes the range invalid.
    if last.is_some_and(|last| last < first) {
        return None;
    }
    Some(RangeSpec::Int { first, last })
}

/// `1*DIGIT`, saturating at `u64::MAX`; `None` when it is not digits (`+5` and ` 5` are not,
/// although Rust's `parse` takes the first).
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Only digits: the one way `parse` fails is a number past u64::MAX.
    Some(text.parse().unwrap_or(u64::MAX))
}

impl RangeSpec {
    /// The bytes `start..end` of a blob of `size` (> 0) bytes this spec selects.
    fn against(&self, size: u64) -> Requested {
        match *self {
            RangeSpec::Int { first, last } if first < size => {
                let end = match last {
                    // `last < size`, so `last + 1` cannot overflow.
                    Some(last) if last < size => last + 1,
                    _ => size,
                };
                Requested::Part(first..end)
            }
            RangeSpec::Suffix(length) if length > 0 => {
                Requested::Part(size.saturating_sub(length)..size)
            }
            _ => Requested::Unsatisfiable,
        }
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

fn blob_response(blob: BlobStream, digest: &Digest, name: &str) -> Result<Response, ProxyError> {
    // A digest's name and numbers are ASCII: a failure here is this server's.
    let text = |s: String| {
        HeaderValue::try_from(s).map_err(|e| ProxyError::Internal(format!("a blob header: {e}")))
    };
    let mut headers = HeaderMap::new();
    let octets = HeaderValue::from_static("application/octet-stream");
    headers.insert(header::CONTENT_TYPE, octets);
    headers.insert(
        header::CONTENT_DISPOSITION,
        super::attachment::header(name)?,
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(length) = blob.length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    let status = match &blob.served {
        // An empty range has no `first-last` to write (none is ever asked for here).
        Some(served) if blob.partial && served.end > served.start => {
            let total = blob
                .total
                .map_or_else(|| "*".to_string(), |t| t.to_string());
            let value = format!("bytes {}-{}/{total}", served.start, served.end - 1);
            headers.insert(header::CONTENT_RANGE, text(value)?);
            StatusCode::PARTIAL_CONTENT
        }
        _ => StatusCode::OK,
    };
    let what = digest.to_string();
    // An error ends the body early: hyper then cuts the connection, so the client sees a
    // broken transfer, never a complete file.
    let body = blob.body.inspect_err(move |e| {
        tracing::warn!("blob {what} aborted mid-stream: {}", redact::error(e))
    });
    Ok((status, headers, Body::from_stream(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_headers_as_rfc_9110_reads_them() {
        use Requested::{Part, Unsatisfiable as Unsat, Whole};
        const MAX: &str = "18446744073709551615"; // u64::MAX
        const PAST: &str = "18446744073709551616"; // u64::MAX + 1
        const HUGE: &str = "99999999999999999999999999999999999999";
        let cases: Vec<(String, Requested)> = [
            ("bytes=0-9", Part(0..10)),
            ("bytes=90-", Part(90..100)),
            ("bytes=-10", Part(90..100)),
            ("bytes=-500", Part(0..100)),
            ("bytes=95-200", Part(95..100)),
            ("bytes=99-99", Part(99..100)),
            ("bytes=0-0", Part(0..1)),
            ("bytes=100-", Unsat),
            ("bytes=100-100", Unsat),
            ("bytes=-0", Unsat),
            ("bytes=-000", Unsat),
            // Overflow: every spelling of a huge number.
            ("bytes=0-MAX", Part(0..100)),
            ("bytes=0-PAST", Part(0..100)),
            ("bytes=0-HUGE", Part(0..100)),
            ("bytes=50-HUGE", Part(50..100)),
            ("bytes=MAX-", Unsat),
            ("bytes=MAX-MAX", Unsat),
            ("bytes=PAST-", Unsat),
            ("bytes=HUGE-HUGE", Unsat),
            ("bytes=-MAX", Part(0..100)),
            ("bytes=-HUGE", Part(0..100)),
            ("bytes=00000000000000000000000000000005-7", Part(5..8)),
            // Case, whitespace and empty list elements the grammar allows.
            ("BYTES=0-9", Part(0..10)),
            ("Bytes=0-9", Part(0..10)),
            (" bytes=0-9 ", Part(0..10)),
            ("bytes= 0-9", Part(0..10)),
            ("bytes=0-9 ,", Part(0..10)),
            ("bytes=,0-9", Part(0..10)),
            ("bytes=\t0-9", Part(0..10)),
            // Ignored: invalid or several ranges.
            ("bytes=0-1,5-6", Whole),
            ("bytes=0-1, 200-300", Whole),
            ("bytes=0-HUGE,0-HUGE", Whole),
            ("items=0-9", Whole),
            ("bytes =0-9", Whole),
            ("bytes=9-0", Whole),
            ("bytes=MAX-0", Whole),
            ("bytes=0 - 9", Whole),
            ("bytes=0- 9", Whole),
            ("bytes=+0-9", Whole),
            ("bytes=0-+9", Whole),
            ("bytes=-+9", Whole),
            ("bytes=--9", Whole),
            ("bytes=-", Whole),
            ("bytes=", Whole),
            ("bytes=,", Whole),
            ("bytes=0x10-20", Whole),
            ("bytes=1e3-", Whole),
            ("bytes=5", Whole),
            ("bytes=0-9-", Whole),
            ("bytes=١-٢", Whole),
            ("bytes", Whole),
            ("", Whole),
        ]
        .into_iter()
        .map(|(v, want)| {
            let v = v.replace("MAX", MAX).replace("PAST", PAST);
            (v.replace("HUGE", HUGE), want)
        })
        .collect();
        for (value, want) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(header::RANGE, HeaderValue::from_str(&value).unwrap());
            assert_eq!(requested_range(&headers, 100), want, "{value}");
        }
        assert_eq!(requested_range(&HeaderMap::new(), 100), Whole);
        // A size of 0 is an unknown size: nothing to judge a range against.
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_static("bytes=5-9"));
        assert_eq!(requested_range(&headers, 0), Whole);
        // The largest blob: the end clamps without overflow.
        headers.insert(
            header::RANGE,
            HeaderValue::from_str(&format!("bytes=0-{MAX}")).unwrap(),
        );
        assert_eq!(requested_range(&headers, u64::MAX), Part(0..u64::MAX));
        headers.insert(
            header::RANGE,
            HeaderValue::from_str(&format!("bytes=-{MAX}")).unwrap(),
        );
        assert_eq!(requested_range(&headers, u64::MAX), Part(0..u64::MAX));
    }
}
