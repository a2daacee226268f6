//! `GET /api/tags?repo=REGISTRY/REPOSITORY`: every tag, all pages.

use axum::Json;
use axum::extract::State;
use lading_shared::api::{SkippedTag, TagsQuery, TagsResponse};
use lading_shared::reference::{Repository, is_valid_tag};

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
) -> Result<Json<TagsResponse>, Failure> {
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
        let (tags, skipped) = sort_out(pages.entries);
        Ok::<_, ProxyError>(TagsResponse {
            repository,
            tags,
            skipped,
            pages: pages.pages,
            trace: Vec::new(),
        })
    };
    let result = within(state.upstream.limits.answer, &registry, work).await;
    match result {
        Ok(mut response) => {
            response.trace = trace.exchanges();
            Ok(Json(response))
        }
        Err(error) => Err(Failure {
            error,
            trace: trace.exchanges(),
        }),
    }
}

/// Keeps valid, first-seen tags; everything else is reported, not silently dropped.
fn sort_out(entries: Vec<serde_json::Value>) -> (Vec<String>, Vec<SkippedTag>) {
    let mut seen = std::collections::HashSet::new();
    let mut tags = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries {
        let skip = |reason: &str| SkippedTag {
            value: entry.to_string(),
            reason: reason.to_string(),
        };
        match entry.as_str() {
            None => skipped.push(skip("not a string")),
            Some(tag) if !is_valid_tag(tag) => skipped.push(skip("not a valid tag name")),
            Some(tag) if !seen.insert(tag.to_string()) => skipped.push(skip("listed twice")),
            Some(tag) => tags.push(tag.to_string()),
        }
    }
    (tags, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_entries_are_reported() {
        let entries = serde_json::json!(["v1", null, "sha256:abc", "v1", 7, "latest"]);
        let (tags, skipped) = sort_out(entries.as_array().unwrap().clone());
        assert_eq!(tags, ["v1", "latest"]);
        assert_eq!(skipped.len(), 4);
    }
}
