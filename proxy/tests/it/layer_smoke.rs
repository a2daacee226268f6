//! The layer engine end to end against a real registry: one layer's listing (then from
//! cache), the merged filesystem, a preview through a symlink and a download.

use crate::support::{Lading, encode};
use base64::Engine as _;
use lading_shared::layer::{EntryKind, FilePreview, ListingEvent};
use lading_testkit::Registry;
use lading_testkit::fixtures;

fn events(body: &[u8]) -> Vec<ListingEvent> {
    body.split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("an NDJSON listing event"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn layers_list_merge_and_serve_files() {
    let registry = Registry::plain();
    let pushed = fixtures::push_oci_image(&registry.pusher(), "smoke/layers", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let image = encode(&format!("{}/smoke/layers:v1", registry.host()));
    let base = &pushed.layers[0].digest;

    for cached in [false, true] {
        let answer = lading
            .get_raw(&format!("/api/layer?ref={image}&digest={base}"))
            .await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.headers["content-type"], "application/x-ndjson");
        let events = events(&answer.body);
        let ListingEvent::Start { layers, .. } = &events[0] else {
            panic!("starts with Start: {events:?}")
        };
        assert_eq!(layers.len(), 1);
        let entries: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                ListingEvent::Entries { entries } => Some(entries.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        let sh = entries
            .iter()
            .find(|e| e.path == "/bin/sh")
            .expect("/bin/sh");
        assert_eq!(
            (sh.kind, sh.link.as_deref()),
            (EntryKind::Symlink, Some("busybox"))
        );
        let Some(ListingEvent::Done(done)) = events.last() else {
            panic!("ends with Done: {events:?}")
        };
        assert!(done.verified);
        assert_eq!(done.entries, entries.len() as u64);
        // The second listing (same scope: anonymous, same repository) is the cached one.
        let fetched_blob = done.trace.iter().any(|e| e.url.contains("/blobs/"));
        assert_eq!(fetched_blob, !cached, "{:?}", done.trace);
    }

    let merged = lading.get_raw(&format!("/api/merged?ref={image}")).await;
    let merged: Vec<_> = events(&merged.body)
        .into_iter()
        .filter_map(|e| match e {
            ListingEvent::Entries { entries } => Some(entries),
            _ => None,
        })
        .flatten()
        .collect();
    let motd = merged.iter().find(|e| e.path == "/etc/motd").expect("kept");
    assert_eq!(
        motd.hidden_by,
        Some(1),
        "the second layer deletes /etc/motd"
    );
    let config = merged.iter().find(|e| e.path == "/srv/app/config.toml");
    assert_eq!(config.and_then(|e| e.layer), Some(1));

    let preview = lading
        .get(
            &format!("/api/file?ref={image}&path=/bin/sh&preview=16"),
            None,
        )
        .await;
    assert_eq!(preview.status, 200, "{:#}", preview.json);
    let preview: FilePreview = serde_json::from_value(preview.json).unwrap();
    assert_eq!(preview.resolved_from, ["/bin/sh"]);
    assert_eq!(preview.entry.path, "/bin/busybox");
    assert!(preview.truncated);
    let busybox = fixtures::noise(1, 2048 + 512);
    let shown = base64::engine::general_purpose::STANDARD
        .decode(&preview.content_base64)
        .unwrap();
    assert_eq!(shown, busybox[..16]);

    let download = lading
        .get_raw(&format!(
            "/api/file?ref={image}&path=/bin/busybox&digest={base}"
        ))
        .await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body, busybox);
    let disposition = download.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"busybox\""),
        "{disposition}"
    );

    let deleted = lading
        .get(
            &format!("/api/file?ref={image}&path=/etc/motd&preview=10"),
            None,
        )
        .await;
    assert_eq!(deleted.status, 404, "{:#}", deleted.json);
    assert_eq!(deleted.kind(), "not_in_image");
    let directory = lading
        .get(&format!("/api/file?ref={image}&path=/etc&preview=10"), None)
        .await;
    assert_eq!(directory.status, 200, "{:#}", directory.json);
    assert_eq!(directory.json["entry"]["kind"], "dir");
    assert!(directory.json["children_total"].as_u64().unwrap() > 0);
}

/// After a listing, a file deep in a gzip layer is read from the checkpoint before it: a
/// byte range, not the whole blob.
#[tokio::test(flavor = "multi_thread")]
async fn a_listed_gzip_layer_serves_a_file_with_a_range() {
    use fixtures::media_types::{OCI_CONFIG, OCI_MANIFEST};
    let registry = Registry::plain();
    let filler = fixtures::noise(3, 9 * 1024 * 1024);
    let layer = fixtures::LayerBuilder::new()
        .file("big/filler", filler)
        .file("big/last", "the end\n")
        .build();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": { "type": "layers", "diff_ids": [layer.diff_id] },
    });
    let spec = fixtures::ImageSpec::new(
        OCI_MANIFEST,
        fixtures::Blob::json(OCI_CONFIG, &config),
        vec![layer.blob],
    );
    let pushed = fixtures::push_image(&registry.pusher(), "smoke/big", Some("v1"), &spec).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let image = encode(&format!("{}/smoke/big:v1", registry.host()));
    let digest = &pushed.layers[0].digest;
    let size = pushed.layers[0].size;

    let listing = lading
        .get_raw(&format!("/api/layer?ref={image}&digest={digest}"))
        .await;
    assert!(matches!(
        events(&listing.body).last(),
        Some(ListingEvent::Done(_))
    ));
    let preview = lading
        .get(
            &format!("/api/file?ref={image}&digest={digest}&path=/big/last&preview=100"),
            None,
        )
        .await;
    assert_eq!(preview.status, 200, "{:#}", preview.json);
    let preview: FilePreview = serde_json::from_value(preview.json).unwrap();
    let shown = base64::engine::general_purpose::STANDARD
        .decode(&preview.content_base64)
        .unwrap();
    assert_eq!(shown, b"the end\n");
    assert!(!preview.truncated);
    assert!(
        preview.fetched_bytes > 0 && preview.fetched_bytes < size / 4,
        "fetched {} of {size}",
        preview.fetched_bytes
    );
}

/// Two file reads at once on layers nobody listed yet: each layer is downloaded whole once
/// (the later request waits for the first one's listing, or finds it cached).
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_reads_list_each_layer_once() {
    let registry = Registry::plain();
    fixtures::push_oci_image(&registry.pusher(), "smoke/twice", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let image = encode(&format!("{}/smoke/twice:v1", registry.host()));
    let path = format!("/api/file?ref={image}&path=/etc/os-release&preview=64");
    let (a, b) = tokio::join!(lading.get(&path, None), lading.get(&path, None));
    let mut whole_blob_gets = 0;
    for answer in [a, b] {
        assert_eq!(answer.status, 200, "{:#}", answer.json);
        let preview: FilePreview = serde_json::from_value(answer.json).unwrap();
        whole_blob_gets += preview
            .trace
            .iter()
            .filter(|e| e.url.contains("/blobs/") && e.status == Some(200))
            .filter(|e| !e.request_headers.iter().any(|h| h.name == "range"))
            .count();
    }
    // Two layers (config blobs are not fetched by file reads).
    assert_eq!(whole_blob_gets, 2);
}

/// A hard link in an upper layer to a file of a lower one (runtimes apply layers in order,
/// so the link resolves): the merged view serves the lower layer's bytes.
#[tokio::test(flavor = "multi_thread")]
async fn a_hard_link_to_a_lower_layer_serves_that_layers_bytes() {
    let registry = Registry::plain();
    let layers = vec![
        fixtures::LayerBuilder::new()
            .file("usr/bin/tool", "#!/bin/sh\necho tool\n")
            .build(),
        fixtures::LayerBuilder::new()
            .hardlink("usr/bin/tool-alias", "usr/bin/tool")
            .build(),
    ];
    fixtures::push_layers(&registry.pusher(), "smoke/links", "v1", layers).await;
    let lading = Lading::allowing(&[&registry.host()]);
    let image = encode(&format!("{}/smoke/links:v1", registry.host()));
    let answer = lading
        .get(
            &format!("/api/file?ref={image}&path=/usr/bin/tool-alias&preview=100"),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let preview: FilePreview = serde_json::from_value(answer.json).unwrap();
    assert_eq!(preview.entry.kind, EntryKind::Hardlink);
    assert_eq!(preview.layer, 0, "the bytes come from the lower layer");
    let shown = base64::engine::general_purpose::STANDARD
        .decode(&preview.content_base64)
        .unwrap();
    assert_eq!(shown, b"#!/bin/sh\necho tool\n");
}
