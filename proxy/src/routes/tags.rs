//! `GET /api/tags?repo=REGISTRY/REPOSITORY`: every tag, all pages.

use axum::extract::State;
use axum::response::Response;
use lading_shared::api::{TagsQuery, TagsResponse};
use lading_shared::reference::Repository;

use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::limits::within;
use crate::registry::Session;
use crate::trace::Trace;

pub async fn list_tags(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    ApiQuery(query): ApiQuery<TagsQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let registry = Repository::parse(&query.repo).map_or_else(|_| String::new(), |r| r.registry);
    let work = async {
        let repository = Repository::parse(&query.repo)?;
        let session = Session::open(
            state.upstream.clone(),
            &repository.registry,
            repository.api_host(),
            credentials,
            trace.clone(),
        )
        .await?;
        let pages = session.list_tags(&repository.repository).await?;
        let sorted = pages.sorted;
        let response = TagsResponse {
            repository,
            tags: sorted.tags,
            skipped: sorted.skipped,
            skipped_count: sorted.skipped_count,
            pages: pages.pages,
            trace: Vec::new(),
        };
        Ok::<_, ProxyError>((response, pages.memory))
    };
    let result = within(state.upstream.limits.answer, &registry, work).await;
    match result {
        Ok((mut response, memory)) => {
            response.trace = trace.exchanges();
            super::json::charged(&response, memory).map_err(|error| Failure {
                error,
                trace: trace.exchanges(),
            })
        }
        Err(error) => Err(Failure {
            error,
            trace: trace.exchanges(),
        }),
    }
}
