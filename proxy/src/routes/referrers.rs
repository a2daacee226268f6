//! `GET /api/referrers?ref=REFERENCE[&artifactType=TYPE]`: what refers to the manifest
//! REFERENCE names (see `registry::referrers`). Referrers arrive whenever someone signs or
//! attests, so the answer is never immutable, even for a digest: anyone's is kept briefly,
//! a signed-in one only by its own browser (`cacheable`).

use axum::extract::State;
use axum::response::Response;
use lading_shared::api::{Exchange, ReferrersQuery, ReferrersResponse, RegistryNotes};

use super::answer::{Caching, Traced, answer_json, open_named};
use super::cacheable::{Audience, Completeness, Conditional};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::limits::budget::{LISTING_MEMORY, Reservation};
use crate::trace::Trace;

/// The answer and whether something inside it could not be read.
struct Answer {
    response: ReferrersResponse,
    partial: bool,
}

impl serde::Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.response.serialize(serializer)
    }
}

impl Traced for Answer {
    fn set_trace(&mut self, trace: Vec<Exchange>, notes: RegistryNotes) {
        self.response.trace = trace;
        self.response.registry_notes = notes;
    }

    fn completeness(&self) -> Completeness {
        let failed = self.partial || self.response.referrers.iter().any(|r| r.error.is_some());
        match failed {
            true => Completeness::Partial,
            false => Completeness::Complete,
        }
    }
}

pub async fn list_referrers(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    conditional: Conditional,
    ApiQuery(query): ApiQuery<ReferrersQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let (reference, session) =
        open_named(&state.upstream, &query.reference, credentials, &trace).await?;
    let registry = reference.registry.clone();
    let caching = Caching {
        conditional: &conditional,
        audience: Audience::of(&session),
    };
    let artifact_type = query
        .artifact_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let work = async {
        let mut memory = Reservation::new(&LISTING_MEMORY);
        let (response, partial) = session
            .list_referrers(&query.reference, reference, artifact_type, &mut memory)
            .await?;
        Ok((Answer { response, partial }, memory))
    };
    answer_json(&state, &registry, &trace, caching, work).await
}
