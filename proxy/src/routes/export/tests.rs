//! The archive's layout, tar headers and lengths.

use bytes::Bytes;
use lading_shared::media_type::MediaType;
use lading_shared::{Descriptor, Digest, ImageIndex, ImageManifest, Reference};
use serde_json::{Value, json};

use super::layout::{
    ArchiveEntry, CONTAINERD_NAME, Content, Exported, REF_NAME, blob_path, layout,
};
use super::tar_stream::{MAX_EXPORT_BYTES, archive_len, entry_headers, padded};
use crate::error::ProxyError;

fn descriptor(media_type: &str, digest: &Digest, size: u64) -> Descriptor {
    serde_json::from_value(json!({
        "mediaType": media_type, "digest": digest.to_string(), "size": size,
    }))
    .unwrap()
}

#[test]
fn the_layout_is_an_oci_index_and_a_docker_load_manifest() {
    let config = descriptor(
        "application/vnd.oci.image.config.v1+json",
        &Digest::sha256(b"c"),
        2,
    );
    let layer = descriptor(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        &Digest::sha256(b"l"),
        3,
    );
    let manifest: ImageManifest = serde_json::from_value(json!({
        "schemaVersion": 2, "config": config, "layers": [layer, layer],
    }))
    .unwrap();
    let raw = Bytes::from_static(b"{\"manifest\":true}");
    let digest = Digest::sha256(&raw);
    let cases = [
        (
            "r.example/team/app:v1",
            Some("v1"),
            vec!["r.example/team/app:v1"],
        ),
        (&*format!("r.example/team/app@{digest}"), None, vec![]),
    ];
    for (input, tag, repo_tags) in cases {
        let reference = Reference::parse(input).unwrap();
        let exported = Exported {
            reference: &reference,
            digest: &digest,
            media_type: &MediaType::OciManifest,
            raw: &raw,
            manifest: &manifest,
        };
        let entries = layout(&exported).unwrap();
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        let (config, layer) = (blob_path(&config.digest), blob_path(&layer.digest));
        let manifest_path = blob_path(&digest);
        // The layer named twice is archived once.
        let want = [
            "oci-layout",
            "index.json",
            "manifest.json",
            &manifest_path,
            &config,
            &layer,
        ];
        assert_eq!(paths, want, "{input}");
        let inline = |i: usize| match &entries[i].content {
            Content::Inline(bytes) => serde_json::from_slice::<Value>(bytes).unwrap(),
            Content::Blob(_) => panic!("{} is inline", entries[i].path),
        };
        assert_eq!(inline(0), json!({"imageLayoutVersion": "1.0.0"}));
        let index: ImageIndex = serde_json::from_value(inline(1)).unwrap();
        assert_eq!(index.media_type, Some(MediaType::OciIndex));
        let entry = &index.manifests[0];
        assert_eq!((&entry.digest, entry.size), (&digest, raw.len() as u64));
        assert_eq!(entry.media_type, MediaType::OciManifest);
        assert_eq!(entry.annotation(REF_NAME), tag);
        assert!(
            entry
                .annotation(CONTAINERD_NAME)
                .unwrap()
                .starts_with("r.example/team/app")
        );
        let docker = json!([{"Config": config, "RepoTags": repo_tags, "Layers": [layer, layer]}]);
        assert_eq!(inline(2), docker);
    }
}

#[test]
fn long_paths_get_a_pax_record_the_tar_crate_reads_back() {
    let digest = Digest::parse(&format!("sha512:{}", "ab".repeat(64))).unwrap();
    for path in [blob_path(&digest), "blobs/sha256/abc".to_string()] {
        let mut bytes = entry_headers(&path, 3).unwrap().to_vec();
        // One header block for a short path; a PAX header and its record block before it
        // for a long one.
        let blocks = if path.len() > 100 { 3 } else { 1 };
        assert_eq!(bytes.len(), blocks * 512, "{path}");
        bytes.extend_from_slice(b"xyz");
        bytes.resize(bytes.len() + 509 + 1024, 0);
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut entries = archive.entries().unwrap();
        let entry = entries.next().unwrap().unwrap();
        assert_eq!(entry.path().unwrap().to_str().unwrap(), path);
        assert_eq!(entry.size(), 3);
        assert!(entries.next().is_none());
    }
}

#[test]
fn archive_lengths_are_checked_not_wrapped() {
    let blob = |size: u64| {
        let digest = Digest::parse(&format!("sha256:{}", "ab".repeat(32))).unwrap();
        let descriptor = descriptor("application/vnd.oci.image.layer.v1.tar+gzip", &digest, size);
        ArchiveEntry {
            path: blob_path(&descriptor.digest),
            content: Content::Blob(Box::new(descriptor)),
        }
    };
    let len = |sizes: &[u64]| archive_len(&sizes.iter().map(|&s| blob(s)).collect::<Vec<_>>());
    // Two blocks of end, a header and the padded data per blob.
    assert_eq!(len(&[]).unwrap(), 1024);
    assert_eq!(len(&[1]).unwrap(), 1024 + 512 + 512);
    assert_eq!(len(&[512, 0]).unwrap(), 1024 + 1024 + 512);
    let fits = MAX_EXPORT_BYTES - 1024 - 512;
    assert_eq!(len(&[fits]).unwrap(), MAX_EXPORT_BYTES);
    for sizes in [
        &[fits + 1][..],
        &[u64::MAX],
        &[u64::MAX - 511],
        &[1 << 63],
        &[1 << 63, 1 << 63],
        &[MAX_EXPORT_BYTES / 2, MAX_EXPORT_BYTES / 2],
    ] {
        let error = len(sizes).unwrap_err();
        assert!(matches!(error, ProxyError::TooLarge { .. }), "{sizes:?}");
        assert!(error.to_string().contains("blob sha256:abab"), "{error}");
    }
    assert_eq!(padded(u64::MAX), None);
    assert_eq!(padded(u64::MAX - 511), Some(u64::MAX - 511));
}
