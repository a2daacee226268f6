//! Harbor (`harbor.lading.test`): `Bearer realm="https://<host>/service/token",service="harbor-registry"`
//! when no credentials were sent, **`Basic realm="harbor"`** when an `Authorization` header was
//! sent or for `_catalog` (Basic credentials work directly); tokens `{"token","expires_in":1800,"issued_at"}`;
//! tags byte-wise sorted, `Link` only when `n` was given; a missing manifest comes back as
//! code `UNKNOWN` "not found"; the REST API
//! `/api/v2.0/projects/{p}/repositories/{r}/artifacts?with_tag=true&page=&page_size=` with a
//! `push_time` per artifact and per tag.
//!
//! Uncertain (`WorldOptions::alternate`): a missing manifest is distribution's
//! MANIFEST_UNKNOWN instead.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::{engine, fill, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{
    Auth, BearerRules, Engine, Fault, Identity, Profile, Reply, ScopeParam, TokenShape,
    basic_identity, distribution_errors,
};

pub const HOST: &str = "harbor.lading.test";
pub const PUBLIC: &str = "lading/app";
pub const PRIVATE: &str = "secret/app";
const PAGE_SIZE_DEFAULT: usize = 10;
const PAGE_SIZE_MAX: usize = 100;

fn errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    match fault {
        Fault::ManifestUnknown { .. } => Reply::errors(S::NOT_FOUND, "UNKNOWN", "not found", None),
        other => errors_alternate(other),
    }
}

fn errors_alternate(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    match fault {
        Fault::Unauthorized { .. } => Reply::errors(
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            "unauthorized: authentication required",
            None,
        ),
        Fault::Denied { repo } => {
            let m = format!("unauthorized to access repository: {repo}, action: pull");
            Reply::errors(
                S::UNAUTHORIZED,
                "UNAUTHORIZED",
                &format!("unauthorized: {m}: {m}"),
                None,
            )
        }
        Fault::NotFound => Reply::errors(S::NOT_FOUND, "NOT_FOUND", "not found", None),
        other => distribution_errors(other),
    }
}

pub fn profile(alternate: bool) -> Profile {
    let mut p = Profile::distribution(HOST);
    p.auth = Auth::Harbor {
        bearer: BearerRules {
            realm: format!("https://{HOST}/service/token"),
            params: ",service=\"harbor-registry\"".to_owned(),
            service: Some("harbor-registry".to_owned()),
            scope: ScopeParam::Requested,
            ping_scope: None,
            token_shape: TokenShape::TokenWithExpiry(1800),
            token_prefix: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.",
            grant_all: false,
        },
        basic_challenge: "Basic realm=\"harbor\"".to_owned(),
    };
    p.tags.link_only_with_n = true;
    p.errors = if alternate { errors_alternate } else { errors };
    p
}

/// `2024-01-02T03:05:05.000Z`.
fn iso(ms: u64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].000Z");
    at.format(&format).unwrap_or_default()
}

fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "code": code, "message": message }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Tagged artifacts, newest push first, each with its tags (newest first).
async fn artifacts(
    State(engine): State<Engine>,
    Path((project, repository)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    // Clients encode a `/` in the repository twice (`a%252Fb`); axum decoded once.
    let name = repository.replace("%2F", "/").replace("%2f", "/");
    let repo = format!("{project}/{name}");
    let identity = match basic_identity(&engine, &headers) {
        Ok(Some(user)) => Identity::User(user),
        Ok(None) => Identity::Anonymous,
        Err(_) => return api_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "unauthorized"),
    };
    if !engine.may_read(&identity, &repo) {
        return api_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "unauthorized");
    }
    let mut page = 1usize;
    let mut page_size = PAGE_SIZE_DEFAULT;
    let raw = query.unwrap_or_default();
    for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
        match k.as_ref() {
            "page" => page = v.parse().unwrap_or(1).max(1),
            "page_size" => {
                page_size = v
                    .parse()
                    .unwrap_or(PAGE_SIZE_DEFAULT)
                    .clamp(1, PAGE_SIZE_MAX)
            }
            _ => {}
        }
    }
    let Some(all) = engine.store.read(&repo, |r| {
        let mut tagged: Vec<_> = r
            .manifests
            .values()
            .filter(|m| !r.tags_of(&m.digest).is_empty())
            .collect();
        let latest = |digest: &str| r.tags_of(digest).iter().map(|t| t.pushed_ms).max().unwrap_or(0);
        tagged.sort_by_key(|m| std::cmp::Reverse(latest(&m.digest)));
        tagged
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let mut tags = r.tags_of(&m.digest);
                tags.sort_by_key(|t| std::cmp::Reverse(t.pushed_ms));
                let tags: Vec<_> = tags
                    .iter()
                    .enumerate()
                    .map(|(j, t)| json!({
                        "id": j + 1, "artifact_id": i + 1, "repository_id": 1, "name": t.name,
                        "push_time": iso(t.pushed_ms), "pull_time": "0001-01-01T00:00:00.000Z",
                        "immutable": false, "signed": false,
                    }))
                    .collect();
                json!({
                    "id": i + 1, "project_id": 1, "repository_id": 1, "repository_name": repo,
                    "digest": m.digest, "media_type": m.media_type, "manifest_media_type": m.media_type,
                    "type": "IMAGE", "size": m.content_size() + m.bytes.len() as u64,
                    "push_time": iso(m.pushed_ms), "pull_time": "0001-01-01T00:00:00.000Z",
                    "tags": tags,
                })
            })
            .collect::<Vec<_>>()
    }) else {
        return api_error(StatusCode::NOT_FOUND, "NOT_FOUND", &format!("repository {repo} not found"));
    };
    let start = (page - 1).saturating_mul(page_size);
    let items: Vec<_> = all.iter().skip(start).take(page_size).cloned().collect();
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::Value::Array(items.clone()).to_string(),
    )
        .into_response();
    response
        .headers_mut()
        .insert("x-total-count", HeaderValue::from(all.len()));
    if start + items.len() < all.len() {
        let link = format!(
            "</api/v2.0/projects/{project}/repositories/{}/artifacts?page={}&page_size={page_size}&with_tag=true>; rel=\"next\"",
            name.replace('/', "%252F"),
            page + 1
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

pub(super) fn build(world: &mut WorldBuilder) {
    let credentials = Some((
        "lading-robot".to_owned(),
        "HarborRobotSecret0123456789".to_owned(),
    ));
    let engine = engine(world, profile(world.options.alternate), &credentials);
    let api = Router::new()
        .route(
            "/api/v2.0/projects/{project}/repositories/{repository}/artifacts",
            get(artifacts),
        )
        .with_state(engine.clone());
    serve_registry(world, &engine, api);
    fill(world, HOST, PUBLIC, Some(PRIVATE), credentials);
}
