//! `GET /api/tags?repo=REGISTRY/REPOSITORY`: every tag, all pages.

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use lading_shared::api::{TagsQuery, TagsResponse};
use lading_shared::reference::Repository;

use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::{ApiQuery, BrowserCredentials};
use crate::layers::budget::Reservation;
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
            Ok(json_holding(&response, memory))
        }
        Err(error) => Err(Failure {
            error,
            trace: trace.exchanges(),
        }),
    }
}

/// Bytes per chunk of a large JSON answer.
const CHUNK_BYTES: usize = 64 * 1024;

/// `value` as JSON whose body holds `memory` (the tags and their JSON, charged to the
/// budget) until its last chunk is taken to be sent.
fn json_holding(value: &TagsResponse, memory: Reservation) -> Response {
    // Serialising plain data to a Vec cannot fail.
    let bytes = Bytes::from(serde_json::to_vec(value).unwrap_or_default());
    let chunks: Vec<Bytes> = (0..bytes.len())
        .step_by(CHUNK_BYTES)
        .map(|start| bytes.slice(start..(start + CHUNK_BYTES).min(bytes.len())))
        .collect();
    let chunks = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, Infallible>));
    let release = futures_util::stream::once(async move {
        drop(memory);
        Ok(Bytes::new())
    });
    let mut response = Response::new(Body::from_stream(chunks.chain(release)));
    let json = HeaderValue::from_static("application/json");
    response.headers_mut().insert(header::CONTENT_TYPE, json);
    response
}
