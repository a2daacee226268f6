//! Inside the layers, against a real `docker-registry`: listings of every compression and
//! entry kind (`/api/layer`), the merged filesystem (`/api/merged`), single files
//! (`/api/file`), and reading the end of a 64 MiB layer without fetching it again.
//!
//! Expectations are written out here from what the fixtures put in the tars, never computed
//! with `lading-shared`, so the code under test does not vouch for itself.

mod support;

use std::collections::BTreeSet;

use axum::http::header::CONTENT_DISPOSITION;
use base64::Engine as _;
use lading_shared::api::ApiError;
use lading_shared::layer::{Compression, Entry, EntryKind, FilePreview};
use lading_testkit::Registry;
use lading_testkit::fixtures::{self, Layer, LayerCompression, OCI_LAYER_TAR, PushedImage};
use support::{Lading, Listing, RawAnswer, encode};

/// The fields an entry must carry, with empty owner names read as absent and whiteouts
/// compared by path and kind only (their marker's mode and size mean nothing).
#[derive(Debug, PartialEq)]
struct Row {
    path: String,
    kind: EntryKind,
    mode: u32,
    size: u64,
    link: Option<String>,
    owner: (u64, u64, Option<String>, Option<String>),
}

fn row(entry: &Entry) -> Row {
    let name = |n: &Option<String>| n.clone().filter(|n| !n.is_empty());
    let marker = matches!(entry.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout);
    Row {
        path: entry.path.clone(),
        kind: entry.kind,
        mode: if marker { 0 } else { entry.mode },
        size: if marker { 0 } else { entry.size },
        link: entry.link.clone(),
        owner: (entry.uid, entry.gid, name(&entry.uname), name(&entry.gname)),
    }
}

fn want(path: &str, kind: EntryKind, mode: u32, size: usize) -> Row {
    Row {
        path: path.into(),
        kind,
        mode,
        size: size as u64,
        link: None,
        owner: (0, 0, None, None),
    }
}

impl Row {
    fn link(mut self, target: &str) -> Row {
        self.link = Some(target.into());
        self
    }

    fn owner(mut self, uid: u64, gid: u64, user: &str, group: &str) -> Row {
        self.owner = (uid, gid, Some(user.into()), Some(group.into()));
        self
    }
}

/// [`fixtures::entry_zoo`] as a listing must show it, in archive order.
fn zoo_rows() -> Vec<Row> {
    use EntryKind::*;
    let long = |dir: &str, len: usize| format!("/{}", fixtures::long_name(dir, len));
    let far = format!("/{}", fixtures::long_name("opt/target", 150));
    let hostname = fixtures::ZOO_HOSTNAME.len();
    vec![
        want("/etc", Dir, 0o755, 0),
        want("/etc/hostname", File, 0o644, hostname),
        want("/etc/alias", Symlink, 0o777, 0).link("hostname"),
        want("/etc/root-alias", Symlink, 0o777, 0).link("/etc/hostname"),
        want("/usr", Dir, 0o755, 0),
        want("/usr/bin", Dir, 0o755, 0),
        want("/usr/bin/tool", File, 0o755, fixtures::ZOO_TOOL_SIZE),
        want("/usr/bin/tool-link", Hardlink, 0o644, 0).link("/usr/bin/tool"),
        want("/usr/bin/su", File, 0o4755, 500).owner(0, 0, "root", "root"),
        want("/usr/bin/wall", File, 0o2755, 400).owner(0, 5, "root", "tty"),
        want("/tmp", Dir, 0o1777, 0),
        want("/home/app", Dir, 0o700, 0).owner(1000, 1000, "app", "app"),
        want("/home/app/.profile", File, 0o600, 12).owner(1000, 1000, "app", "app"),
        want(&long("srv/gnu", 180), File, 0o644, "gnu long name\n".len()),
        want(&long("srv/pax", 150), File, 0o644, "pax name\n".len()),
        want(
            &long("srv/pax", 300),
            File,
            0o644,
            "pax very long name\n".len(),
        ),
        want(&long("srv/ustar", 200), File, 0o644, "ustar prefix\n".len()),
        want("/srv/données/日本語.txt", File, 0o644, "unicode\n".len()),
        want("/srv/far", Symlink, 0o777, 0).link(&far),
        want("/dev/null", CharDevice, 0o666, 0),
        want("/run/control", Fifo, 0o644, 0),
        want("/etc/motd", Whiteout, 0, 0),
        want("/var/cache", OpaqueWhiteout, 0, 0),
    ]
}

async fn push(registry: &Registry, repo: &str, layers: Vec<Layer>) -> PushedImage {
    fixtures::push_layers(&registry.pusher(), repo, "v1", layers).await
}

fn reference(registry: &Registry, image: &PushedImage) -> String {
    encode(&format!("{}/{}:v1", registry.host(), image.repo))
}

async fn list_layer(lading: &Lading, reference: &str, digest: &str) -> Listing {
    let path = format!("/api/layer?ref={reference}&digest={}", encode(digest));
    lading.listing(&path).await
}

/// Pushes the zoo stored as `layer`, lists it, and checks every entry, the `Start` line and
/// the summary.
async fn assert_zoo_listing(layer: Layer, sniffed: Compression) {
    let registry = Registry::plain();
    let tar_len = fixtures::entry_zoo().tar().len() as u64;
    let image = push(&registry, "layers/zoo", vec![layer]).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let pushed = &image.layers[0];
    let listing = list_layer(&lading, &reference(&registry, &image), &pushed.digest).await;

    let [info] = listing.layers() else {
        panic!("one layer expected: {:?}", listing.start)
    };
    assert_eq!(info.digest.to_string(), pushed.digest);
    assert_eq!(
        (info.size, info.media_type.as_str()),
        (pushed.size, pushed.media_type.as_str())
    );
    let rows: Vec<Row> = listing.entries.iter().map(row).collect();
    assert_eq!(rows, zoo_rows());
    for entry in &listing.entries {
        assert_eq!(entry.mtime as u64, fixtures::ENTRY_MTIME, "{}", entry.path);
    }
    let done = listing.done();
    assert!(done.verified, "digest verified");
    assert_eq!(done.entries, zoo_rows().len() as u64);
    // The reader may stop at the end-of-archive blocks (1 KiB of zeros).
    let read = done.uncompressed_bytes;
    assert!(
        (tar_len - 1024..=tar_len).contains(&read),
        "{read} of {tar_len}"
    );
    assert_eq!(
        info.compression,
        Some(sniffed),
        "Start reports the compression"
    );
    assert!(!info.cached);
}

#[tokio::test(flavor = "multi_thread")]
async fn gzip_layer_lists_every_entry_kind() {
    let layer = fixtures::entry_zoo().build_with(LayerCompression::Gzip);
    assert_zoo_listing(layer, Compression::Gzip).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_member_gzip_layer_lists_every_member() {
    let layer = fixtures::entry_zoo().build_with(LayerCompression::GzipMembers(5));
    assert_zoo_listing(layer, Compression::Gzip).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn zstd_layer_lists_every_entry_kind() {
    let layer = fixtures::entry_zoo().build_with(LayerCompression::Zstd);
    assert_zoo_listing(layer, Compression::Zstd).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_frame_zstd_layer_lists_every_frame() {
    let layer = fixtures::entry_zoo().build_with(LayerCompression::ZstdFrames(4));
    assert_zoo_listing(layer, Compression::Zstd).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn uncompressed_tar_layer_lists_every_entry_kind() {
    let layer = fixtures::entry_zoo().build_with(LayerCompression::None);
    assert_zoo_listing(layer, Compression::None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gzip_bytes_under_the_plain_tar_media_type_are_sniffed_as_gzip() {
    let layer = fixtures::entry_zoo().build().labelled(OCI_LAYER_TAR);
    assert_zoo_listing(layer, Compression::Gzip).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_thousand_entries_are_all_listed_in_batches() {
    let registry = Registry::plain();
    let layer = fixtures::many_entries(30_000).build_gzip_fast();
    let image = push(&registry, "layers/many", vec![layer]).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let listing = list_layer(
        &lading,
        &reference(&registry, &image),
        &image.layers[0].digest,
    )
    .await;

    assert_eq!(listing.done().entries, 30_000);
    assert!(listing.done().verified);
    assert!(listing.batches > 1, "entries stream in batches, not one");
    let dirs = (0..fixtures::MANY_DIRS).map(|d| format!("/many/d{d:03}"));
    let files = (0..30_000 - fixtures::MANY_DIRS)
        .map(|n| format!("/many/d{:03}/f{n:05}", n % fixtures::MANY_DIRS));
    let want: BTreeSet<String> = dirs.chain(files).collect();
    let seen: BTreeSet<String> = listing.entries.iter().map(|e| e.path.clone()).collect();
    assert_eq!(listing.entries.len(), 30_000, "no entry twice");
    assert_eq!(seen, want);
    let last = listing.entries.last().unwrap();
    assert_eq!(
        (last.kind, last.size),
        (EntryKind::File, "29899".len() as u64)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn merged_view_applies_whiteouts_and_opaque_dirs_and_names_each_layer() {
    let registry = Registry::plain();
    let layers = fixtures::merge_stack().map(|l| l.build()).to_vec();
    let image = push(&registry, "layers/merged", layers).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let path = format!("/api/merged?ref={}", reference(&registry, &image));
    let listing = lading.listing(&path).await;

    let digests: Vec<String> = listing
        .layers()
        .iter()
        .map(|l| l.digest.to_string())
        .collect();
    let pushed: Vec<String> = image.layers.iter().map(|l| l.digest.clone()).collect();
    assert_eq!(digests, pushed, "Start lists the layers bottom first");
    assert!(listing.done().verified);
    let as_row = |e: &Entry| (e.path.clone(), e.kind, e.layer);
    let (visible, hidden): (Vec<&Entry>, Vec<&Entry>) =
        listing.entries.iter().partition(|e| e.hidden_by.is_none());
    let visible: Vec<_> = visible.into_iter().map(as_row).collect();
    use EntryKind::{Dir, File};
    let want = [
        ("/bin", Dir, 0),
        ("/bin/busybox", File, 0),
        ("/bin/sh", File, 2),
        ("/etc", Dir, 0),
        ("/etc/motd", File, 2),
        ("/etc/os-release", File, 1),
        ("/opt", Dir, 0),
        ("/srv", Dir, 1),
        ("/srv/new", File, 1),
        ("/var", Dir, 0),
        ("/var/cache", Dir, 0),
        ("/var/cache/app", Dir, 1),
        ("/var/cache/app/c", File, 1),
    ]
    .map(|(p, k, l)| (p.to_owned(), k, Some(l)));
    assert_eq!(visible, want, "visible entries, in path order");
    // Hidden history is optional; when sent, it must name who hid what.
    if !hidden.is_empty() {
        let mut hidden: Vec<_> = hidden
            .iter()
            .map(|e| (e.path.as_str(), e.layer, e.hidden_by))
            .collect();
        hidden.sort();
        let want_hidden = [
            ("/bin/sh", Some(0), Some(2)),
            ("/etc/motd", Some(0), Some(1)),
            ("/etc/os-release", Some(0), Some(1)),
            ("/opt/keep", Some(0), Some(2)),
            ("/opt/keep/x", Some(0), Some(2)),
            ("/var/cache/app", Some(0), Some(1)),
            ("/var/cache/app/a", Some(0), Some(1)),
            ("/var/cache/app/b", Some(0), Some(1)),
        ];
        assert_eq!(hidden, want_hidden);
    }
}

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
async fn a_directory_or_a_missing_path_is_no_file() {
    let (registry, image, lading) = zoo_image().await;
    let reference = reference(&registry, &image);
    // The endpoint answers files (a 404 from an unknown route would pass for a refusal).
    preview(&lading, &reference, "path=/etc/hostname&preview=16").await;
    for path in ["/usr/bin", "/no/such/file"] {
        let query = format!("/api/file?ref={reference}&path={}&preview=16", encode(path));
        assert_refused(&lading.get_raw(&query).await, path);
    }
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
