//! The one shape of a JSON answer: the work within the answer's time limit, the trace
//! attached to success and failure alike, the body charged to the memory budget, the headers
//! that say who may keep it (`cacheable`).

use std::future::Future;

use axum::response::Response;
use lading_shared::api::{CatalogResponse, Exchange, ImageResponse, RegistryNotes, TagsResponse};
use serde::Serialize;

use super::answer_cache::AnswerKey;
use super::cacheable::{Audience, Completeness, Conditional};
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::limits::budget::Reservation;
use crate::limits::within;
use crate::trace::Trace;

/// An answer that carries the exchanges made for it.
pub trait Traced {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes);

    /// Whether nothing inside the answer failed.
    fn completeness(&self) -> Completeness {
        Completeness::Complete
    }
}

impl Traced for ImageResponse {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes) {
        self.trace = trace;
        self.registry_notes = notes;
    }

    /// A child or the config that could not be read may well be read next time: such an
    /// answer is never immutable.
    fn completeness(&self) -> Completeness {
        let failed = self.config_error.is_some() || self.children.iter().any(|c| c.error.is_some());
        match failed {
            true => Completeness::Partial,
            false => Completeness::Complete,
        }
    }
}

impl Traced for TagsResponse {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes) {
        self.trace = trace;
        self.registry_notes = notes;
    }
}

impl Traced for CatalogResponse {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes) {
        self.trace = trace;
        self.registry_notes = notes;
    }
}

/// Who an answer is for and what the request asked of caching.
pub struct Caching<'a> {
    pub conditional: &'a Conditional,
    pub audience: Audience,
}

/// Runs `work` within the answer limit (a timeout names `registry`) and answers its value
/// as charged JSON (or a 304 when the client holds it already), or its failure, each with
/// `trace`.
pub async fn answer_json<T: Serialize + Traced>(
    state: &AppState,
    registry: &str,
    trace: &Trace,
    caching: Caching<'_>,
    work: impl Future<Output = Result<(T, Reservation), ProxyError>>,
) -> Result<Response, Failure> {
    answer_json_kept(state, registry, trace, caching, None, work).await
}

/// [`answer_json`] for an answer `answer_cache` may keep under `key` (given only when the
/// request is addressed by digest): kept when it is complete and was made with no exchange,
/// so that nothing in it belongs to this one request.
pub async fn answer_json_kept<T: Serialize + Traced>(
    state: &AppState,
    registry: &str,
    trace: &Trace,
    caching: Caching<'_>,
    key: Option<AnswerKey>,
    work: impl Future<Output = Result<(T, Reservation), ProxyError>>,
) -> Result<Response, Failure> {
    let (mut value, memory) = within(state.upstream.limits.answer, registry, work)
        .await
        .map_err(|error| trace.fail(error))?;
    let exchanges = trace.exchanges();
    let quiet = exchanges.is_empty();
    value.set_trace(exchanges, trace.registry_notes());
    let whole = value.completeness();
    let bytes = super::json::to_json(&value);
    let response =
        super::json::charged(bytes.clone(), memory).map_err(|error| trace.fail(error))?;
    if let Some(key) = key
        && quiet
        && whole == Completeness::Complete
    {
        state.answers.keep(key, bytes);
    }
    Ok(caching.conditional.stamp(response, caching.audience, whole))
}

/// The start of the routes that read one named manifest (image, referrers, verify): the
/// reference parsed and a session opened for its repository (which asks the registry
/// nothing; it says whose answer this will be).
pub async fn open_named(
    upstream: &std::sync::Arc<crate::registry::Upstream>,
    named: &str,
    credentials: Option<crate::registry::credentials::Credentials>,
    trace: &Trace,
) -> Result<(lading_shared::Reference, crate::registry::Session), Failure> {
    let reference = lading_shared::Reference::parse(named).map_err(|e| trace.fail(e.into()))?;
    let repository = reference.repository();
    let session =
        crate::registry::Session::for_repository(upstream, &repository, credentials, trace)
            .await
            .map_err(|e| trace.fail(e))?;
    Ok((reference, session))
}
