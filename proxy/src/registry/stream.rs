//! Blob bodies as streams: whole and digest-verified as they pass, or one byte range.
//!
//! Layers run to gigabytes, so nothing here buffers a blob. Two decisions matter:
//! - the last chunk of a verified stream is held back until the digest is checked (see
//!   `body`), so a client never receives a complete-looking wrong file;
//! - bodies are read through a second client without the 60 s total timeout (only the
//!   per-read and connect timeouts apply), with the same guarded DNS resolver.

use std::ops::Range;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use lading_shared::Descriptor;
use lading_shared::api::ExchangePurpose;
use reqwest::header::{CONTENT_RANGE, HeaderMap, HeaderValue, RANGE};
use reqwest::{Response, StatusCode};

use super::Session;
use super::blobs::is_answer;
use super::body::{verified, window};
use super::transport::network_error_while;
use crate::error::{Fetching, ProxyError};

/// A blob body on its way through the proxy.
pub struct BlobStream {
    /// The body is the requested range, not the whole blob.
    pub partial: bool,
    /// Bytes the body will carry, when known.
    pub length: Option<u64>,
    /// When `partial`: the bytes served (`start..end`, end exclusive).
    pub served: Option<Range<u64>>,
    /// The whole blob's size, when known (for `Content-Range`).
    pub total: Option<u64>,
    /// Ends in `Err` on a broken connection or, for a whole blob, on a digest or size
    /// mismatch (then the final bytes are withheld).
    pub body: BoxStream<'static, Result<Bytes, ProxyError>>,
}

impl Session {
    /// This session, sending its requests through the streaming client (same trace, same
    /// credentials).
    pub fn streaming(&self) -> Session {
        Session {
            client: self.upstream.streaming_http.clone(),
            ..self.clone()
        }
    }

    /// Streams the blob `descriptor` points at, from `repository` or, for foreign layers,
    /// from the descriptor's `urls` (tried first for non-distributable media types, else
    /// when the registry does not have the blob; never with Authorization).
    ///
    /// Without `range` the body is the whole blob, verified as it streams: bytes that do not
    /// hash to `descriptor.digest`, or a length other than `descriptor.size` (when non-zero),
    /// end the stream in [`ProxyError::Integrity`] instead of a clean end. With `range`
    /// (`start..end`, end exclusive, clamped to the blob's end) the body is exactly those
    /// bytes and unverified (a part cannot be hashed): a `206` is checked against
    /// its `Content-Range`, and a server that ignores `Range` (`200`, whole body) is skipped
    /// and cut locally. A range starting past the end is [`ProxyError::RangeNotSatisfiable`]; an
    /// empty range is an empty body, with no request made.
    /// Errors before the body starts (auth, 404, refused hosts) come back as `Err`.
    pub async fn blob_stream(
        &self,
        repository: &str,
        descriptor: &Descriptor,
        range: Option<Range<u64>>,
    ) -> Result<BlobStream, ProxyError> {
        let session = self.streaming();
        let mut headers = HeaderMap::new();
        if let Some(range) = &range {
            if range.start >= range.end {
                // Nothing to fetch (an empty file inside an uncompressed layer).
                return Ok(BlobStream {
                    partial: true,
                    length: Some(0),
                    served: Some(range.start..range.start),
                    total: known_size(descriptor),
                    body: futures_util::stream::empty().boxed(),
                });
            }
            let value = format!("bytes={}-{}", range.start, range.end - 1);
            let value = HeaderValue::try_from(value)
                .map_err(|e| ProxyError::Internal(format!("a Range header: {e}")))?;
            headers.insert(RANGE, value);
        }
        let response = session.open_blob(repository, descriptor, headers).await?;
        let status = response.status();
        if status == StatusCode::RANGE_NOT_SATISFIABLE {
            return Err(unsatisfiable(descriptor, range.as_ref()));
        }
        match range {
            Some(range) => ranged(response, descriptor, range),
            None if status == StatusCode::PARTIAL_CONTENT => Err(ProxyError::BadUpstream(
                "answered 206 Partial Content to a request without Range".into(),
            )),
            None => whole(response, descriptor),
        }
    }

    /// The first usable answer: registry, foreign URLs, in the order the media type asks.
    async fn open_blob(
        &self,
        repository: &str,
        descriptor: &Descriptor,
        headers: HeaderMap,
    ) -> Result<Response, ProxyError> {
        let has_urls = descriptor.urls.as_ref().is_some_and(|u| !u.is_empty());
        let purpose = match descriptor.media_type.is_image_config() {
            true => ExchangePurpose::Config,
            false => ExchangePurpose::Blob,
        };
        let foreign_first = has_urls && descriptor.media_type.is_foreign_layer();
        let mut foreign_error = None;
        if foreign_first {
            match self.request_foreign(descriptor, headers.clone()).await {
                Ok(response) => return Ok(response),
                Err(error) => foreign_error = Some(error),
            }
        }
        let response = self
            .request_blob(repository, &descriptor.digest, headers.clone(), purpose)
            .await;
        let error = match response {
            Ok(response) if is_answer(response.status()) => return Ok(response),
            Ok(response) => self.upstream_failure(response, Fetching::Blob).await,
            Err(error) => error,
        };
        // The registry's failure matters unless the URLs were the real source.
        match foreign_error {
            Some(foreign) => Err(foreign),
            None if has_urls && is_blob_unknown(&error) => {
                self.request_foreign(descriptor, headers).await
            }
            None => Err(error),
        }
    }
}

fn is_blob_unknown(error: &ProxyError) -> bool {
    error.kind() == lading_shared::api::ErrorKind::BlobUnknown
}

fn unsatisfiable(descriptor: &Descriptor, range: Option<&Range<u64>>) -> ProxyError {
    let asked = range.map_or_else(String::new, |r| format!(" {}..{}", r.start, r.end));
    ProxyError::RangeNotSatisfiable {
        message: format!(
            "byte range{asked} is outside blob {} ({} bytes, as its descriptor says)",
            descriptor.digest, descriptor.size
        ),
        size: known_size(descriptor),
    }
}

/// The descriptor's size, unless it is 0 (a missing `size` field decodes as 0).
fn known_size(descriptor: &Descriptor) -> Option<u64> {
    (descriptor.size > 0).then_some(descriptor.size)
}

fn whole(response: Response, descriptor: &Descriptor) -> Result<BlobStream, ProxyError> {
    let size = known_size(descriptor);
    let advertised = response.content_length();
    if let (Some(size), Some(advertised)) = (size, advertised)
        && size != advertised
    {
        return Err(ProxyError::Integrity {
            what: format!("the length of blob {}", descriptor.digest),
            expected: format!("{size} bytes"),
            actual: format!("{advertised} bytes (Content-Length)"),
        });
    }
    let length = size.or(advertised);
    Ok(BlobStream {
        partial: false,
        length,
        served: None,
        total: length,
        body: verified(body(response), descriptor.digest.clone(), size),
    })
}

fn ranged(
    response: Response,
    descriptor: &Descriptor,
    range: Range<u64>,
) -> Result<BlobStream, ProxyError> {
    let size = known_size(descriptor);
    let (served, total, skip) = if response.status() == StatusCode::PARTIAL_CONTENT {
        let (served, total) = content_range(response.headers(), &range)?;
        if let (Some(total), Some(size)) = (total, size)
            && total != size
        {
            return Err(ProxyError::Integrity {
                what: format!("the length of blob {}", descriptor.digest),
                expected: format!("{size} bytes"),
                actual: format!("{total} bytes (Content-Range)"),
            });
        }
        (served, total.or(size), 0)
    } else {
        // The server ignored Range and sends the whole blob: skip and cut it here.
        let total = response.content_length().or(size);
        let end = total.map_or(range.end, |t| range.end.min(t));
        if end <= range.start {
            return Err(unsatisfiable(descriptor, Some(&range)));
        }
        (range.start..end, total, range.start)
    };
    let length = served.end - served.start;
    Ok(BlobStream {
        partial: true,
        length: Some(length),
        served: Some(served),
        total,
        body: window(body(response), skip, length),
    })
}

/// Checks a 206's `Content-Range: bytes a-b/total` against the range asked for. Numbers are
/// digits only and must fit in 64 bits; nothing is computed from them until they are known
/// to lie inside `asked`, so absurd values from a hostile server are an error, not a wrap.
fn content_range(
    headers: &HeaderMap,
    asked: &Range<u64>,
) -> Result<(Range<u64>, Option<u64>), ProxyError> {
    let text = headers
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let bad = || ProxyError::BadUpstream(format!("206 with an unusable Content-Range {text:?}"));
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        s.parse().ok().filter(|_| digits)
    };
    let (span, total) = text
        .strip_prefix("bytes ")
        .and_then(|rest| rest.split_once('/'))
        .ok_or_else(bad)?;
    let (first, last) = span.split_once('-').ok_or_else(bad)?;
    let first = number(first).ok_or_else(bad)?;
    let last = number(last).ok_or_else(bad)?;
    let total = match total.trim() {
        "*" => None,
        t => Some(number(t).ok_or_else(bad)?),
    };
    // The end may be clamped to the blob's end; anything else is not what was asked.
    if first != asked.start || last < first || last >= asked.end {
        return Err(ProxyError::BadUpstream(format!(
            "asked for bytes {}-{}, got Content-Range {text:?}",
            asked.start,
            asked.end - 1
        )));
    }
    // `last < asked.end`, so `last + 1` cannot overflow.
    let end = last + 1;
    // A total must hold the bytes sent, and a shorter answer is only a clamp to that total.
    if let Some(total) = total
        && (total < end || (end < asked.end && end != total))
    {
        return Err(bad());
    }
    Ok((first..end, total))
}

/// The response body with network failures typed.
fn body(response: Response) -> BoxStream<'static, Result<Bytes, ProxyError>> {
    let url = response.url().clone();
    response
        .bytes_stream()
        .map_err(move |e| network_error_while(&url, &e, "a blob"))
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_must_match_the_request() {
        let header = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_RANGE, HeaderValue::from_str(v).unwrap());
            h
        };
        let asked = 10..20;
        let ok = content_range(&header("bytes 10-19/100"), &asked).unwrap();
        assert_eq!(ok, (10..20, Some(100)));
        let clamped = content_range(&header("bytes 10-14/15"), &asked).unwrap();
        assert_eq!(clamped, (10..15, Some(15)));
        assert_eq!(
            content_range(&header("bytes 10-19/*"), &asked).unwrap().1,
            None
        );
        for bad in [
            "bytes 0-9/100",
            "bytes 10-25/100",
            "items 10-19/100",
            "bytes x-y/1",
            // Absurd numbers: past 64 bits, signs, a total smaller than the bytes sent.
            "bytes 10-18446744073709551615/100",
            "bytes 10-18446744073709551616/100",
            "bytes 18446744073709551615-18446744073709551615/*",
            "bytes 10-19/18446744073709551616",
            "bytes 10-19/99999999999999999999999999",
            "bytes +10-19/100",
            "bytes 10-+19/100",
            "bytes 10-19/+100",
            "bytes 10-19/-1",
            "bytes 10-19/15",
            "bytes 10-19/0",
            // Cut short without the total saying the blob ends there.
            "bytes 10-14/100",
            "bytes 10-14/",
            "bytes -/100",
            "bytes 10-/100",
            "bytes 19-10/100",
        ] {
            assert!(content_range(&header(bad), &asked).is_err(), "{bad}");
        }
    }
}
