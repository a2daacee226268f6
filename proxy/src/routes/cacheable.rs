//! Answers any HTTP cache can keep: each API answer says who may store it and for how long,
//! and a client (or a CDN) holding an answer addressed by digest revalidates it for free.
//!
//! The rules, by who the answer was made for ([`Audience`]) and what it names:
//! - errors, `POST`ed downloads, and streams that may still end in an error: `no-store`;
//! - made for anyone, addressed by digest and complete: [`IMMUTABLE`] with an `ETag`. The
//!   bytes a digest names never change, and nothing in the answer failed;
//! - made for anyone otherwise (a tag, a tag list, a partial answer): [`SHORT_LIVED`];
//! - made with credentials: [`PRIVATE`] (a browser may keep it, a shared cache may not), with
//!   the `ETag` when addressed by digest.
//!
//! The `ETag` is derived from the request alone ([`etag`]: the API revision, the route and
//! its canonical query), so `If-None-Match` is answered before any work: made for anyone, a
//! 304 at once; made with credentials, a 304 only while the registry's answer for that scope
//! is proven (`registry::access`), else after the request has shown its access again. Every
//! API answer varies on the credentials headers (see `routes::router`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lading_shared::Reference;
use lading_shared::api::{API_REVISION, IMAGE_PATH, REVISION_PARAM};
use lading_shared::layer::{
    BLOB_PATH, EXPORT_PATH, FILE_PATH, LAYER_PATH, LayerQuery, MERGED_PATH,
};
use sha2::{Digest as _, Sha256};

use crate::error::ProxyError;
use crate::registry::access::Identity;
use crate::registry::credentials::Credentials;
use crate::registry::image::{self, ResolvedImage};
use crate::registry::{Session, Upstream};
use crate::trace::Trace;

/// A digest names the same bytes forever: a year is the longest RFC 9111 lets one say.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A tag moves when someone pushes. Ten seconds lets a CDN absorb a burst of viewers of one
/// popular tag (one registry read per ten seconds instead of one per viewer) while a push
/// still shows within moments; the app itself reads tags through [`IMMUTABLE`] digests.
pub const SHORT_LIVED: &str = "public, max-age=10";
/// Made with someone's credentials: only their own browser may keep it, and it asks each
/// time (a 304 costs no registry request while their access is proven).
pub const PRIVATE: &str = "private, no-cache";
pub const NO_STORE: &str = "no-store";
/// Every API answer depends on these request headers beside the URL.
pub const VARY: &str = "x-lading-credentials, x-lading-hub-credentials";

/// Who an answer was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Made without any credentials: what anyone may read.
    Anyone,
    /// Made with credentials (the browser's, a Docker Hub sign-in, or the server's own).
    Private,
}

impl Audience {
    /// Who `session`'s answers are for: anyone only when no credentials apply at all.
    pub fn of(session: &Session) -> Audience {
        match session.identity() {
            Identity::Anonymous => Audience::Anyone,
            Identity::Credentials(_) => Audience::Private,
        }
    }

    /// Private once any other credentials (a Docker Hub sign-in) shaped the answer too.
    pub fn also_signed_in(self, signed_in: bool) -> Audience {
        if signed_in { Audience::Private } else { self }
    }
}

/// Whether everything inside an answer succeeded, as known when its headers are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    Complete,
    /// Something inside it failed (a child manifest, the config): worth a retry soon.
    Partial,
    /// A stream whose end is not known yet: it may still end in an error line.
    Unknown,
}

/// What a request asks of HTTP caching, worked out before anything is done for it.
#[derive(Debug, Clone)]
pub struct Conditional {
    /// The `ETag` a complete answer carries: only for a `GET` addressed by digest.
    etag: Option<HeaderValue>,
    /// Whether the client already holds that answer (`If-None-Match` names the `ETag`).
    held: bool,
    /// `GET` or `HEAD`: the only answers ever stored.
    readable: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Conditional {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Conditional::of(
            &parts.method,
            parts.uri.path(),
            parts.uri.query().unwrap_or_default(),
            &parts.headers,
        ))
    }
}

/// What [`Conditional::open_image`] found.
pub enum ImageOrHeld {
    /// The client's copy is current: this 304 is the whole answer.
    Held(Response),
    Image(Box<(Session, Reference, ResolvedImage)>),
}

impl Conditional {
    pub fn of(method: &Method, path: &str, query: &str, headers: &HeaderMap) -> Conditional {
        let readable = method == Method::GET || method == Method::HEAD;
        let etag = (readable && by_digest(path, query)).then(|| etag(API_REVISION, path, query));
        let held = etag
            .as_ref()
            .is_some_and(|etag| holds(headers.get(header::IF_NONE_MATCH), etag));
        Conditional {
            etag,
            held,
            readable,
        }
    }

    /// A 304 when the client holds this answer and may keep using it without the registry
    /// being asked: at once for anyone, while the scope is proven for credentials. Opens a
    /// session (which asks no registry anything) only when the client holds the answer.
    pub async fn held_answer(
        &self,
        upstream: &std::sync::Arc<Upstream>,
        reference: &str,
        credentials: Option<&Credentials>,
    ) -> Option<Response> {
        if !self.held {
            return None;
        }
        // Anything wrong with the reference is the real work's to report.
        let reference = Reference::parse(reference).ok()?;
        let repository = reference.repository();
        let trace = Trace::default();
        let session = Session::for_repository(upstream, &repository, credentials.cloned(), &trace)
            .await
            .ok()?;
        self.held_in(&session, &repository.repository)
    }

    /// The start of the layer, file, blob and export routes: a 304 when the client may keep
    /// what it holds ([`Conditional::held_answer`]), else a session and the image resolved.
    pub async fn open_image(
        &self,
        upstream: &std::sync::Arc<Upstream>,
        credentials: Option<Credentials>,
        query: &LayerQuery,
        trace: &Trace,
    ) -> Result<ImageOrHeld, ProxyError> {
        let held = self
            .held_answer(upstream, &query.reference, credentials.as_ref())
            .await;
        if let Some(held) = held {
            return Ok(ImageOrHeld::Held(held));
        }
        let (session, reference, image) =
            image::open_image(upstream, credentials, query, trace).await?;
        Ok(ImageOrHeld::Image(Box::new((session, reference, image))))
    }

    /// [`Conditional::held_answer`] for a session already open on `repository`.
    pub fn held_in(&self, session: &Session, repository: &str) -> Option<Response> {
        if !self.held {
            return None;
        }
        let audience = Audience::of(session);
        let proven = || {
            let scope = session.content_scope(repository);
            session.upstream.proofs.proven(&scope)
        };
        (audience == Audience::Anyone || proven()).then(|| self.not_modified(audience))
    }

    /// A 304 when the client holds this answer, now that the registry has shown this
    /// request's access again (its image resolved with the request's own credentials): what
    /// the client holds is the complete answer for an ETag no other answer carries.
    pub fn shown(&self, audience: Audience) -> Option<Response> {
        self.held.then(|| self.not_modified(audience))
    }

    /// `response` with the headers its kind of answer gets; a 304 instead when the client
    /// holds it already.
    pub fn stamp(
        &self,
        mut response: Response,
        audience: Audience,
        whole: Completeness,
    ) -> Response {
        let status = response.status();
        let policy = match (self.readable && status.is_success(), whole, &self.etag) {
            (false, _, _) | (true, Completeness::Unknown, _) => Policy::NoStore,
            (true, Completeness::Complete, Some(etag)) => Policy::Validated(etag.clone()),
            (true, _, _) => Policy::Unvalidated,
        };
        if let Policy::Validated(_) = policy
            && self.held
        {
            return self.not_modified(audience);
        }
        apply(response.headers_mut(), &policy, audience);
        response
    }

    fn not_modified(&self, audience: Audience) -> Response {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        let policy = match &self.etag {
            Some(etag) => Policy::Validated(etag.clone()),
            None => Policy::Unvalidated,
        };
        apply(response.headers_mut(), &policy, audience);
        response
    }
}

enum Policy {
    NoStore,
    /// Storable, with no validator (a tag, a partial answer).
    Unvalidated,
    /// Storable, validated by this `ETag`.
    Validated(HeaderValue),
}

fn apply(headers: &mut HeaderMap, policy: &Policy, audience: Audience) {
    let cache_control = match (policy, audience) {
        (Policy::NoStore, _) => NO_STORE,
        (_, Audience::Private) => PRIVATE,
        (Policy::Unvalidated, Audience::Anyone) => SHORT_LIVED,
        (Policy::Validated(_), Audience::Anyone) => IMMUTABLE,
    };
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    match policy {
        Policy::Validated(etag) => headers.insert(header::ETAG, etag.clone()),
        _ => headers.remove(header::ETAG),
    };
}

/// Whether `path?query` names its answer by digest: the image pinned (`ref=…@sha256:…`)
/// and, for one layer or blob, that blob's `digest=` too. Tags and catalogs never are.
fn by_digest(path: &str, query: &str) -> bool {
    let needs_blob = match path {
        IMAGE_PATH | MERGED_PATH | FILE_PATH | EXPORT_PATH => false,
        LAYER_PATH | BLOB_PATH => true,
        _ => return false,
    };
    let mut pinned = false;
    let mut blob = false;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "ref" => pinned = Reference::parse(&value).is_ok_and(|r| r.digest.is_some()),
            "digest" => blob = !value.is_empty(),
            _ => {}
        }
    }
    pinned && (blob || !needs_blob)
}

/// The weak `ETag` of the answer to `path?query` under API `revision`: the query's pairs
/// decoded, without [`REVISION_PARAM`], sorted, so spelling and order do not matter. Weak,
/// since only the meaning is promised: a trace's timings differ byte for byte.
pub fn etag(revision: u32, path: &str, query: &str) -> HeaderValue {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(key, _)| key != REVISION_PARAM)
        .collect();
    pairs.sort();
    let canonical = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let hash = Sha256::digest(format!("{revision}\n{path}\n{canonical}"));
    // One buffer: this runs on every API request.
    let mut hex = String::with_capacity(32);
    for b in &hash[..16] {
        let _ = std::fmt::Write::write_fmt(&mut hex, format_args!("{b:02x}"));
    }
    // Hex digits and a number: always a valid header value.
    HeaderValue::try_from(format!("W/\"r{revision}-{hex}\""))
        .unwrap_or(HeaderValue::from_static("W/\"\""))
}

/// Whether `If-None-Match` names `etag`, by the weak comparison RFC 9110 §13.1.2 asks for.
/// `*` is not taken as a match: it cannot be known before the work whether there is an
/// answer at all.
fn holds(if_none_match: Option<&HeaderValue>, etag: &HeaderValue) -> bool {
    let Some(listed) = if_none_match.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag.to_str().unwrap_or_default());
    listed.split(',').any(|tag| opaque(tag) == ours)
}

#[cfg(test)]
mod tests;
