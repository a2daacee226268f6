//! Dispatch of `/v2/…` paths (repository names contain slashes, so paths are split by hand at
//! the last `/manifests/`, `/blobs/`, `/tags/list`), and the shared answer helpers.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Engine, Fault, Profile, Reply, blobs, manifests, tags};

/// Largest in-memory answer turned into a HEAD answer (only fixtures are served).
const HEAD_BODY_LIMIT: usize = 256 << 20;

/// Set by the dispatcher on HEAD requests, so handlers can tell (blobs do not redirect a HEAD).
pub const HEAD_MARK: &str = "x-testkit-world-head";

/// What a request needs to be allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    Ping,
    Pull(String),
    Catalog,
}

impl Need {
    pub fn is_ping(&self) -> bool {
        matches!(self, Need::Ping)
    }
}

/// A vendor [`Reply`] as a response, with the API version header when the profile sends it.
pub fn reply(profile: &Profile, answer: Reply) -> Response {
    let mut response = (
        answer.status,
        [(header::CONTENT_TYPE, answer.content_type)],
        answer.body,
    )
        .into_response();
    api_version(profile, &mut response);
    response
}

pub fn api_version(profile: &Profile, response: &mut Response) {
    if profile.api_version_header {
        response.headers_mut().insert(
            "docker-distribution-api-version",
            HeaderValue::from_static("registry/2.0"),
        );
    }
}

pub fn router(engine: Engine) -> Router {
    let own_realm = super::auth::bearer_rules(&engine)
        .and_then(|rules| url::Url::parse(&rules.realm).ok())
        .is_some_and(|realm| realm.host_str() == Some(engine.profile.host.as_str()));
    let v2 = Router::new().fallback(dispatch).with_state(engine.clone());
    if own_realm {
        engine.token_router().merge(v2)
    } else {
        v2
    }
}

async fn dispatch(State(engine): State<Engine>, mut request: Request) -> Response {
    let head = request.method() == Method::HEAD;
    if head {
        request
            .headers_mut()
            .insert(HEAD_MARK, HeaderValue::from_static("1"));
    }
    let (parts, _body) = request.into_parts();
    let response = if parts.method == Method::GET || head {
        route(&engine, &parts)
    } else {
        let answer = Reply::errors(
            StatusCode::METHOD_NOT_ALLOWED,
            "UNSUPPORTED",
            "The operation is unsupported.",
            None,
        );
        reply(&engine.profile, answer)
    };
    if head {
        without_body(response).await
    } else {
        response
    }
}

/// A HEAD answer: the GET's headers, its length, no body.
async fn without_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    if !parts.headers.contains_key(header::CONTENT_LENGTH) {
        let bytes = axum::body::to_bytes(body, HEAD_BODY_LIMIT)
            .await
            .unwrap_or_default();
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    }
    Response::from_parts(parts, Body::empty())
}

fn route(engine: &Engine, request: &axum::http::request::Parts) -> Response {
    let path = request.uri.path();
    let query = request.uri.query().unwrap_or("");
    let headers = &request.headers;
    let not_found = || reply(&engine.profile, (engine.profile.errors)(&Fault::NotFound));
    let Some(rest) = path.strip_prefix("/v2") else {
        return not_found();
    };
    let need = match rest {
        "" | "/" => Need::Ping,
        "/_catalog" => Need::Catalog,
        _ => match split(rest) {
            Some((repo, _)) => Need::Pull(repo.to_owned()),
            None => return not_found(),
        },
    };
    let identity = match engine.authorize(headers, &need) {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    match need {
        Need::Ping => {
            let mut response = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{}",
            )
                .into_response();
            api_version(&engine.profile, &mut response);
            response
        }
        Need::Catalog => tags::catalog(engine, &identity, query),
        Need::Pull(repo) => {
            if !engine.store.repositories().contains(&repo) {
                let fault = if engine.profile.hide_missing {
                    Fault::Denied { repo: &repo }
                } else {
                    Fault::NameUnknown { repo: &repo }
                };
                let challenge = super::auth::bearer_rules(engine)
                    .map(|rules| {
                        super::auth::bearer_challenge(rules, &Need::Pull(repo.clone()), true)
                    })
                    .unwrap_or_default();
                return engine.refuse(&Need::Pull(repo.clone()), fault, &challenge);
            }
            match split(rest) {
                Some((_, Target::Tags)) => tags::tags(engine, &repo, query, headers),
                Some((_, Target::Manifest(reference))) => {
                    manifests::manifest(engine, &repo, reference, headers)
                }
                Some((_, Target::Blob(digest))) => blobs::blob(engine, &repo, digest, headers),
                None => not_found(),
            }
        }
    }
}

enum Target<'a> {
    Tags,
    Manifest(&'a str),
    Blob(&'a str),
}

/// `/NAME/tags/list`, `/NAME/manifests/REF`, `/NAME/blobs/DIGEST` → (NAME, target).
fn split(rest: &str) -> Option<(&str, Target<'_>)> {
    let rest = rest.strip_prefix('/')?;
    if let Some(repo) = rest.strip_suffix("/tags/list") {
        return valid(repo).then_some((repo, Target::Tags));
    }
    if let Some((repo, reference)) = rest.rsplit_once("/manifests/") {
        return (valid(repo) && !reference.is_empty() && !reference.contains('/'))
            .then_some((repo, Target::Manifest(reference)));
    }
    if let Some((repo, digest)) = rest.rsplit_once("/blobs/") {
        return (valid(repo) && digest.starts_with("sha256:") && !digest.contains('/'))
            .then_some((repo, Target::Blob(digest)));
    }
    None
}

/// distribution's repository name grammar, roughly: lowercase path components.
fn valid(repo: &str) -> bool {
    !repo.is_empty()
        && repo.len() <= 255
        && repo.split('/').all(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        })
}
