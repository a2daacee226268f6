//! A registry with the OCI 1.1 referrers API, as Debian's distribution (2.8) has not: a
//! front for a real [`Registry`] that passes every request through unchanged (manifests,
//! blobs, tags, its token auth) and answers `GET /v2/<name>/referrers/<digest>` itself, from
//! the entries a test scripted with [`ReferrersRegistry::refer`], in one of the variants
//! registries show ([`ReferrersMode`]): the filter applied and said (`OCI-Filters-Applied`)
//! or not, `Link` pages (relative, absolute, or to another origin a client must refuse), the
//! `application/json` Content-Type of Harbor 2.9.1, a 404 (no API), any status.
//!
//! The referrers answer is as private as the subject: the request's `Authorization` is
//! checked by asking the real registry for the subject's manifest with it, and a 401 or 403
//! there is relayed with its challenge.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::fixtures::Descriptor;
use crate::fixtures::media_types::{ACCEPT_ANY_MANIFEST, OCI_INDEX};
use crate::scripted::{FOREIGN_HOST, NextLink};
use crate::server::BackgroundServer;

/// Largest request body passed through (fixture pushes).
const MAX_PASSED_BODY: usize = 256 << 20;
/// The page cursor of scripted `Link`s (opaque to clients, as the spec wants).
const PAGE_PARAM: &str = "_page";

/// How the referrers API answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferrersMode {
    /// An OCI index of the entries.
    Served(ServedApi),
    /// The same index with `Content-Type: application/json` (Harbor 2.9.1).
    JsonContentType,
    /// 404 `404 page not found`, as distribution answers an unknown route.
    NotFound,
    /// This status with a registry error body (a 500, a 403).
    Status(u16),
}

/// The variants of a served API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServedApi {
    /// Apply `artifactType` and send `OCI-Filters-Applied: artifactType`; else ignore it.
    pub filter: bool,
    /// Entries per page; more are behind a `Link`.
    pub page_size: usize,
    pub link: NextLink,
}

impl Default for ServedApi {
    fn default() -> Self {
        Self {
            filter: true,
            page_size: 100,
            link: NextLink::Relative,
        }
    }
}

struct Shared {
    backend: String,
    http: reqwest::Client,
    mode: Mutex<ReferrersMode>,
    /// `(subject digest, entry)`, in the order referred.
    entries: Mutex<Vec<(String, Descriptor)>>,
    requests: Mutex<Vec<String>>,
}

pub struct ReferrersRegistry {
    shared: Arc<Shared>,
    server: BackgroundServer,
}

impl ReferrersRegistry {
    /// Fronts the registry at `backend_base_url` (`http://127.0.0.1:PORT`).
    pub fn start(backend_base_url: &str, mode: ReferrersMode) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("build reqwest client");
        let shared = Arc::new(Shared {
            backend: backend_base_url.trim_end_matches('/').to_owned(),
            http,
            mode: Mutex::new(mode),
            entries: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
        });
        let router = Router::new().fallback(answer).with_state(shared.clone());
        let server = BackgroundServer::start("referrers-registry", router);
        Self { shared, server }
    }

    pub fn host(&self) -> String {
        self.server.addr().to_string()
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    pub fn set_mode(&self, mode: ReferrersMode) {
        *lock(&self.shared.mode) = mode;
    }

    /// Lists `entry` among the referrers of `subject` (a `sha256:…` digest) from now on.
    pub fn refer(&self, subject: &str, entry: Descriptor) {
        lock(&self.shared.entries).push((subject.to_owned(), entry));
    }

    /// "METHOD path?query" of every request so far.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.requests).clone()
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let target = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    lock(&shared.requests).push(format!("{method} {target}"));
    let referrers = uri
        .path()
        .strip_prefix("/v2/")
        .and_then(|rest| rest.rsplit_once("/referrers/"));
    match referrers {
        Some((name, digest)) if method == Method::GET && digest.starts_with("sha256:") => {
            let (name, digest) = (name.to_owned(), digest.to_owned());
            let host = header_text(request.headers(), header::HOST).unwrap_or("127.0.0.1");
            let host = host.to_owned();
            let query = uri.query().unwrap_or_default().to_owned();
            if let Some(refused) = authorize(&shared, request.headers(), &name, &digest).await {
                return refused;
            }
            list(&shared, &name, &digest, &query, &host)
        }
        _ => pass(&shared, request).await,
    }
}

/// The real registry's refusal of the subject's manifest with the request's credentials.
async fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
    name: &str,
    digest: &str,
) -> Option<Response> {
    let url = format!("{}/v2/{name}/manifests/{digest}", shared.backend);
    let mut check = shared
        .http
        .head(url)
        .header(header::ACCEPT, ACCEPT_ANY_MANIFEST);
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        check = check.header(header::AUTHORIZATION, authorization.clone());
    }
    let answer = check.send().await.ok()?;
    let status = answer.status().as_u16();
    if status != 401 && status != 403 {
        return None;
    }
    let body = json!({ "errors": [{ "code": if status == 401 { "UNAUTHORIZED" } else { "DENIED" }, "message": "authentication required" }] });
    let mut response = (StatusCode::from_u16(status).ok()?, body.to_string()).into_response();
    if let Some(challenge) = answer.headers().get(header::WWW_AUTHENTICATE) {
        let challenge = HeaderValue::from_bytes(challenge.as_bytes()).ok()?;
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, challenge);
    }
    Some(response)
}

fn list(shared: &Shared, name: &str, digest: &str, query: &str, host: &str) -> Response {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let param = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let wanted = param("artifactType");
    let page: usize = param(PAGE_PARAM).and_then(|p| p.parse().ok()).unwrap_or(0);
    let mode = *lock(&shared.mode);
    let entries: Vec<Descriptor> = lock(&shared.entries)
        .iter()
        .filter(|(subject, _)| subject == digest)
        .map(|(_, entry)| entry.clone())
        .collect();
    let index = |entries: &[Descriptor]| {
        json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries }).to_string()
    };
    let api = match mode {
        ReferrersMode::Served(api) => api,
        ReferrersMode::JsonContentType => {
            return (
                [(header::CONTENT_TYPE, "application/json")],
                index(&entries),
            )
                .into_response();
        }
        ReferrersMode::NotFound => {
            let text = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
            return (StatusCode::NOT_FOUND, text, "404 page not found\n").into_response();
        }
        ReferrersMode::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = json!({ "errors": [{ "code": "UNKNOWN", "message": "scripted failure" }] });
            return (status, body.to_string()).into_response();
        }
    };
    let filtered = api.filter && wanted.is_some();
    let entries: Vec<Descriptor> = entries
        .into_iter()
        .filter(|e| !filtered || e.artifact_type == wanted)
        .collect();
    let size = api.page_size.max(1);
    let start = (page * size).min(entries.len());
    let end = (start + size).min(entries.len());
    let mut response = (
        [(header::CONTENT_TYPE, OCI_INDEX)],
        index(&entries[start..end]),
    )
        .into_response();
    let headers = response.headers_mut();
    if filtered {
        headers.insert(
            "oci-filters-applied",
            HeaderValue::from_static("artifactType"),
        );
    }
    if end < entries.len() {
        let mut next = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs.iter().filter(|(k, _)| k != PAGE_PARAM) {
            next.append_pair(key, value);
        }
        next.append_pair(PAGE_PARAM, &(page + 1).to_string());
        let path = format!("/v2/{name}/referrers/{digest}?{}", next.finish());
        let port = host.rsplit_once(':').map_or("80", |(_, p)| p);
        let target = match api.link {
            NextLink::Relative => path,
            NextLink::Absolute => format!("http://{host}{path}"),
            NextLink::ForeignHost => format!("http://{FOREIGN_HOST}:{port}{path}"),
        };
        if let Ok(link) = HeaderValue::try_from(format!("<{target}>; rel=\"next\"")) {
            headers.insert(header::LINK, link);
        }
    }
    response
}

/// The request as the real registry answers it.
async fn pass(shared: &Shared, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_PASSED_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let target = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let url = format!("{}{target}", shared.backend);
    let mut forward = shared.http.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            forward = forward.header(name, value);
        }
    }
    let Ok(answer) = forward.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        let hop = name == header::TRANSFER_ENCODING || name == header::CONNECTION;
        let length = name == header::CONTENT_LENGTH && parts.method != Method::HEAD;
        if !hop && !length {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
