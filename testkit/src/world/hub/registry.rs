//! `registry-1.docker.io`: the World engine with Docker Hub's profile (tokens from
//! `auth.docker.io`, no catalog, `Accept` ignored, blobs redirected to the CDN), Docker
//! Hub's exact error bodies, and the pull rate limit wrapped around manifest answers.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use super::pull_limit::{PullLimits, Puller};
use super::{AUTH_HOST, CdnStyle, REGISTRY_HOST, REGISTRY_SERVICE, cdn};
use crate::world::engine::{
    AcceptRules, Auth, BearerRules, CatalogRules, Engine, Fault, Identity, Profile, Reply,
    ScopeParam, TokenShape,
};

/// `expires_in` of registry tokens.
pub const TOKEN_EXPIRES_IN: u64 = 300;
/// The ping's 401 body: 87 bytes, the newline included.
pub const UNAUTHORIZED_BODY: &str = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}\n";

/// Docker Hub's registry profile; `cdn` picks where blob redirects point.
pub fn profile(cdn: CdnStyle) -> Profile {
    let mut profile = Profile::distribution(REGISTRY_HOST);
    profile.auth = Auth::Bearer(BearerRules {
        realm: format!("https://{AUTH_HOST}/token"),
        params: format!(",service=\"{REGISTRY_SERVICE}\""),
        service: Some(REGISTRY_SERVICE.into()),
        scope: ScopeParam::Requested,
        ping_scope: None,
        token_shape: TokenShape::Both(TOKEN_EXPIRES_IN),
        token_prefix: "",
        grant_all: false,
    });
    // Docker Hub returns the stored manifest whatever `Accept` says.
    profile.accept = AcceptRules {
        strict: false,
        list_fallback: false,
    };
    profile.catalog = CatalogRules::NotOffered;
    profile.cdn = Some(cdn::engine_cdn(cdn));
    // A private repository and a missing one get the same 401.
    profile.hide_missing = true;
    profile.errors = hub_errors;
    profile
}

/// `{"errors":[{"code","message","detail"}]}` in Docker Hub's field order (serde_json would
/// sort the keys), with the trailing newline Docker Hub sends.
fn errors_body(code: &str, message: &str, detail: &str) -> String {
    format!(
        "{{\"errors\":[{{\"code\":\"{code}\",\"message\":\"{message}\",\"detail\":{detail}}}]}}\n"
    )
}

fn reply(status: StatusCode, body: String) -> Reply {
    Reply {
        status,
        content_type: "application/json",
        body,
    }
}

fn access_detail(kind: &str, name: &str, action: &str) -> String {
    let name = serde_json::to_string(name).expect("string serialises");
    format!("[{{\"Type\":\"{kind}\",\"Class\":\"\",\"Name\":{name},\"Action\":\"{action}\"}}]")
}

fn hub_errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    let quoted = |s: &str| serde_json::to_string(s).expect("string serialises");
    match fault {
        Fault::Unauthorized { .. } => reply(S::UNAUTHORIZED, UNAUTHORIZED_BODY.into()),
        Fault::Denied { repo } | Fault::NameUnknown { repo } => reply(
            S::UNAUTHORIZED,
            errors_body(
                "UNAUTHORIZED",
                "authentication required",
                &access_detail("repository", repo, "pull"),
            ),
        ),
        // With a token: `registry:catalog:*` is never granted.
        Fault::NoCatalog => reply(
            S::UNAUTHORIZED,
            errors_body(
                "UNAUTHORIZED",
                "authentication required",
                &access_detail("registry", "catalog", "*"),
            ),
        ),
        Fault::ManifestUnknown { reference, .. } | Fault::NotAccepted { reference, .. } => {
            let kind = if reference.starts_with("sha256:") {
                "digest"
            } else {
                "tag"
            };
            let detail = quoted(&format!("unknown {kind}={reference}"));
            reply(
                S::NOT_FOUND,
                errors_body("MANIFEST_UNKNOWN", "manifest unknown", &detail),
            )
        }
        Fault::BlobUnknown { digest } => reply(
            S::NOT_FOUND,
            errors_body("BLOB_UNKNOWN", "blob unknown to registry", &quoted(digest)),
        ),
        Fault::BadN { .. } => reply(
            S::BAD_REQUEST,
            errors_body(
                "PAGINATION_NUMBER_INVALID",
                "invalid number of results requested",
                "null",
            ),
        ),
        Fault::NotFound => Reply::text(S::NOT_FOUND, "404 page not found\n"),
    }
}

#[derive(Clone)]
struct Limited {
    engine: Engine,
    limits: Arc<Mutex<PullLimits>>,
}

/// The engine's router with the pull rate limit applied to manifest answers.
pub fn router(engine: Engine, limits: Arc<Mutex<PullLimits>>) -> Router {
    let state = Limited {
        engine: engine.clone(),
        limits,
    };
    engine
        .router()
        .layer(middleware::from_fn_with_state(state, rate_limit))
}

/// `/v2/NAME/manifests/REF` → NAME.
fn manifest_repo(path: &str) -> Option<&str> {
    let (repo, reference) = path.strip_prefix("/v2/")?.rsplit_once("/manifests/")?;
    (!repo.is_empty() && !reference.is_empty() && !reference.contains('/')).then_some(repo)
}

fn puller(engine: &Engine, request: &Request) -> Puller {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match token.and_then(|t| engine.tokens.get(t)).map(|g| g.identity) {
        Some(Identity::User(name)) => Puller::User {
            id: super::account_id(&name),
            name,
        },
        _ => {
            // The TLS server may not pass the peer; every client here is on loopback.
            let ip = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "127.0.0.1".to_owned(), |c| c.0.ip().to_string());
            Puller::Anonymous { ip }
        }
    }
}

async fn rate_limit(State(state): State<Limited>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let Some(repo) = manifest_repo(request.uri().path()).map(String::from) else {
        return next.run(request).await;
    };
    if method != Method::GET && method != Method::HEAD {
        return next.run(request).await;
    }
    let puller = puller(&state.engine, &request);
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let is_list = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("manifest.list") || t.contains("image.index"));
    let mut limits = state.limits.lock().unwrap_or_else(|e| e.into_inner());
    let counts = method == Method::GET && (!is_list || limits.count_index_gets);
    let decision = limits.request(&puller, &repo, counts);
    drop(limits);
    if !decision.allowed {
        let mut refused = (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/json")],
            puller.too_many_requests_body(),
        )
            .into_response();
        refused.headers_mut().extend(decision.headers);
        refused.headers_mut().insert(
            "docker-distribution-api-version",
            HeaderValue::from_static("registry/2.0"),
        );
        return refused;
    }
    response.headers_mut().extend(decision.headers);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ping_body_is_87_bytes() {
        assert_eq!(UNAUTHORIZED_BODY.len(), 87);
        serde_json::from_str::<serde_json::Value>(UNAUTHORIZED_BODY).expect("JSON");
    }

    #[test]
    fn manifest_paths_name_their_repository() {
        assert_eq!(
            manifest_repo("/v2/library/alpine/manifests/3.9"),
            Some("library/alpine")
        );
        assert_eq!(manifest_repo("/v2/library/alpine/blobs/sha256:00"), None);
        assert_eq!(manifest_repo("/v2/"), None);
    }
}
