//! Tags of a repository with their per-platform images (the captured shape), and one tag;
//! a missing tag is the Hub's `httperror 404: tag '…' not found` with `errinfo`.

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::page::PageQuery;
use super::{HubApi, json_response, not_found};
use crate::world::hub::meta::HubTag;

fn missing_repo(ns: &str, repo: &str) -> Response {
    not_found(
        "httperror 404: object not found",
        json!({ "namespace": ns, "repository": repo }),
    )
}

/// The repository's tags if `headers` may see it.
fn visible_tags<'a>(
    api: &'a HubApi,
    headers: &HeaderMap,
    ns: &str,
    repo: &str,
) -> Result<&'a [HubTag], Response> {
    let user = api.caller(headers)?;
    if api.visible_repo(user.as_deref(), ns, repo).is_none() {
        return Err(missing_repo(ns, repo));
    }
    Ok(api
        .0
        .tags
        .get(&format!("{ns}/{repo}"))
        .map_or(&[], Vec::as_slice))
}

fn sort(tags: &mut [&HubTag], ordering: Option<&str>, plain_newest_first: bool) {
    match ordering.unwrap_or("-last_updated") {
        "name" => tags.sort_by(|a, b| a.name.cmp(&b.name)),
        "-name" => tags.sort_by(|a, b| b.name.cmp(&a.name)),
        "last_updated" if !plain_newest_first => tags.sort_by_key(|t| t.last_pushed),
        _ => tags.sort_by_key(|t| std::cmp::Reverse(t.last_pushed)),
    }
}

pub async fn list_tags(
    State(api): State<HubApi>,
    Path((ns, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let all = match visible_tags(&api, &headers, &ns, &repo) {
        Ok(all) => all,
        Err(refused) => return refused,
    };
    let query = match PageQuery::parse(raw.as_deref()) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let mut tags: Vec<&HubTag> = all
        .iter()
        .filter(|t| {
            query
                .name
                .as_ref()
                .is_none_or(|n| t.name.contains(n.as_str()))
        })
        .collect();
    sort(
        &mut tags,
        query.ordering.as_deref(),
        api.0.plain_last_updated_newest_first,
    );
    let items = tags.iter().map(|t| t.to_json()).collect();
    match query.page(uri.path(), items, Value::Null) {
        Ok(page) => json_response(StatusCode::OK, &page),
        Err(refused) => refused,
    }
}

pub async fn get_tag(
    State(api): State<HubApi>,
    Path((ns, repo, tag)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let all = match visible_tags(&api, &headers, &ns, &repo) {
        Ok(all) => all,
        Err(refused) => return refused,
    };
    match all.iter().find(|t| t.name == tag) {
        Some(found) => json_response(StatusCode::OK, &found.to_json()),
        None => not_found(
            &format!("httperror 404: tag '{tag}' not found"),
            json!({ "namespace": ns, "repository": repo, "tag": tag }),
        ),
    }
}
