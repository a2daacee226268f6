//! `GET /api/tags?repo=REGISTRY/REPOSITORY`: every tag, all pages.

use axum::extract::State;
use axum::response::Response;
use lading_shared::api::{TagsQuery, TagsResponse};
use lading_shared::reference::Repository;

use super::answer::answer_json;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::registry::Session;
use crate::trace::Trace;

pub async fn list_tags(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    ApiQuery(query): ApiQuery<TagsQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let repository = Repository::parse(&query.repo).map_err(|e| trace.fail(e.into()))?;
    let registry = repository.registry.clone();
    let work = async {
        let session =
            Session::for_repository(&state.upstream, &repository, credentials, &trace).await?;
        let pages = session.list_tags(&repository.repository).await?;
        let sorted = pages.sorted;
        let response = TagsResponse {
            repository,
            tags: sorted.tags,
            skipped: sorted.skipped,
            skipped_count: sorted.skipped_count,
            pages: pages.pages,
            details: Vec::new(),
            detail_source: None,
            detail_error: None,
            registry_notes: Default::default(),
            trace: Vec::new(),
        };
        Ok((response, pages.memory))
    };
    answer_json(&state, &registry, &trace, work).await
}
