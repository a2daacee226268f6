//! `GET /api/image?ref=REFERENCE[&platform=DIGEST]`: a manifest of any kind with what its
//! view needs (see `registry::view`).

use axum::extract::{RawQuery, State};
use axum::response::Response;
use lading_shared::api::{IMAGE_PATH, ImageQuery};

use super::answer::{Caching, answer_json_kept, open_named};
use super::answer_cache::AnswerKey;
use super::cacheable::{Audience, Completeness, Conditional};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::limits::budget::{LISTING_MEMORY, Reservation};
use crate::trace::Trace;

pub async fn get_image(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    conditional: Conditional,
    RawQuery(raw_query): RawQuery,
    ApiQuery(query): ApiQuery<ImageQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let (reference, session) =
        open_named(&state.upstream, &query.reference, credentials, &trace).await?;
    let registry = reference.registry.clone();
    let repository = reference.repository();
    if let Some(held) = conditional.held_in(&session, &repository.repository) {
        return Ok(held);
    }
    let audience = Audience::of(&session);
    // Only a digest names an answer that is the same every time (see `answer_cache`).
    let key = reference.digest.is_some().then(|| {
        let scope = session.content_scope(&repository.repository);
        AnswerKey::new(scope, IMAGE_PATH, raw_query.as_deref().unwrap_or_default())
    });
    let proven = |scope: &_| state.upstream.proofs.proven(scope);
    if let Some(kept) = key.as_ref().and_then(|key| state.answers.get(key, proven)) {
        let response = super::json::kept(kept);
        return Ok(conditional.stamp(response, audience, Completeness::Complete));
    }
    let caching = Caching {
        conditional: &conditional,
        audience,
    };
    let work = async {
        let mut memory = Reservation::new(&LISTING_MEMORY);
        let platform = query.platform.as_ref();
        let response = session
            .view_image(&query.reference, reference, platform, &mut memory)
            .await?;
        Ok((response, memory))
    };
    answer_json_kept(&state, &registry, &trace, caching, key, work).await
}
