//! Layer listings against a real `docker-registry`: every compression and entry kind
//! (`/api/layer`), 30,000 entries, and the merged filesystem (`/api/merged`).

use crate::layers_common as common;

use std::collections::BTreeSet;

use crate::support::Lading;
use lading_shared::layer::{Compression, Entry, EntryKind};
use lading_testkit::Registry;
use lading_testkit::fixtures::{self, Layer, LayerCompression, OCI_LAYER_TAR};

use common::*;

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

/// Regression: a layer shorter than the bytes sniffed for its compression ended the stream
/// early and was reported as a broken download.
#[tokio::test(flavor = "multi_thread")]
async fn a_layer_smaller_than_the_sniffed_head_lists_cleanly() {
    let registry = Registry::plain();
    let layer = fixtures::LayerBuilder::new()
        .file("hello.txt", "hi")
        .build_with(LayerCompression::Gzip);
    assert!(layer.blob.bytes.len() < 512, "the fixture is tiny");
    let image = push(&registry, "layers/tiny", vec![layer]).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let digest = &image.layers[0].digest;
    let listing = list_layer(&lading, &reference(&registry, &image), digest).await;
    let paths: Vec<&str> = listing.entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["/hello.txt"]);
    assert!(listing.done().verified);
}
