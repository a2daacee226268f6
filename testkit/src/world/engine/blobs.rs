//! Blob GET/HEAD: straight from the store (with `Range`), or a redirect to the CDN host.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::routes::{api_version, reply};
use super::{Engine, Fault};

pub fn blob(engine: &Engine, repo: &str, digest: &str, headers: &HeaderMap) -> Response {
    let profile = &engine.profile;
    let Some(bytes) = engine.store.blob(repo, digest) else {
        return reply(profile, (profile.errors)(&Fault::BlobUnknown { digest }));
    };
    // A HEAD answers here (its method is GET by now only through axum's HEAD→GET routing,
    // so the caller strips the body); a GET to a CDN-backed registry is redirected.
    if let Some(cdn) = &profile.cdn
        && !is_head(headers)
    {
        let location = format!("https://{}{}", cdn.host, (cdn.location)(digest));
        let mut response = (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(0));
        api_version(profile, &mut response);
        return response;
    }
    let mut response = ranged(&bytes, headers, digest);
    api_version(profile, &mut response);
    response
}

/// The method is not visible here; the dispatcher marks HEAD requests with this header.
fn is_head(headers: &HeaderMap) -> bool {
    headers.contains_key(super::routes::HEAD_MARK)
}

/// 200 with the bytes, or 206 for a satisfiable `Range: bytes=a-b`, 416 otherwise.
pub fn ranged(bytes: &[u8], headers: &HeaderMap, digest: &str) -> Response {
    let len = bytes.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes="))
        .map(|spec| {
            let (start, end) = spec.split_once('-')?;
            let start: usize = start.trim().parse().ok()?;
            let end: usize = match end.trim() {
                "" => len.checked_sub(1)?,
                e => e.parse::<usize>().ok()?.min(len.checked_sub(1)?),
            };
            (start <= end).then_some((start, end))
        });
    let common = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
        (header::ETAG, format!("\"{digest}\"")),
        (
            header::HeaderName::from_static("docker-content-digest"),
            digest.to_owned(),
        ),
    ];
    match range {
        None => (StatusCode::OK, common, bytes.to_vec()).into_response(),
        Some(Some((start, end))) => (
            StatusCode::PARTIAL_CONTENT,
            common,
            [(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}"))],
            bytes[start..=end].to_vec(),
        )
            .into_response(),
        Some(None) => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{len}"))],
        )
            .into_response(),
    }
}
