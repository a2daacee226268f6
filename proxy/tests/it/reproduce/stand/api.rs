//! Views made through lading's API, as the page makes them: one fresh `lading` per view (so
//! the trace is a first visit's), the stand's credentials in `x-lading-credentials`.

use base64::Engine as _;
use lading::guard::AllowedHost;
use lading::{AppState, Settings};
use lading_shared::api::{CREDENTIALS_HEADER, Exchange};
use lading_shared::layer::{ListingEvent, ListingSummary};
use lading_shared::reproduce::{Flow, ImageTarget, Subject, file_stem};
use lading_testkit::World;
use serde_json::{Value, json};

use super::{Stand, block_on};

/// Largest file a File view reads as JSON (the stand's files are far smaller).
const PREVIEW_BYTES: &str = "65536";

/// One API answer: status and body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, panicking with it unless the status is 200.
    fn json(&self, what: &str) -> Value {
        assert_eq!(self.status, 200, "{what}: {}", self.text());
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", self.text()))
    }

    fn bytes(self, what: &str) -> Vec<u8> {
        assert_eq!(self.status, 200, "{what}: {}", self.text());
        self.body
    }
}

/// The query string of an API call: pairs form-encoded.
fn query(pairs: &[(&str, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        .finish()
}

fn image_pairs(image: &ImageTarget) -> Vec<(&'static str, String)> {
    let mut pairs = vec![("ref", image.reference.to_string())];
    if let Some(platform) = &image.platform {
        pairs.push(("platform", platform.to_string()));
    }
    pairs
}

/// `/api/file` wants the path absolute, as the page sends it.
fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

impl Stand {
    /// GET `path_and_query` from a fresh lading in front of this stand's registry, with the
    /// view credentials; the whole body read. For tests that want an API answer raw.
    pub fn api_get(&self, path_and_query: &str) -> (u16, Vec<u8>) {
        let answer = self.get(path_and_query);
        (answer.status, answer.body)
    }

    fn get(&self, path_and_query: &str) -> Answer {
        let credentials = self.view_credentials().map(|(user, password)| {
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        });
        match self.world() {
            Some(world) => world_get(world, path_and_query, credentials),
            None => in_process_get(self.allow_hosts(), path_and_query, credentials),
        }
    }
}

/// The app in-process (no socket): docker-registry and scripted stands.
fn in_process_get(allow: &[String], path_and_query: &str, credentials: Option<String>) -> Answer {
    use tower::ServiceExt as _;
    let allow_hosts = allow
        .iter()
        .map(|h| h.parse::<AllowedHost>().expect("allow-host"))
        .collect();
    let settings = Settings {
        allow_hosts,
        docker_config: None,
        ..Default::default()
    };
    block_on(async move {
        let router = lading::app(AppState::new(settings).expect("lading state"));
        let mut request = axum::http::Request::get(path_and_query);
        if let Some(value) = credentials {
            request = request.header(CREDENTIALS_HEADER, value);
        }
        let request = request.body(axum::body::Body::empty()).expect("request");
        let response = router.oneshot(request).await.expect("lading answers");
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("whole body")
            .to_vec();
        Answer { status, body }
    })
}

/// The real binary in the World's namespace (it must resolve the World's names), over HTTP.
fn world_get(world: &World, path_and_query: &str, credentials: Option<String>) -> Answer {
    let lading = world.lading(&crate::lading_bin(), &[]);
    let url = format!("{}{path_and_query}", lading.base_url());
    let answer = block_on(async move {
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("HTTP client");
        let mut request = client.get(&url);
        if let Some(value) = credentials {
            request = request.header(CREDENTIALS_HEADER, value);
        }
        let response = request.send().await.expect("lading answers");
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("whole body").to_vec();
        Answer { status, body }
    });
    drop(lading);
    answer
}

fn trace_of(value: &Value) -> Vec<Exchange> {
    serde_json::from_value(value["trace"].clone()).expect("a typed trace")
}

/// Reads an NDJSON listing into `{"start", "entries", "done"}`, panicking on an `Error` line.
fn listing(answer: &Answer, what: &str) -> (Value, Vec<Exchange>) {
    assert_eq!(answer.status, 200, "{what}: {}", answer.text());
    let (mut start, mut entries, mut done): (Value, Vec<Value>, Option<ListingSummary>) =
        (Value::Null, Vec::new(), None);
    for line in answer.text().lines().filter(|l| !l.trim().is_empty()) {
        let event: ListingEvent =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{what}: {e}: {line}"));
        match event {
            ListingEvent::Start { .. } => start = serde_json::to_value(&event).expect("json"),
            ListingEvent::Entries { entries: batch } => {
                entries.extend(batch.iter().map(|e| serde_json::to_value(e).expect("json")))
            }
            ListingEvent::Progress { .. } => {}
            ListingEvent::Done(summary) => done = Some(summary),
            ListingEvent::Error(error) => panic!("{what}: the listing failed: {error:?}"),
        }
    }
    let done = done.unwrap_or_else(|| panic!("{what}: no done line: {}", answer.text()));
    let trace = done.trace.clone();
    let value = json!({
        "start": start,
        "entries": entries,
        "done": serde_json::to_value(&done).expect("json"),
    });
    (value, trace)
}

/// `(digest, size)` of a blob of the manifest in `image` (config or a layer).
fn blob_size(image: &Value, digest: &str) -> u64 {
    let raw: Value = serde_json::from_str(image["raw"].as_str().unwrap_or_default())
        .expect("the manifest is JSON");
    std::iter::once(&raw["config"])
        .chain(raw["layers"].as_array().into_iter().flatten())
        .find(|d| d["digest"] == digest)
        .and_then(|d| d["size"].as_u64())
        .unwrap_or_else(|| panic!("{digest} is not a blob of the manifest: {raw:#}"))
}

pub(super) fn view(stand: &Stand, subject: &Subject) -> (Flow, Value) {
    let what = subject.api_call();
    let (value, trace) = match subject {
        Subject::Manifest(image) => {
            let value = stand
                .get(&format!("/api/image?{}", query(&image_pairs(image))))
                .json(&what);
            let trace = trace_of(&value);
            (value, trace)
        }
        Subject::Tags { repository } => {
            let pairs = [("repo", repository.to_string())];
            let value = stand
                .get(&format!("/api/tags?{}", query(&pairs)))
                .json(&what);
            let trace = trace_of(&value);
            (value, trace)
        }
        Subject::Catalog {
            registry,
            namespace,
        } => {
            let mut pairs = vec![("registry", registry.clone())];
            pairs.extend(namespace.iter().map(|ns| ("namespace", ns.clone())));
            let value = stand
                .get(&format!("/api/catalog?{}", query(&pairs)))
                .json(&what);
            let trace = trace_of(&value);
            (value, trace)
        }
        Subject::Layer { image, layer } => {
            let mut pairs = image_pairs(image);
            pairs.push(("digest", layer.to_string()));
            listing(&stand.get(&format!("/api/layer?{}", query(&pairs))), &what)
        }
        Subject::File { image, layer, path } => {
            let mut pairs = image_pairs(image);
            pairs.push(("digest", layer.to_string()));
            pairs.push(("path", absolute(path)));
            let bytes = stand
                .get(&format!("/api/file?{}", query(&pairs)))
                .bytes(&what);
            pairs.push(("preview", PREVIEW_BYTES.to_string()));
            let mut value = stand
                .get(&format!("/api/file?{}", query(&pairs)))
                .json(&what);
            let trace = trace_of(&value);
            value["bytes_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
            (value, trace)
        }
        Subject::Blob { image, digest } => {
            let image_value = stand.view(&Subject::Manifest(image.clone())).1;
            let mut pairs = image_pairs(image);
            pairs.push(("digest", digest.to_string()));
            let bytes = stand
                .get(&format!("/api/blob?{}", query(&pairs)))
                .bytes(&what);
            let size = blob_size(&image_value, &digest.to_string());
            assert_eq!(bytes.len() as u64, size, "{what}: the download's size");
            let value = json!({
                "digest": digest.to_string(),
                "size": size,
                "bytes_sha256": lading_testkit::fixtures::sha256_digest(&bytes),
                "image": image_value,
            });
            let trace = trace_of(&value["image"]);
            (value, trace)
        }
        Subject::Export { image } => {
            let image_value = stand.view(&Subject::Manifest(image.clone())).1;
            let value = json!({
                "digest": image_value["digest"].clone(),
                "archive": format!("{}.tar", file_stem(subject)),
                "image": image_value,
            });
            let trace = trace_of(&value["image"]);
            (value, trace)
        }
    };
    (Flow::new(subject.clone(), &trace), value)
}
