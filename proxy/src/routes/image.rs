//! `GET /api/image?ref=REFERENCE[&platform=DIGEST]`: a manifest of any kind with what its
//! view needs (see `registry::view`).

use axum::extract::State;
use axum::response::Response;
use lading_shared::Reference;
use lading_shared::api::ImageQuery;

use super::answer::answer_json;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::limits::budget::{LISTING_MEMORY, Reservation};
use crate::registry::Session;
use crate::trace::Trace;

pub async fn get_image(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    ApiQuery(query): ApiQuery<ImageQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let reference = Reference::parse(&query.reference).map_err(|e| trace.fail(e.into()))?;
    let registry = reference.registry.clone();
    let work = async {
        let repository = reference.repository();
        let session =
            Session::for_repository(&state.upstream, &repository, credentials, &trace).await?;
        let mut memory = Reservation::new(&LISTING_MEMORY);
        let platform = query.platform.as_ref();
        let response = session
            .view_image(&query.reference, reference, platform, &mut memory)
            .await?;
        Ok((response, memory))
    };
    answer_json(&state, &registry, &trace, work).await
}
