//! A counting relay in front of a real `docker-registry`: every request it forwards is
//! recorded, so a test counts upstream requests from the registry's side, not only from the
//! trace Lading writes about itself (the `caching` and `http_cache` suites).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use lading_testkit::BackgroundServer;

/// The longest a relayed body may be (fixtures are a few KiB).
const MAX_RELAYED_BYTES: usize = 16 * 1024 * 1024;

/// Headers of one connection, not of the answer (the body is relayed whole).
const HOP_BY_HOP: [&str; 3] = ["transfer-encoding", "connection", "keep-alive"];

/// One request the relay forwarded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
}

#[derive(Clone)]
struct Shared {
    upstream: String,
    http: reqwest::Client,
    seen: Arc<Mutex<Vec<Seen>>>,
    refuse: Arc<Mutex<Option<u16>>>,
}

pub struct Relay {
    server: BackgroundServer,
    seen: Arc<Mutex<Vec<Seen>>>,
    refuse: Arc<Mutex<Option<u16>>>,
}

impl Relay {
    /// Relays to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: String) -> Relay {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(Mutex::new(None));
        let shared = Shared {
            refuse: refuse.clone(),
            upstream,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
            seen: seen.clone(),
        };
        let router = Router::new().fallback(relay).with_state(shared);
        Relay {
            server: BackgroundServer::start("counting-relay", router),
            seen,
            refuse,
        }
    }

    /// `127.0.0.1:PORT`, what Lading is pointed at.
    pub fn host(&self) -> String {
        self.server.addr().to_string()
    }

    /// Everything forwarded so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// `(method, path)` pairs whose path contains `part`.
    pub fn to(&self, part: &str) -> Vec<(String, String)> {
        self.seen()
            .into_iter()
            .filter(|s| s.path.contains(part))
            .map(|s| (s.method, s.path))
            .collect()
    }

    /// Everything forwarded so far, as "METHOD /path?query".
    pub fn lines(&self) -> Vec<String> {
        self.seen()
            .into_iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect()
    }

    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }

    /// From now on, every request (recorded all the same) is answered with `status` and a
    /// registry error body, as when access is revoked (401) or the repository deleted (404);
    /// `None` relays again.
    pub fn refuse(&self, status: Option<u16>) {
        *self.refuse.lock().unwrap() = status;
    }
}

/// A registry's error answer for a refused request.
fn refusal(status: u16) -> Response {
    let (code, message) = match status {
        401 => ("UNAUTHORIZED", "authentication required"),
        403 => ("DENIED", "requested access to the resource is denied"),
        _ => ("NAME_UNKNOWN", "repository name not known to registry"),
    };
    let body = format!(r#"{{"errors":[{{"code":"{code}","message":"{message}"}}]}}"#);
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

async fn relay(State(shared): State<Shared>, request: Request) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let method = request.method().clone();
    shared.seen.lock().unwrap().push(Seen {
        method: method.to_string(),
        path: path.clone(),
    });
    if let Some(status) = *shared.refuse.lock().unwrap() {
        return refusal(status);
    }
    let mut forward = shared
        .http
        .request(method, format!("{}{path}", shared.upstream));
    for (name, value) in request.headers() {
        if name != "host" {
            forward = forward.header(name.as_str(), value.as_bytes());
        }
    }
    let body = axum::body::to_bytes(request.into_body(), MAX_RELAYED_BYTES)
        .await
        .unwrap_or_default();
    let answer = match forward.body(body).send().await {
        Ok(answer) => answer,
        Err(e) => {
            let mut failed = Response::new(Body::from(format!("relay: {e}")));
            *failed.status_mut() = StatusCode::BAD_GATEWAY;
            return failed;
        }
    };
    let mut response = Response::builder().status(answer.status().as_u16());
    for (name, value) in answer.headers() {
        if HOP_BY_HOP.contains(&name.as_str()) {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    response.body(Body::from(bytes)).unwrap()
}
