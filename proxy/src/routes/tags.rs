//! `GET /api/tags?repo=REGISTRY/REPOSITORY`: every tag, all pages, with what the registry
//! or its web API says about them for free (dates, sizes): fetched beside the tag list,
//! bounded, and never failing it (see `registry::tag_details`).

use axum::extract::State;
use axum::response::Response;
use lading_shared::api::{TagDetailSource, TagsQuery, TagsResponse};
use lading_shared::reference::Repository;

use super::answer::{Caching, answer_json};
use super::cacheable::{Audience, Conditional};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::hub::HubCredentials;
use crate::registry::Session;
use crate::registry::tag_details::{DETAIL_TIME_SHARE, Details, source_by_host};
use crate::registry::tags::details_heap;
use crate::trace::Trace;

pub async fn list_tags(
    State(state): State<AppState>,
    BrowserCredentials(credentials): BrowserCredentials,
    HubCredentials(hub_credentials): HubCredentials,
    conditional: Conditional,
    ApiQuery(query): ApiQuery<TagsQuery>,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let repository = Repository::parse(&query.repo).map_err(|e| trace.fail(e.into()))?;
    let registry = repository.registry.clone();
    let time = state.upstream.limits.answer.mul_f64(DETAIL_TIME_SHARE);
    let session = Session::for_repository(&state.upstream, &repository, credentials, &trace)
        .await
        .map_err(|e| trace.fail(e))?;
    let caching = Caching {
        conditional: &conditional,
        audience: Audience::of(&session).also_signed_in(hub_credentials.is_some()),
    };
    let work = async {
        let name = &repository.repository;
        let by_host = source_by_host(&registry).filter(|s| *s != TagDetailSource::GoogleTagList);
        let details = async {
            match by_host {
                Some(source) => Some(
                    session
                        .tag_details(source, name, hub_credentials.as_ref(), time)
                        .await,
                ),
                None => None,
            }
        };
        let (pages, details) = tokio::join!(session.list_tags(name), details);
        let pages = pages?;
        // Harbor is known by its challenge, cached by the tag list just read.
        let details = match details {
            Some(details) => details,
            None => match session.harbor_source().await {
                Some(source) => session.tag_details(source, name, None, time).await,
                None if !pages.details.is_empty() || pages.detail_error.is_some() => Details {
                    details: pages.details,
                    source: Some(TagDetailSource::GoogleTagList),
                    error: pages.detail_error,
                },
                None => Details::default(),
            },
        };
        // Details from an API are charged beside the tags they describe.
        let mut memory = pages.memory;
        memory.resize(pages.sorted.heap() + details_heap(&details.details))?;
        let sorted = pages.sorted;
        let response = TagsResponse {
            repository,
            tags: sorted.tags,
            skipped: sorted.skipped,
            skipped_count: sorted.skipped_count,
            pages: pages.pages,
            details: details.details,
            detail_source: details.source,
            detail_error: details.error,
            registry_notes: Default::default(),
            trace: Vec::new(),
        };
        Ok((response, memory))
    };
    answer_json(&state, &registry, &trace, caching, work).await
}
