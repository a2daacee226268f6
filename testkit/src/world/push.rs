//! A plain-HTTP push receiver on 127.0.0.1 writing into a World's [`Store`], so the
//! `fixtures::push_*` builders (which speak the distribution push API through a [`Pusher`])
//! fill a World unchanged. Not part of any fake: clients under test never see it.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::store::Store;
use crate::fixtures::sha256_digest;
use crate::pusher::PushAuth;
use crate::{BackgroundServer, Pusher};

/// Largest fixture blob accepted (the big layer fixture is 68 MiB).
const PUSH_LIMIT: usize = 512 << 20;

pub fn start(store: Store) -> (BackgroundServer, Pusher) {
    let server = BackgroundServer::start(
        "world-push",
        Router::new().fallback(receive).with_state(store),
    );
    let pusher = Pusher::new(format!("http://{}", server.addr()), PushAuth::Anonymous);
    (server, pusher)
}

async fn receive(State(store): State<Store>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let media_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let Ok(body) = axum::body::to_bytes(request.into_body(), PUSH_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "fixture too large").into_response();
    };
    let Some(rest) = path.strip_prefix("/v2/") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if method == Method::POST
        && let Some(repo) = rest.strip_suffix("/blobs/uploads/")
    {
        let location = format!("/v2/{repo}/blobs/uploads/upload");
        return (
            StatusCode::ACCEPTED,
            [(header::LOCATION, location)],
            Body::empty(),
        )
            .into_response();
    }
    if method == Method::PUT
        && let Some((repo, _)) = rest.rsplit_once("/blobs/uploads/")
    {
        let digest = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "digest")
            .map(|(_, v)| v.into_owned());
        if digest.as_deref() != Some(sha256_digest(&body).as_str()) {
            return (StatusCode::BAD_REQUEST, "digest mismatch").into_response();
        }
        store.put_blob(repo, body.to_vec());
        return StatusCode::CREATED.into_response();
    }
    if method == Method::PUT
        && let Some((repo, reference)) = rest.rsplit_once("/manifests/")
    {
        let digest = store.put_manifest(repo, reference, &media_type, body.to_vec());
        return (StatusCode::CREATED, [("docker-content-digest", digest)]).into_response();
    }
    StatusCode::NOT_FOUND.into_response()
}
