//! Where Docker Hub's blob redirects point: `production.cloudflare.docker.com` with
//! `?verify=<unix>-<signature>`, or (a switch) R2 presigned `X-Amz-*` URLs. Both check their
//! signature for real (a client that drops or mangles the query fails here) and refuse any
//! `Authorization` header — registry credentials must never follow a redirect to another
//! host; the World's request log keeps what was sent, so a test can prove none was.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;

use super::{CDN_HOST, CdnStyle, R2_HOST};
use crate::world::engine::{Cdn, ranged};
use crate::world::store::Store;

/// How long a signed URL stays valid (Docker Hub's are short-lived).
pub const SIGNATURE_LIFETIME_SECS: u64 = 1200;
/// The R2 access key id in `X-Amz-Credential` (not a secret: half of a key pair).
const R2_KEY_ID: &str = "8b2f4c1e9d7a6b5c4d3e2f1a0b9c8d7e";

/// One key per process: URLs are made by a plain `fn` (the engine's [`Cdn::location`]).
fn key() -> &'static hmac::Key {
    static KEY: OnceLock<hmac::Key> = OnceLock::new();
    KEY.get_or_init(|| {
        hmac::Key::generate(hmac::HMAC_SHA256, &ring::rand::SystemRandom::new())
            .expect("system randomness")
    })
}

fn sign(message: &str) -> Vec<u8> {
    hmac::sign(key(), message.as_bytes()).as_ref().to_vec()
}

fn now() -> u64 {
    crate::jwt::unix_now()
}

/// `/registry-v2/docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data`.
fn blob_path(digest: &str) -> String {
    let hex = digest.trim_start_matches("sha256:");
    let prefix = hex.get(..2).unwrap_or("00");
    format!("/registry-v2/docker/registry/v2/blobs/sha256/{prefix}/{hex}/data")
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `…/data?verify=<unix>-<base64 signature, percent-encoded>`.
fn cloudflare_location(digest: &str) -> String {
    let path = blob_path(digest);
    let expires = now() + SIGNATURE_LIFETIME_SECS;
    let signature = STANDARD.encode(sign(&format!("{path}|{expires}")));
    format!(
        "{path}?verify={}",
        encode(&format!("{expires}-{signature}"))
    )
}

/// `…/data?X-Amz-Algorithm=…&X-Amz-Credential=…&X-Amz-Date=…&X-Amz-Expires=…&X-Amz-SignedHeaders=host&X-Amz-Signature=…`.
fn r2_location(digest: &str) -> String {
    let path = blob_path(digest);
    let date = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("time formats");
    let day = &date[..8];
    let credential = format!("{R2_KEY_ID}/{day}/auto/s3/aws4_request");
    let query = format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}&X-Amz-Date={date}\
         &X-Amz-Expires={SIGNATURE_LIFETIME_SECS}&X-Amz-SignedHeaders=host",
        encode(&credential)
    );
    let signature = data_encoding::HEXLOWER.encode(&sign(&format!("{path}?{query}")));
    format!("{path}?{query}&X-Amz-Signature={signature}")
}

/// The engine's redirect rule for `style`.
pub fn engine_cdn(style: CdnStyle) -> Cdn {
    match style {
        CdnStyle::Cloudflare => Cdn {
            host: CDN_HOST.into(),
            location: cloudflare_location,
            signature_param: "verify",
            refuses_authorization: true,
        },
        CdnStyle::R2 => Cdn {
            host: R2_HOST.into(),
            location: r2_location,
            signature_param: "X-Amz-Signature",
            refuses_authorization: true,
        },
    }
}

/// Why a signed URL is refused, or `Ok`.
fn check_cloudflare(path: &str, query: &str) -> Result<(), &'static str> {
    let verify = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "verify")
        .map(|(_, v)| v.into_owned())
        .ok_or("missing verify")?;
    let (expires, signature) = verify.split_once('-').ok_or("malformed verify")?;
    let expires: u64 = expires.parse().map_err(|_| "malformed verify")?;
    let signature = STANDARD.decode(signature).map_err(|_| "malformed verify")?;
    hmac::verify(key(), format!("{path}|{expires}").as_bytes(), &signature)
        .map_err(|_| "bad signature")?;
    if expires < now() {
        return Err("expired");
    }
    Ok(())
}

fn check_r2(path: &str, query: &str) -> Result<(), &'static str> {
    let (signed, signature) = query
        .rsplit_once("&X-Amz-Signature=")
        .ok_or("missing X-Amz-Signature")?;
    let signature = data_encoding::HEXLOWER
        .decode(signature.as_bytes())
        .map_err(|_| "malformed signature")?;
    hmac::verify(key(), format!("{path}?{signed}").as_bytes(), &signature)
        .map_err(|_| "bad signature")
}

#[derive(Clone)]
struct CdnState {
    store: Store,
    style: CdnStyle,
}

/// The CDN host of `style`, serving any blob of `store` by its path.
pub fn router(store: Store, style: CdnStyle) -> Router {
    Router::new()
        .fallback(serve)
        .with_state(CdnState { store, style })
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

async fn serve(State(state): State<CdnState>, request: Request) -> Response {
    let headers: &HeaderMap = request.headers();
    if headers.contains_key(header::AUTHORIZATION) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, \
             Signature query string parameter or the Authorization header should be specified",
        );
    }
    let path = request.uri().path();
    let query = request.uri().query().unwrap_or("");
    let checked = match state.style {
        CdnStyle::Cloudflare => check_cloudflare(path, query),
        CdnStyle::R2 => check_r2(path, query),
    };
    if let Err(why) = checked {
        return refusal(StatusCode::FORBIDDEN, "AccessDenied", why);
    }
    let hex = path
        .strip_prefix("/registry-v2/docker/registry/v2/blobs/sha256/")
        .and_then(|rest| rest.get(3..67))
        .unwrap_or_default();
    let digest = format!("sha256:{hex}");
    match state.store.any_blob(&digest) {
        Some(blob) => ranged(&blob, headers, &digest),
        None => refusal(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(location: &str) -> (&str, &str) {
        location.split_once('?').expect("a query")
    }

    #[test]
    fn signed_urls_verify_and_tampering_fails() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        let cf = cloudflare_location(&digest);
        let (path, query) = split(&cf);
        assert!(
            path.starts_with("/registry-v2/docker/registry/v2/blobs/sha256/ab/abab"),
            "{cf}"
        );
        assert_eq!(check_cloudflare(path, query), Ok(()));
        assert!(check_cloudflare(&path.replace("/ab/", "/cd/"), query).is_err());
        assert!(check_cloudflare(path, "").is_err());
        let r2 = r2_location(&digest);
        let (path, query) = split(&r2);
        assert!(query.contains("X-Amz-Credential="), "{r2}");
        assert_eq!(check_r2(path, query), Ok(()));
        assert!(check_r2(path, &query.replace("Expires=1200", "Expires=9999")).is_err());
    }
}
