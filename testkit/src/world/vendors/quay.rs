//! quay.io: `Bearer realm="https://quay.io/v2/auth",service="quay.io"` (no scope), a `/v2/`
//! 401 body that is not OCI JSON, tags oldest first with a relative
//! `Link: </v2/ns/repo/tags/list?n=…&last=TAG>`, `n` capped at 100, errors with `"detail":{}`,
//! blobs on signed `cdn01.quay.io` URLs, and the REST tag API
//! `/api/v1/repository/{ns}/{repo}/tag/?limit=&page=&onlyActiveTags=true` with RFC 2822 dates.
//!
//! Uncertain (`WorldOptions::alternate`): `tags/list` without `n` sends everything (default:
//! 50 a page).

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::{engine, fill, hex_of, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{
    Auth, BearerRules, CatalogRules, Cdn, Engine, Fault, Identity, OverMax, Profile, Reply,
    ScopeParam, TagOrder, TokenShape,
};

pub const HOST: &str = "quay.io";
pub const CDN_HOST: &str = "cdn01.quay.io";
pub const PUBLIC: &str = "lading/app";
pub const PRIVATE: &str = "lading/secret";
const REST_DEFAULT_LIMIT: usize = 50;
const REST_MAX_LIMIT: usize = 100;

fn errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    let e = |s, c, m: &str| Reply::errors(s, c, m, Some(json!({})));
    match fault {
        Fault::Unauthorized { .. } | Fault::Denied { .. } => e(
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            "access to the requested resource is not authorized",
        ),
        Fault::NameUnknown { .. } => e(S::NOT_FOUND, "NAME_UNKNOWN", "repository not found"),
        Fault::ManifestUnknown { .. } | Fault::NotAccepted { .. } => {
            e(S::NOT_FOUND, "MANIFEST_UNKNOWN", "manifest unknown")
        }
        Fault::BlobUnknown { .. } => e(S::NOT_FOUND, "BLOB_UNKNOWN", "blob unknown to registry"),
        Fault::BadN { .. } => e(S::BAD_REQUEST, "UNSUPPORTED", "invalid page size"),
        Fault::NoCatalog => e(S::NOT_FOUND, "UNSUPPORTED", "catalog not supported"),
        Fault::NotFound => Reply::text(S::NOT_FOUND, "404 page not found\n"),
    }
}

fn cdn_location(digest: &str) -> String {
    let hex = hex_of(digest);
    format!(
        "/sha256/{}/{hex}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIALADINGTESTKIT%2F20261201%2Fus-east-1%2Fs3%2Faws4_request\
&X-Amz-Date=20261201T220000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host\
&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        &hex[..2]
    )
}

pub fn profile(alternate: bool) -> Profile {
    let mut p = Profile::distribution(HOST);
    p.auth = Auth::Bearer(BearerRules {
        realm: format!("https://{HOST}/v2/auth"),
        params: format!(",service=\"{HOST}\""),
        service: Some(HOST.to_owned()),
        scope: ScopeParam::None,
        ping_scope: None,
        token_shape: TokenShape::TokenOnly,
        token_prefix: "eyJhbGciOiJSUzI1NiJ9.",
        grant_all: false,
    });
    p.ping_401 = Some(Reply {
        status: StatusCode::UNAUTHORIZED,
        content_type: "application/json",
        body: "{\"error\": \"Invalid bearer token format\"}".to_owned(),
    });
    p.tags.order = TagOrder::OldestFirst;
    p.tags.default_page = if alternate { None } else { Some(50) };
    p.tags.max_n = Some((100, OverMax::Cap));
    p.tags.link = Some("</v2/{repo}/tags/list?n={n}&last={last}>; rel=\"next\"".into());
    p.catalog = CatalogRules::Offered {
        default_page: Some(50),
        link: Some("</v2/_catalog?n={n}&last={last}>; rel=\"next\"".into()),
    };
    p.cdn = Some(Cdn {
        host: CDN_HOST.to_owned(),
        location: cdn_location,
        signature_param: "X-Amz-Signature",
        refuses_authorization: false,
    });
    p.errors = errors;
    p
}

/// `Wed, 03 Jan 2024 03:04:05 -0000`, Quay's date format.
pub fn rfc2822(ms: u64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] -0000"
    );
    at.format(&format).unwrap_or_default()
}

fn rest_error(status: StatusCode, title: &str) -> Response {
    let body = json!({
        "detail": title, "error_message": title, "error_type": title.replace(' ', "_"),
        "title": title.replace(' ', "_"), "type": format!("https://{HOST}/api/v1/error/{}", title.replace(' ', "_")),
        "status": status.as_u16(),
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `GET /api/v1/repository/{ns}/{repo}/tag/`: newest first, `limit` (≤ 100) a page.
async fn rest_tags(
    State(engine): State<Engine>,
    Path((ns, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let repo = format!("{ns}/{name}");
    let identity = match crate::world::engine::basic_identity(&engine, &headers) {
        Ok(Some(user)) => Identity::User(user),
        Ok(None) => Identity::Anonymous,
        Err(_) => return rest_error(StatusCode::UNAUTHORIZED, "invalid token"),
    };
    if !engine.may_read(&identity, &repo) {
        return rest_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let mut limit = REST_DEFAULT_LIMIT;
    let mut page = 1usize;
    let mut specific = None;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "limit" => {
                limit = v
                    .parse()
                    .unwrap_or(REST_DEFAULT_LIMIT)
                    .clamp(1, REST_MAX_LIMIT)
            }
            "page" => page = v.parse().unwrap_or(1).max(1),
            "specificTag" => specific = Some(v.into_owned()),
            _ => {}
        }
    }
    let Some(entries) = engine.store.read(&repo, |r| {
        let mut tags = r.tags.clone();
        tags.sort_by(|a, b| b.pushed_ms.cmp(&a.pushed_ms).then(a.name.cmp(&b.name)));
        tags.into_iter()
            .filter(|t| specific.as_ref().is_none_or(|s| &t.name == s))
            .map(|t| {
                let m = r.manifests.get(&t.digest);
                json!({
                    "name": t.name,
                    "reference": t.name,
                    "manifest_digest": t.digest,
                    "is_manifest_list": m.is_some_and(|m| m.is_list()),
                    "size": m.filter(|m| !m.is_list()).map(|m| m.content_size()),
                    "last_modified": rfc2822(t.pushed_ms),
                    "start_ts": t.pushed_ms / 1000,
                })
            })
            .collect::<Vec<_>>()
    }) else {
        return rest_error(StatusCode::NOT_FOUND, "not found");
    };
    let start = (page - 1).saturating_mul(limit);
    let tags: Vec<_> = entries.iter().skip(start).take(limit).cloned().collect();
    let has_additional = start + tags.len() < entries.len();
    let body = json!({ "tags": tags, "page": page, "has_additional": has_additional });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

pub(super) fn build(world: &mut WorldBuilder) {
    let credentials = Some((
        "lading+robot".to_owned(),
        "LADINGROBOTTOKEN0123456789ABCDEFGHIJ".to_owned(),
    ));
    let engine = engine(world, profile(world.options.alternate), &credentials);
    let rest = Router::new()
        .route("/api/v1/repository/{ns}/{name}/tag/", get(rest_tags))
        .with_state(engine.clone());
    serve_registry(world, &engine, rest);
    fill(world, HOST, PUBLIC, Some(PRIVATE), credentials);
}
