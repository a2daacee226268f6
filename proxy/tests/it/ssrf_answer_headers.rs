//! Issue 4, registry bytes on Lading's origin: nothing a registry serves may render as a page
//! of ours. API answers are JSON (or NDJSON) with `nosniff`; downloads are attachments of a
//! fixed binary type with `nosniff`, whatever the registry said the bytes were. A layer whose
//! bytes are an HTML page with script must download, never display.

use crate::support::{Lading, encode};
use axum::http::{HeaderMap, header};
use lading_testkit::fixtures::{LayerBuilder, layer_descriptor, script_image};
use lading_testkit::{Canned, ScriptedRegistry, TagScript};

const REPO: &str = "team/app";
const TAG: &str = "v1";
const HTML: &[u8] = b"<!doctype html><html><body><script>window.__pwned=1</script></body></html>";

fn value(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn assert_nosniff(headers: &HeaderMap, what: &str) {
    assert_eq!(
        value(headers, header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{what}"
    );
}

fn assert_download(headers: &HeaderMap, content_type: &str, what: &str) {
    assert_nosniff(headers, what);
    assert_eq!(value(headers, header::CONTENT_TYPE), content_type, "{what}");
    let disposition = value(headers, header::CONTENT_DISPOSITION);
    assert!(
        disposition.starts_with("attachment"),
        "{what}: {disposition:?}"
    );
}

/// A registry whose "layer" is an HTML page it labels `text/html`, and an image listing it
/// next to a real layer holding an HTML file.
fn stand() -> (ScriptedRegistry, Lading, String, String) {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 3));
    let html_digest = layer_descriptor("text/html", HTML)["digest"]
        .as_str()
        .unwrap()
        .to_string();
    registry.respond(
        &format!("/v2/{REPO}/blobs/{html_digest}"),
        Canned::new(200, "text/html; charset=utf-8", HTML),
    );
    let tar = LayerBuilder::new().file("index.html", HTML).build().blob;
    let tar_digest = layer_descriptor(&tar.media_type, &tar.bytes)["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let tar_descriptor = layer_descriptor(&tar.media_type, &tar.bytes);
    registry.respond(
        &format!("/v2/{REPO}/blobs/{tar_digest}"),
        Canned::new(200, "text/html", tar.bytes),
    );
    script_image(
        &registry,
        REPO,
        TAG,
        vec![layer_descriptor("text/html", HTML), tar_descriptor],
    );
    let lading = Lading::allowing(&[&registry.host()]);
    (registry, lading, html_digest, tar_digest)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blob_of_html_downloads_as_an_attachment_never_as_a_page() {
    let (registry, lading, html, _) = stand();
    let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));
    let answer = lading
        .get_raw(&format!("/api/blob?ref={image}&digest={html}"))
        .await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.body, HTML, "the exact bytes");
    assert_download(&answer.headers, "application/octet-stream", "/api/blob");
}

#[tokio::test(flavor = "multi_thread")]
async fn files_and_exports_download_as_attachments() {
    let (registry, lading, _, tar) = stand();
    let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));
    let file = lading
        .get_raw(&format!(
            "/api/file?ref={image}&digest={tar}&path=/index.html"
        ))
        .await;
    assert_eq!(file.status, 200, "{}", String::from_utf8_lossy(&file.body));
    assert_eq!(file.body, HTML);
    assert_download(&file.headers, "application/octet-stream", "/api/file");

    let export = lading.get_raw(&format!("/api/export?ref={image}")).await;
    assert_eq!(export.status, 200);
    assert_download(&export.headers, "application/x-tar", "/api/export");
}

#[tokio::test(flavor = "multi_thread")]
async fn api_answers_are_json_with_nosniff_success_or_failure() {
    let (registry, lading, _, tar) = stand();
    let image = encode(&format!("{}/{REPO}:{TAG}", registry.host()));
    for (path, status) in [
        ("/api/health".to_string(), 200),
        (format!("/api/image?ref={image}"), 200),
        (
            format!(
                "/api/tags?repo={}",
                encode(&format!("{}/{REPO}", registry.host()))
            ),
            200,
        ),
        (
            format!("/api/file?ref={image}&digest={tar}&path=/index.html&preview=16"),
            200,
        ),
        ("/api/image?ref=%3Cscript%3E".to_string(), 400),
        ("/api/image".to_string(), 400),
        ("/api/image?ref=127.0.0.1:1/x:y".to_string(), 403),
        (
            format!("/api/blob?ref={image}&digest=sha256:{}", "0".repeat(64)),
            404,
        ),
        ("/api/no-such-endpoint".to_string(), 400),
    ] {
        let answer = lading.get_raw(&path).await;
        assert_eq!(answer.status, status, "{path}");
        let content_type = value(&answer.headers, header::CONTENT_TYPE);
        assert_eq!(content_type, "application/json", "{path}");
        assert_nosniff(&answer.headers, &path);
        answer.json();
    }
    let listing = lading
        .get_raw(&format!("/api/layer?ref={image}&digest={tar}"))
        .await;
    assert_eq!(
        value(&listing.headers, header::CONTENT_TYPE),
        "application/x-ndjson"
    );
    assert_nosniff(&listing.headers, "/api/layer");
}
