//! Single files against a real `docker-registry` (`/api/file`): previews, symlinks, hard links,
//! refusals, and reading the end of a 64 MiB layer without fetching it again.

use crate::layers_common as common;

use crate::support::{Lading, RawAnswer, encode};
use axum::http::header::CONTENT_DISPOSITION;
use base64::Engine as _;
use lading_shared::api::ApiError;
use lading_shared::layer::{EntryKind, FilePreview};
use lading_testkit::Registry;
use lading_testkit::fixtures::{self, PushedImage};

use common::*;

/// The zoo pushed as one gzip layer, and a `lading` that may reach it.
async fn zoo_image() -> (Registry, PushedImage, Lading) {
    let registry = Registry::plain();
    let image = push(
        &registry,
        "layers/files",
        vec![fixtures::entry_zoo().build()],
    )
    .await;
    let lading = Lading::allowing(&[&registry.host()]);
    (registry, image, lading)
}

async fn preview(lading: &Lading, reference: &str, query: &str) -> FilePreview {
    let answer = lading
        .get_raw(&format!("/api/file?ref={reference}&{query}"))
        .await;
    assert_eq!(
        answer.status,
        200,
        "{query}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    serde_json::from_slice(&answer.body).expect("FilePreview")
}

fn content(preview: &FilePreview) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(&preview.content_base64)
        .expect("base64 content")
}

#[tokio::test(flavor = "multi_thread")]
async fn file_preview_returns_a_text_file_and_truncates_a_long_one() {
    let (registry, image, lading) = zoo_image().await;
    let reference = reference(&registry, &image);
    let hostname = preview(&lading, &reference, "path=/etc/hostname&preview=1024").await;
    assert_eq!(content(&hostname), fixtures::ZOO_HOSTNAME.as_bytes());
    assert_eq!(
        (hostname.entry.path.as_str(), hostname.entry.kind),
        ("/etc/hostname", EntryKind::File)
    );
    assert!(!hostname.truncated);
    assert_eq!(hostname.layer, 0);
    assert_eq!(hostname.layer_digest.to_string(), image.layers[0].digest);
    assert!(hostname.resolved_from.is_empty());

    let digest = encode(&image.layers[0].digest);
    let query = format!("path=/usr/bin/tool&digest={digest}&preview=100");
    let tool = preview(&lading, &reference, &query).await;
    assert_eq!(content(&tool), &fixtures::zoo_tool()[..100]);
    assert!(tool.truncated);
}

#[tokio::test(flavor = "multi_thread")]
async fn file_preview_follows_relative_and_absolute_symlinks() {
    let (registry, image, lading) = zoo_image().await;
    let reference = reference(&registry, &image);
    for link in ["/etc/alias", "/etc/root-alias"] {
        let followed = preview(&lading, &reference, &format!("path={link}&preview=64")).await;
        assert_eq!(followed.entry.path, "/etc/hostname", "{link}");
        assert_eq!(followed.resolved_from, [link]);
        assert_eq!(content(&followed), fixtures::ZOO_HOSTNAME.as_bytes());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hardlink_serves_its_targets_bytes_as_preview_and_download() {
    let (registry, image, lading) = zoo_image().await;
    let reference = reference(&registry, &image);
    let linked = preview(&lading, &reference, "path=/usr/bin/tool-link&preview=65536").await;
    assert_eq!(content(&linked), fixtures::zoo_tool());
    assert!(!linked.truncated);

    let path = format!(
        "/api/file?ref={reference}&path={}",
        encode("/usr/bin/tool-link")
    );
    let download = lading.get_raw(&path).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body, fixtures::zoo_tool(), "exact bytes");
    let disposition = download
        .headers
        .get(CONTENT_DISPOSITION)
        .expect("Content-Disposition");
    assert!(
        disposition.to_str().unwrap().starts_with("attachment"),
        "{disposition:?}"
    );
}

/// A refusal is a 4xx with an [`ApiError`] body.
fn assert_refused(answer: &RawAnswer, what: &str) -> ApiError {
    assert!(answer.status.is_client_error(), "{what}: {}", answer.status);
    serde_json::from_value(answer.json()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_is_listed_and_a_missing_path_is_not_in_the_image() {
    let (registry, image, lading) = zoo_image().await;
    let reference = reference(&registry, &image);
    let dir = preview(&lading, &reference, "path=/usr/bin&preview=16").await;
    assert_eq!(dir.entry.kind, EntryKind::Dir);
    let children: Vec<&str> = dir.children.iter().map(|e| e.path.as_str()).collect();
    let tools = [
        "/usr/bin/su",
        "/usr/bin/tool",
        "/usr/bin/tool-link",
        "/usr/bin/wall",
    ];
    assert_eq!(children, tools);
    let query = format!(
        "/api/file?ref={reference}&path={}&preview=16",
        encode("/no/such/file")
    );
    let missing = assert_refused(&lading.get_raw(&query).await, "/no/such/file");
    assert_eq!(missing.kind, lading_shared::api::ErrorKind::NotInImage);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_layer_not_in_the_image_is_refused() {
    let (registry, image, lading) = zoo_image().await;
    // In the same repository, so the registry would serve it: only the manifest says no.
    let stranger_layer = fixtures::many_entries(100).build();
    let other = fixtures::push_layers(
        &registry.pusher(),
        "layers/files",
        "other",
        vec![stranger_layer],
    )
    .await;
    let stranger = encode(&other.layers[0].digest);
    let reference = reference(&registry, &image);
    // The image's own layer is listed and read: only the stranger is refused.
    let own = &image.layers[0].digest;
    assert!(list_layer(&lading, &reference, own).await.done().verified);
    let own_file = format!("path=/etc/hostname&digest={}&preview=16", encode(own));
    preview(&lading, &reference, &own_file).await;

    let listing = lading
        .get_raw(&format!("/api/layer?ref={reference}&digest={stranger}"))
        .await;
    assert_refused(&listing, "listing a stranger layer");
    let file =
        format!("/api/file?ref={reference}&path=/many/d000/f00000&digest={stranger}&preview=1");
    assert_refused(&lading.get_raw(&file).await, "a file from a stranger layer");
    let bad = lading
        .get_raw(&format!("/api/layer?ref={reference}&digest=sha256:zz"))
        .await;
    assert_eq!(
        assert_refused(&bad, "a malformed digest").kind,
        lading_shared::api::ErrorKind::BadRequest
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn last_file_of_a_64_mib_gzip_layer_reads_a_few_mib_after_a_listing() {
    let registry = Registry::plain();
    let layer = fixtures::big_gzip_layer().clone();
    let image = push(&registry, "layers/big", vec![layer]).await;
    assert!(image.layers[0].size >= fixtures::BIG_LAYER_MIN_SIZE);
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = reference(&registry, &image);
    let digest = encode(&image.layers[0].digest);

    let listing = list_layer(&lading, &reference, &image.layers[0].digest).await;
    assert!(listing.done().verified);
    let last = listing.entries.last().expect("entries");
    let last_path = format!("/{}", fixtures::BIG_LAYER_LAST_PATH);
    assert_eq!(last.path, last_path);

    let query = format!("path={}&digest={digest}&preview=4096", encode(&last_path));
    let file = preview(&lading, &reference, &query).await;
    assert_eq!(content(&file), fixtures::BIG_LAYER_LAST_TEXT.as_bytes());
    assert!(
        file.fetched_bytes < 8 << 20,
        "read {} bytes of a {}-byte layer for a {}-byte file",
        file.fetched_bytes,
        image.layers[0].size,
        fixtures::BIG_LAYER_LAST_TEXT.len()
    );
}
