//! Repositories: a namespace's listing (new and legacy paths; `ordering`, `name` partial
//! match; private ones only for a member signed in with the Hub JWT), one repository, and the
//! undocumented search whose `previous` is `""`.

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::page::PageQuery;
use super::{HubApi, error, json_response, not_found};
use crate::world::hub::meta::HubRepo;

/// `ordering` values the listing honours; others are ignored, as Django's filter does.
fn sort(repos: &mut [&HubRepo], ordering: Option<&str>, plain_newest_first: bool) {
    match ordering.unwrap_or("-last_updated") {
        "name" => repos.sort_by(|a, b| a.name.cmp(&b.name)),
        "-name" => repos.sort_by(|a, b| b.name.cmp(&a.name)),
        "last_updated" if plain_newest_first => {
            repos.sort_by_key(|r| std::cmp::Reverse(r.last_updated))
        }
        "last_updated" => repos.sort_by_key(|r| r.last_updated),
        "pull_count" => repos.sort_by_key(|r| r.pull_count),
        "-pull_count" => repos.sort_by_key(|r| std::cmp::Reverse(r.pull_count)),
        _ => repos.sort_by_key(|r| std::cmp::Reverse(r.last_updated)),
    }
}

pub async fn list_repositories(
    State(api): State<HubApi>,
    Path(ns): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let user = match api.caller(&headers) {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let query = match PageQuery::parse(raw.as_deref()) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let private = api.sees_private(user.as_deref(), &ns);
    let mut repos: Vec<&HubRepo> = api.0.repos.iter().filter(|r| r.namespace == ns).collect();
    if repos.is_empty() {
        return not_found(
            &format!("httperror 404: namespace '{ns}' not found"),
            json!({ "namespace": ns }),
        );
    }
    repos.retain(|r| !r.is_private || private);
    if let Some(part) = &query.name {
        repos.retain(|r| r.name.contains(part.as_str()));
    }
    sort(
        &mut repos,
        query.ordering.as_deref(),
        api.0.plain_last_updated_newest_first,
    );
    let items = repos.iter().map(|r| r.to_json()).collect();
    match query.page(uri.path(), items, Value::Null) {
        Ok(page) => json_response(StatusCode::OK, &page),
        Err(refused) => refused,
    }
}

pub async fn get_repository(
    State(api): State<HubApi>,
    Path((ns, repo)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let user = match api.caller(&headers) {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let Some(found) = api.visible_repo(user.as_deref(), &ns, &repo) else {
        return not_found(
            "httperror 404: object not found",
            json!({ "namespace": ns, "repository": repo }),
        );
    };
    let mut body = found.to_json();
    body["user"] = json!(ns);
    body["full_description"] = json!(format!("# {}\n\n{}\n", found.name, found.description));
    body["permissions"] = json!({ "read": true, "write": false, "admin": false });
    json_response(StatusCode::OK, &body)
}

pub async fn search_repositories(State(api): State<HubApi>, RawQuery(raw): RawQuery) -> Response {
    let query = match PageQuery::parse(raw.as_deref()) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let Some(text) = query.query.clone() else {
        return error(StatusCode::BAD_REQUEST, "query is required", json!({}));
    };
    let mut found: Vec<&HubRepo> = api
        .0
        .repos
        .iter()
        .filter(|r| !r.is_private && r.full_name().contains(text.as_str()))
        .collect();
    found.sort_by_key(|r| std::cmp::Reverse(r.pull_count));
    let items = found
        .iter()
        .map(|r| {
            let official = r.namespace == "library";
            json!({
                "repo_name": if official { r.name.clone() } else { r.full_name() },
                "short_description": r.description,
                "star_count": r.star_count,
                "pull_count": r.pull_count,
                "repo_owner": "",
                "is_automated": false,
                "is_official": official,
            })
        })
        .collect();
    match query.page("/v2/search/repositories/", items, Value::from("")) {
        Ok(page) => json_response(StatusCode::OK, &page),
        Err(refused) => refused,
    }
}
