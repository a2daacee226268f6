//! The one shape of a JSON answer: the work within the answer's time limit, the trace
//! attached to success and failure alike, the body charged to the memory budget.

use std::future::Future;

use axum::response::Response;
use lading_shared::api::{CatalogResponse, Exchange, ImageResponse, RegistryNotes, TagsResponse};
use serde::Serialize;

use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::limits::budget::Reservation;
use crate::limits::within;
use crate::trace::Trace;

/// An answer that carries the exchanges made for it.
pub trait Traced {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes);
}

impl Traced for ImageResponse {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes) {
        self.trace = trace;
        self.registry_notes = notes;
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

/// Runs `work` within the answer limit (a timeout names `registry`) and answers its value
/// as charged JSON, or its failure, each with `trace`.
pub async fn answer_json<T: Serialize + Traced>(
    state: &AppState,
    registry: &str,
    trace: &Trace,
    work: impl Future<Output = Result<(T, Reservation), ProxyError>>,
) -> Result<Response, Failure> {
    let (mut value, memory) = within(state.upstream.limits.answer, registry, work)
        .await
        .map_err(|error| trace.fail(error))?;
    value.set_trace(trace.exchanges(), trace.registry_notes());
    super::json::charged(&value, memory).map_err(|error| trace.fail(error))
}
