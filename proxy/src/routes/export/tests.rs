//! The archive's tar headers and lengths.

use super::*;

#[test]
fn long_paths_get_a_pax_record_the_tar_crate_reads_back() {
    let digest = Digest::parse(&format!("sha512:{}", "ab".repeat(64))).unwrap();
    let path = blob_path(&digest);
    let record = pax_path(&path).unwrap();
    assert_eq!(record.len().to_string(), record.split(' ').next().unwrap());
    let mut bytes = entry_headers(&path, 3).unwrap().to_vec();
    bytes.extend_from_slice(b"xyz");
    bytes.resize(bytes.len() + 509 + 1024, 0);
    let mut archive = tar::Archive::new(bytes.as_slice());
    let mut entries = archive.entries().unwrap();
    let entry = entries.next().unwrap().unwrap();
    assert_eq!(entry.path().unwrap().to_str().unwrap(), path);
    assert_eq!(entry.size(), 3);
    assert!(entries.next().is_none());
    assert!(pax_path("blobs/sha256/abc").is_none());
}

#[test]
fn archive_lengths_are_checked_not_wrapped() {
    let blob = |size: u64| {
        let digest = format!("sha256:{}", "ab".repeat(32));
        let descriptor: Descriptor = serde_json::from_value(json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": digest, "size": size,
        }))
        .unwrap();
        Entry {
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
