//! What `/api/file` answers for every kind of path, against a real `docker-registry`:
//! directories (listed, implied, the root) in a layer and in the merged filesystem, links to
//! directories, broken and looping links, devices, deleted and missing paths (with near
//! paths), a layer that is not the image's, and downloads of what has no bytes.

use crate::layers_common as common;

use crate::support::{Lading, RawAnswer, encode};
use base64::Engine as _;
use lading_shared::api::{ApiError, ErrorKind};
use lading_shared::layer::{EntryKind, FilePreview};
use lading_testkit::Registry;
use lading_testkit::fixtures::{self, PushedImage};

use common::*;

/// The path stack pushed as one image, and a `lading` that may reach it.
async fn paths_image() -> (Registry, PushedImage, Lading) {
    let registry = Registry::plain();
    let layers = fixtures::path_stack().iter().map(|l| l.build()).collect();
    let image = push(&registry, "layers/paths", layers).await;
    let lading = Lading::allowing(&[&registry.host()]);
    (registry, image, lading)
}

async fn ask(lading: &Lading, reference: &str, query: &str) -> RawAnswer {
    lading
        .get_raw(&format!("/api/file?ref={reference}&{query}"))
        .await
}

async fn preview(lading: &Lading, reference: &str, query: &str) -> FilePreview {
    let answer = ask(lading, reference, query).await;
    let body = String::from_utf8_lossy(&answer.body);
    assert_eq!(answer.status, 200, "{query}: {body}");
    serde_json::from_slice(&answer.body).unwrap_or_else(|e| panic!("{query}: {e}: {body}"))
}

/// A refusal: its status, and the error it carries.
async fn refused(lading: &Lading, reference: &str, query: &str) -> (u16, ApiError) {
    let answer = ask(lading, reference, query).await;
    let body = String::from_utf8_lossy(&answer.body);
    let error =
        serde_json::from_slice(&answer.body).unwrap_or_else(|e| panic!("{query}: {e}: {body}"));
    (answer.status.as_u16(), error)
}

fn path_query(path: &str) -> String {
    format!("path={}&preview=64", encode(path))
}

fn child_paths(preview: &FilePreview) -> Vec<&str> {
    preview.children.iter().map(|e| e.path.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn directories_list_their_children_in_a_layer_in_the_merge_and_at_the_root() {
    let (registry, image, lading) = paths_image().await;
    let reference = reference(&registry, &image);
    let base = encode(&image.layers[0].digest);

    let in_layer = preview(
        &lading,
        &reference,
        &format!("{}&digest={base}", path_query("/etc")),
    )
    .await;
    assert_eq!(in_layer.entry.kind, EntryKind::Dir);
    let etc = ["/etc/alias", "/etc/hostname", "/etc/hosts", "/etc/motd"];
    assert_eq!(child_paths(&in_layer), etc);
    assert_eq!(in_layer.children_total, 4);
    assert_eq!(in_layer.layer_digest.to_string(), image.layers[0].digest);
    assert!(in_layer.content_base64.is_empty());

    // Merged: the upper layer deleted motd and added issue.
    let merged = preview(&lading, &reference, &path_query("/etc")).await;
    let etc = [
        "/etc/alias",
        "/etc/hard",
        "/etc/hostname",
        "/etc/hosts",
        "/etc/issue",
    ];
    assert_eq!(child_paths(&merged), etc);
    assert!(!merged.implied, "/etc has an entry of its own");
    assert_eq!(
        merged.children[4].layer,
        Some(1),
        "issue comes from the upper layer"
    );

    let root = preview(&lading, &reference, &path_query("/")).await;
    assert_eq!(
        (root.entry.path.as_str(), root.entry.kind),
        ("/", EntryKind::Dir)
    );
    let top = [
        "/broken", "/dev", "/etc", "/lib", "/loop1", "/loop2", "/opt", "/run", "/usr",
    ];
    assert_eq!(child_paths(&root), top);
    assert_eq!(root.children_total, top.len() as u64);

    // `/usr` has no entry of its own: it is implied by `/usr/lib/libc.so`.
    let usr = preview(&lading, &reference, &path_query("/usr")).await;
    assert_eq!(usr.entry.kind, EntryKind::Dir);
    assert_eq!(child_paths(&usr), ["/usr/lib"]);
    assert_eq!(usr.children[0].kind, EntryKind::Dir);
    assert!(
        usr.implied,
        "its mode, owner and time are made up, and say so"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn links_are_followed_to_files_and_directories_and_broken_ones_answer_as_themselves() {
    let (registry, image, lading) = paths_image().await;
    let reference = reference(&registry, &image);

    let file = preview(&lading, &reference, &path_query("/etc/alias")).await;
    assert_eq!(file.entry.path, "/etc/hostname");
    assert_eq!(file.resolved_from, ["/etc/alias"]);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&file.content_base64)
        .unwrap();
    assert_eq!(bytes, fixtures::PATHS_HOSTNAME.as_bytes());

    let dir = preview(&lading, &reference, &path_query("/lib")).await;
    assert_eq!(
        (dir.entry.path.as_str(), dir.entry.kind),
        ("/usr/lib", EntryKind::Dir)
    );
    assert_eq!(dir.resolved_from, ["/lib"]);
    assert_eq!(child_paths(&dir), ["/usr/lib/libc.so"]);

    let broken = preview(&lading, &reference, &path_query("/broken")).await;
    assert_eq!(
        (broken.entry.path.as_str(), broken.entry.kind),
        ("/broken", EntryKind::Symlink)
    );
    assert_eq!(broken.entry.link.as_deref(), Some("/nowhere/file"));
    assert_eq!(broken.dangling.as_deref(), Some("/nowhere/file"));

    // A loop answers as the link asked for, with one turn of it, and says it loops.
    let looping = preview(&lading, &reference, &path_query("/loop1")).await;
    assert_eq!(
        (looping.entry.path.as_str(), looping.entry.kind),
        ("/loop1", EntryKind::Symlink)
    );
    assert!(looping.symlink_loop);
    assert_eq!(looping.resolved_from, ["/loop1", "/loop2"]);
    assert_eq!(looping.dangling.as_deref(), Some("/loop1"));
    assert!(!broken.symlink_loop);

    // A hard link to what a lower layer wrote: its bytes in the merged filesystem; in its
    // layer alone, the link itself with the target not there (not a registry fault).
    let hard = preview(&lading, &reference, &path_query("/etc/hard")).await;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&hard.content_base64)
        .unwrap();
    assert_eq!(bytes, fixtures::PATHS_HOSTNAME.as_bytes());
    let top = encode(&image.layers[1].digest);
    let alone = preview(
        &lading,
        &reference,
        &format!("{}&digest={top}", path_query("/etc/hard")),
    )
    .await;
    assert_eq!(alone.entry.kind, EntryKind::Hardlink);
    assert_eq!(alone.dangling.as_deref(), Some("/etc/hostname"));
    assert!(alone.content_base64.is_empty());

    let device = preview(&lading, &reference, &path_query("/dev/null")).await;
    assert_eq!(device.entry.kind, EntryKind::CharDevice);
    assert!(device.content_base64.is_empty() && device.dangling.is_none());
    let fifo = preview(&lading, &reference, &path_query("/run/control")).await;
    assert_eq!(fifo.entry.kind, EntryKind::Fifo);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleted_and_missing_paths_are_not_in_the_image_with_near_paths() {
    let (registry, image, lading) = paths_image().await;
    let reference = reference(&registry, &image);

    let (status, deleted) = refused(&lading, &reference, &path_query("/etc/motd")).await;
    assert_eq!((status, deleted.kind), (404, ErrorKind::NotInImage));
    assert!(deleted.message.contains("/etc/motd"), "{}", deleted.message);
    assert!(
        deleted.message.contains("layer #2 deleted"),
        "{}",
        deleted.message
    );
    let (status, gone_dir) = refused(&lading, &reference, &path_query("/opt/keep/x")).await;
    assert_eq!((status, gone_dir.kind), (404, ErrorKind::NotInImage));

    let (status, missing) = refused(&lading, &reference, &path_query("/etc/hostnme")).await;
    assert_eq!((status, missing.kind), (404, ErrorKind::NotInImage));
    assert!(
        missing.message.contains(&image.manifest.digest),
        "{}",
        missing.message
    );
    assert_eq!(
        missing.suggestions[0], "/etc/hostname",
        "{:?}",
        missing.suggestions
    );
    assert!(missing.suggestions.len() <= 5);

    // In one layer, the path the other layer added is missing too.
    let base = encode(&image.layers[0].digest);
    let query = format!("{}&digest={base}", path_query("/etc/issue"));
    let (status, in_layer) = refused(&lading, &reference, &query).await;
    assert_eq!((status, in_layer.kind), (404, ErrorKind::NotInImage));
    assert!(
        in_layer.message.contains("layer #1"),
        "{}",
        in_layer.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_layer_of_another_image_is_not_in_this_one() {
    let (registry, image, lading) = paths_image().await;
    let other = fixtures::push_layers(
        &registry.pusher(),
        "layers/paths",
        "other",
        vec![fixtures::many_entries(100).build()],
    )
    .await;
    let reference = reference(&registry, &image);
    let stranger = &other.layers[0].digest;
    let query = format!("{}&digest={}", path_query("/many"), encode(stranger));
    let (status, error) = refused(&lading, &reference, &query).await;
    assert_eq!((status, error.kind), (404, ErrorKind::NotInImage));
    assert!(
        error.message.contains(stranger.as_str()),
        "{}",
        error.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_has_no_bytes_cannot_be_downloaded_and_says_why() {
    let (registry, image, lading) = paths_image().await;
    let reference = reference(&registry, &image);
    for (path, says) in [
        ("/etc", "is a directory: there are no bytes to download"),
        ("/", "is a directory"),
        ("/broken", "which is not in the image: there are no bytes"),
        ("/dev/null", "character device: it has no bytes to download"),
    ] {
        let query = format!("path={}", encode(path));
        let (status, error) = refused(&lading, &reference, &query).await;
        assert_eq!(
            (status, error.kind),
            (422, ErrorKind::Unsupported),
            "{path}"
        );
        assert!(error.message.contains(says), "{path}: {}", error.message);
    }
    // A file downloads under its own name.
    let answer = ask(
        &lading,
        &reference,
        &format!("path={}", encode("/etc/alias")),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, fixtures::PATHS_HOSTNAME.as_bytes());
    let disposition = answer.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"hostname\""),
        "{disposition}"
    );
}
