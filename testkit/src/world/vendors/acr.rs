//! Azure Container Registry (`lading.azurecr.io`): `Bearer realm="https://lading.azurecr.io/oauth2/token",service="lading.azurecr.io"`;
//! `GET /oauth2/token?service=&scope=` with Basic → `{"access_token":…}`; `POST /oauth2/token`
//! (form: `grant_type=refresh_token|password`); `POST /oauth2/exchange` (form:
//! `grant_type=access_token&service=&access_token=<AAD token>`) → `{"refresh_token":…}`, then
//! sign-in as `00000000-0000-0000-0000-000000000000` with that refresh token. Relative `Link`
//! with an empty `orderby=`, `_catalog` offered, strict `Accept`, blobs on signed Azure Blob
//! URLs (`se`, `sig`, `sv`).
//!
//! Uncertain (`WorldOptions::alternate`): anonymous pull enabled (default: off, every
//! repository needs credentials, as a new registry is).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use super::{engine, fill, hex_of, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{
    AcceptRules, Auth, BearerRules, CatalogRules, Cdn, Engine, Fault, Identity, Profile, Reply,
    ScopeParam, TokenShape, basic_identity, random_token,
};

pub const HOST: &str = "lading.azurecr.io";
pub const DATA_HOST: &str = "lading.eastus.data.azurecr.io";
pub const PUBLIC: &str = "lading/app";
pub const PRIVATE: &str = "lading/secret";
/// The sign-in name that goes with a refresh token.
pub const NULL_GUID: &str = "00000000-0000-0000-0000-000000000000";
/// The Azure AD access token `POST /oauth2/exchange` accepts.
pub const AAD_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.lading-testkit-aad-token.c2ln";
const MORE_INFO: &str = "visit https://aka.ms/acr/authorization for more information.";
/// Form bodies longer than this are refused.
const FORM_LIMIT: usize = 64 << 10;

fn errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    let e = |s, c, m: &str, d| Reply::errors(s, c, m, d);
    match fault {
        Fault::Unauthorized { .. } => e(
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            &format!("authentication required, {MORE_INFO}"),
            None,
        ),
        Fault::Denied { repo } => e(
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            &format!("authentication required, {MORE_INFO}"),
            Some(json!([{ "Type": "repository", "Name": repo, "Action": "pull" }])),
        ),
        Fault::NameUnknown { repo } => e(
            S::NOT_FOUND,
            "NAME_UNKNOWN",
            "repository name not known to registry",
            Some(json!({ "name": repo })),
        ),
        Fault::ManifestUnknown { reference, .. } | Fault::NotAccepted { reference, .. } => e(
            S::NOT_FOUND,
            "MANIFEST_UNKNOWN",
            &format!("manifest tagged by \"{reference}\" is not found"),
            Some(json!({ "Tag": reference })),
        ),
        Fault::BlobUnknown { digest } => e(
            S::NOT_FOUND,
            "BLOB_UNKNOWN",
            "blob unknown to registry",
            Some(json!(digest)),
        ),
        Fault::BadN { .. } => e(
            S::BAD_REQUEST,
            "PAGINATION_NUMBER_INVALID",
            "invalid number of results requested",
            None,
        ),
        Fault::NoCatalog => e(
            S::NOT_FOUND,
            "UNSUPPORTED",
            "The operation is unsupported.",
            None,
        ),
        Fault::NotFound => Reply::text(S::NOT_FOUND, "404 page not found\n"),
    }
}

fn data_location(digest: &str) -> String {
    let hex = hex_of(digest);
    format!(
        "/lading/docker/v2/blobs/sha256/{}/{hex}/data?se=2026-12-01T22%3A50%3A00Z&sig=TGFkaW5nVGVzdGtpdEF6dXJlU2lnbmF0dXJl%3D\
&sp=r&spr=https&sr=b&sv=2021-12-02&regid=0123456789abcdef0123456789abcdef",
        &hex[..2]
    )
}

pub fn profile() -> Profile {
    let mut p = Profile::distribution(HOST);
    p.auth = Auth::Bearer(BearerRules {
        realm: format!("https://{HOST}/oauth2/token"),
        params: format!(",service=\"{HOST}\""),
        service: Some(HOST.to_owned()),
        scope: ScopeParam::Requested,
        ping_scope: None,
        token_shape: TokenShape::AccessTokenOnly,
        token_prefix: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.",
        grant_all: false,
    });
    p.accept = AcceptRules {
        strict: true,
        list_fallback: false,
    };
    p.tags.link = Some("</v2/{repo}/tags/list?last={last}&n={n}&orderby=>; rel=\"next\"".into());
    p.catalog = CatalogRules::Offered {
        default_page: None,
        link: Some("</v2/_catalog?last={last}&n={n}&orderby=>; rel=\"next\"".into()),
    };
    p.cdn = Some(Cdn {
        host: DATA_HOST.to_owned(),
        location: data_location,
        signature_param: "sig",
        refuses_authorization: true,
    });
    p.errors = errors;
    p
}

fn json_reply(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn unauthorized() -> Response {
    json_reply(
        StatusCode::UNAUTHORIZED,
        json!({ "errors": [{ "code": "UNAUTHORIZED", "message": format!("authentication required, {MORE_INFO}") }] }),
    )
}

/// `POST /oauth2/token`: `grant_type=refresh_token` (with `refresh_token`) or `password`
/// (with `username`/`password`), plus `service` and `scope`.
async fn token_post(State(engine): State<Engine>, body: axum::body::Bytes) -> Response {
    if body.len() > FORM_LIMIT {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let form = form(&body);
    let user = match field(&form, "grant_type") {
        Some("refresh_token") => field(&form, "refresh_token")
            .filter(|t| engine.check_password(NULL_GUID, t))
            .map(|_| NULL_GUID.to_owned()),
        Some("password") => match (field(&form, "username"), field(&form, "password")) {
            (Some(u), Some(p)) if engine.check_password(u, p) => Some(u.to_owned()),
            _ => None,
        },
        _ => {
            return json_reply(
                StatusCode::BAD_REQUEST,
                json!({ "error": "unsupported_grant_type" }),
            );
        }
    };
    let Some(user) = user else {
        return unauthorized();
    };
    let Auth::Bearer(rules) = &engine.profile.auth else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let scopes: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "scope")
        .flat_map(|(_, v)| v.split(' ').map(String::from).collect::<Vec<_>>())
        .collect();
    let grant = engine.grant_for(rules, Identity::User(user), &scopes);
    let token = engine.issue(rules, grant);
    json_reply(StatusCode::OK, json!({ "access_token": token }))
}

/// `POST /oauth2/exchange`: an AAD access token (or Basic credentials) → a refresh token that
/// signs in as [`NULL_GUID`].
async fn exchange(
    State(engine): State<Engine>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if body.len() > FORM_LIMIT {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let form = form(&body);
    let by_aad = field(&form, "grant_type") == Some("access_token")
        && field(&form, "access_token") == Some(AAD_TOKEN);
    let by_basic = matches!(basic_identity(&engine, &headers), Ok(Some(_)));
    if !(by_aad || by_basic) {
        return unauthorized();
    }
    if field(&form, "service").is_some_and(|s| s != HOST) {
        return json_reply(
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_request", "error_description": "service mismatch" }),
        );
    }
    let refresh = random_token("eyJhbGciOiJSUzI1NiJ9.refresh.");
    engine.add_account(NULL_GUID, &refresh);
    json_reply(StatusCode::OK, json!({ "refresh_token": refresh }))
}

pub(super) fn build(world: &mut WorldBuilder) {
    let credentials = Some((
        "lading".to_owned(),
        "AcrAdminPassword+LadingTestkit0123456789=".to_owned(),
    ));
    let engine = engine(world, profile(), &credentials);
    let oauth = Router::new()
        .route("/oauth2/token", post(token_post))
        .route("/oauth2/exchange", post(exchange))
        .with_state(engine.clone());
    serve_registry(world, &engine, oauth);
    fill(world, HOST, PUBLIC, Some(PRIVATE), credentials);
    if !world.options.alternate {
        for repo in world.store.repositories() {
            world.store.set_private(&repo, true);
        }
    }
}
