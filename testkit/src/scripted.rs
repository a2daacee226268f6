//! A scripted registry for behaviour distribution 2.8 cannot show: tag lists paginated with a
//! `Link` header (relative, absolute, or pointing at another host the client must refuse),
//! junk tag entries, and canned answers for any path a test wants to script.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::server::BackgroundServer;

/// Host a [`NextLink::ForeignHost`] link points at. Loopback, so a client that wrongly follows
/// it reaches nothing (this server only listens on 127.0.0.1) and sends nothing off-machine.
pub const FOREIGN_HOST: &str = "127.0.0.2";
/// A digest-shaped junk entry (not a valid tag: it contains ':').
pub const JUNK_DIGEST: &str =
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// How a tag page points at the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextLink {
    /// `</v2/NAME/tags/list?n=N&last=T>; rel="next"` (what most registries send).
    Relative,
    /// `<http://127.0.0.1:PORT/v2/…>`: same host, absolute.
    Absolute,
    /// `<http://127.0.0.2:PORT/v2/…>`: another host; a client must refuse to follow.
    ForeignHost,
}

/// The tag list to serve for one repository.
#[derive(Clone, Debug)]
pub struct TagScript {
    pub repo: String,
    /// Real tags: `tag-00000` … in lexical order.
    pub total: usize,
    /// Largest page; a smaller `n` is honoured, a larger one capped.
    pub page_size: usize,
    /// Put `null` and [`JUNK_DIGEST`] into the first page.
    pub junk: bool,
    pub next_link: NextLink,
}

impl TagScript {
    pub fn new(repo: &str, total: usize) -> Self {
        Self {
            repo: repo.into(),
            total,
            page_size: 100,
            junk: false,
            next_link: NextLink::Relative,
        }
    }

    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size;
        self
    }

    pub fn with_junk(mut self) -> Self {
        self.junk = true;
        self
    }

    pub fn next_link(mut self, next_link: NextLink) -> Self {
        self.next_link = next_link;
        self
    }
}

/// A fixed answer for one path.
#[derive(Clone, Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: &Value) -> Self {
        Self::new(status, "application/json", value.to_string())
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

struct Script {
    tags: TagScript,
    names: Vec<String>,
    canned: Mutex<HashMap<String, Canned>>,
    requests: Mutex<Vec<String>>,
}

pub struct ScriptedRegistry {
    script: Arc<Script>,
    server: BackgroundServer,
}

impl ScriptedRegistry {
    pub fn start(tags: TagScript) -> Self {
        let names = (0..tags.total).map(|i| format!("tag-{i:05}")).collect();
        let script = Arc::new(Script {
            tags,
            names,
            canned: Mutex::new(HashMap::new()),
            requests: Mutex::new(Vec::new()),
        });
        let router = Router::new().fallback(answer).with_state(script.clone());
        let server = BackgroundServer::start("scripted-registry", router);
        Self { script, server }
    }

    pub fn host(&self) -> String {
        self.server.addr().to_string()
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The real tags, in the order pages return them.
    pub fn tags(&self) -> Vec<String> {
        self.script.names.clone()
    }

    /// Answers GETs of exactly `path` (query ignored) with `canned` from now on.
    pub fn respond(&self, path: &str, canned: Canned) {
        lock(&self.script.canned).insert(path.into(), canned);
    }

    pub fn request_count(&self) -> usize {
        lock(&self.script.requests).len()
    }

    /// "METHOD path?query" of every request so far.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.script.requests).clone()
    }
}

async fn answer(
    State(script): State<Arc<Script>>,
    method: axum::http::Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let target = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    lock(&script.requests).push(format!("{method} {target}"));
    let path = uri.path();
    if path == "/v2/" || path == "/v2" {
        return (
            [("docker-distribution-api-version", "registry/2.0")],
            Json(json!({})),
        )
            .into_response();
    }
    if let Some(canned) = lock(&script.canned).get(path).cloned() {
        return canned_response(canned);
    }
    if path == format!("/v2/{}/tags/list", script.tags.repo) {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        return tags_page(&script, uri.query().unwrap_or(""), host);
    }
    let error = json!({ "errors": [{ "code": "NAME_UNKNOWN", "message": "repository name not known to registry", "detail": path }] });
    (StatusCode::NOT_FOUND, Json(error)).into_response()
}

fn tags_page(script: &Script, query: &str, host: &str) -> Response {
    let (mut n, mut last) = (script.tags.page_size, None);
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "n" => n = value.parse().unwrap_or(n).min(script.tags.page_size),
            "last" => last = Some(value.into_owned()),
            _ => {}
        }
    }
    let names = &script.names;
    let start = last
        .as_deref()
        .map_or(0, |l| names.partition_point(|t| t.as_str() <= l));
    let end = (start + n).min(names.len());
    let mut entries: Vec<Value> = names[start..end].iter().map(|t| json!(t)).collect();
    if script.tags.junk && last.is_none() {
        entries.insert(entries.len().min(1), Value::Null);
        entries.insert(entries.len() / 2, json!(JUNK_DIGEST));
    }
    let body = Json(json!({ "name": script.tags.repo, "tags": entries }));
    if end >= names.len() || end == start {
        return body.into_response();
    }
    let next = format!(
        "/v2/{}/tags/list?n={n}&last={}",
        script.tags.repo,
        names[end - 1]
    );
    let port = host.rsplit_once(':').map_or("80", |(_, p)| p);
    let url = match script.tags.next_link {
        NextLink::Relative => next,
        NextLink::Absolute => format!("http://{host}{next}"),
        NextLink::ForeignHost => format!("http://{FOREIGN_HOST}:{port}{next}"),
    };
    ([(header::LINK, format!("<{url}>; rel=\"next\""))], body).into_response()
}

fn canned_response(canned: Canned) -> Response {
    let status = StatusCode::from_u16(canned.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, canned.body).into_response();
    for (name, value) in canned.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
