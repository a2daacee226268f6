//! `Manifest::decode` on every manifest media type, written as a registry would send it, and on
//! the ways registries get it wrong (lying or missing `Content-Type`, `null` lists, junk).

use crate::fixtures;

use fixtures::*;
use lading_shared::manifest::{EntryKind, MAX_MANIFEST_BYTES, ManifestError};
use lading_shared::media_type::Compression;
use lading_shared::{Digest, ImageIndex, ImageManifest, Manifest, MediaType};

fn decode(body: &str, content_type: Option<&str>) -> (MediaType, Manifest) {
    Manifest::decode(body.as_bytes(), content_type)
        .unwrap_or_else(|e| panic!("decode failed: {e}\n{body}"))
}

fn index(body: &str, content_type: Option<&str>) -> (MediaType, ImageIndex) {
    match decode(body, content_type) {
        (media_type, Manifest::Index(index)) => (media_type, index),
        (_, other) => panic!("not an index: {other:?}"),
    }
}

fn image(body: &str, content_type: Option<&str>) -> (MediaType, ImageManifest) {
    match decode(body, content_type) {
        (media_type, Manifest::Image(image)) => (media_type, image),
        (_, other) => panic!("not an image manifest: {other:?}"),
    }
}

fn digest(text: &str) -> Digest {
    Digest::parse(text).unwrap()
}

#[test]
fn oci_index_from_buildkit() {
    let (media_type, index) = index(OCI_INDEX, Some(OCI_INDEX_TYPE));
    assert_eq!(media_type, MediaType::OciIndex);
    assert_eq!(index.schema_version, 2);
    assert_eq!(index.media_type, Some(MediaType::OciIndex));
    assert_eq!(index.manifests.len(), 5);
    let amd64 = &index.manifests[0];
    assert_eq!(amd64.digest, digest(AMD64));
    assert_eq!(amd64.size, 1611);
    assert_eq!(amd64.platform.as_ref().unwrap().to_string(), "linux/amd64");
    assert_eq!(
        index.manifests[1].platform.as_ref().unwrap().to_string(),
        "linux/arm64/v8"
    );
    let annotations = index.annotations.as_ref().unwrap();
    assert_eq!(
        annotations["org.opencontainers.image.created"],
        "2024-05-02T09:12:44Z"
    );
}

#[test]
fn oci_index_without_media_type() {
    // The top-level `mediaType` comes first; the nested index entry keeps its own.
    let body = OCI_INDEX.replacen(&format!(r#""mediaType": "{OCI_INDEX_TYPE}","#), "", 1);
    for content_type in [Some(OCI_INDEX_TYPE), Some("application/json"), None] {
        let (media_type, index) = index(&body, content_type);
        assert_eq!(media_type, MediaType::OciIndex, "{content_type:?}");
        assert_eq!(index.media_type, None);
        assert_eq!(index.manifests.len(), 5);
    }
}

#[test]
fn docker_manifest_list_with_windows_versions() {
    let (media_type, list) = index(DOCKER_LIST, Some(DOCKER_LIST_TYPE));
    assert_eq!(media_type, MediaType::DockerManifestList);
    let platforms: Vec<String> = list
        .manifests
        .iter()
        .map(|m| m.platform.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(
        platforms,
        ["linux/arm/v7", "windows/amd64", "windows/amd64"]
    );
    let versions: Vec<Option<&str>> = list
        .manifests
        .iter()
        .map(|m| m.platform.as_ref().unwrap().os_version.as_deref())
        .collect();
    assert_eq!(
        versions,
        [None, Some("10.0.17763.5696"), Some("10.0.20348.2402")]
    );
    assert!(
        list.manifests
            .iter()
            .all(|m| m.media_type == MediaType::DockerManifest)
    );
    assert!(list.entries().iter().all(|e| e.kind == EntryKind::Platform));
}

#[test]
fn oci_image_manifest() {
    let (media_type, manifest) = image(OCI_MANIFEST, Some(OCI_MANIFEST_TYPE));
    assert_eq!(media_type, MediaType::OciManifest);
    assert!(manifest.is_container_image());
    assert_eq!(manifest.config.media_type, MediaType::OciConfig);
    assert_eq!(manifest.config.digest, digest(CONFIG));
    assert_eq!(manifest.layers.len(), 3);
    assert_eq!(manifest.layers_size(), 29_124_000 + 1_532 + 3_412_870);
    let compressions: Vec<_> = manifest
        .layers
        .iter()
        .map(|l| l.media_type.compression())
        .collect();
    assert_eq!(
        compressions,
        [
            Some(Compression::Gzip),
            Some(Compression::Gzip),
            Some(Compression::Zstd)
        ]
    );
    assert_eq!(
        manifest.artifact_kind(),
        "application/vnd.oci.image.config.v1+json"
    );
    let annotations = manifest.annotations.unwrap();
    assert_eq!(
        annotations["org.opencontainers.image.base.name"],
        "docker.io/library/debian:bookworm-slim"
    );
}

#[test]
fn docker_v2_manifest_with_foreign_layer() {
    let (media_type, manifest) = image(DOCKER_MANIFEST, Some(DOCKER_MANIFEST_TYPE));
    assert_eq!(media_type, MediaType::DockerManifest);
    assert_eq!(manifest.media_type, Some(MediaType::DockerManifest));
    assert!(manifest.is_container_image());
    let foreign = &manifest.layers[0];
    assert!(foreign.media_type.is_foreign_layer());
    assert_eq!(
        foreign.urls.as_deref(),
        Some(&["https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:656771905e1ef731f65cd0a0d9fb061238380a1a012e6abdf846ecc7d2ea36fd".to_string()][..])
    );
    assert!(!manifest.layers[1].media_type.is_foreign_layer());
}

#[test]
fn oci_artifact_with_artifact_type_and_empty_config() {
    let (media_type, manifest) = image(OCI_ARTIFACT, Some(OCI_MANIFEST_TYPE));
    assert_eq!(media_type, MediaType::OciManifest);
    assert!(!manifest.is_container_image());
    assert_eq!(manifest.artifact_kind(), "application/spdx+json");
    assert_eq!(manifest.config.media_type, MediaType::OciEmpty);
    assert_eq!(manifest.config.size, 2);
    assert_eq!(
        manifest.layers[0].media_type,
        MediaType::Other("application/spdx+json".into())
    );
    assert_eq!(manifest.subject.as_ref().unwrap().digest, digest(AMD64));
}

#[test]
fn helm_chart_manifest() {
    let (media_type, manifest) = image(HELM_CHART, Some(OCI_MANIFEST_TYPE));
    assert_eq!(media_type, MediaType::OciManifest);
    assert!(!manifest.is_container_image());
    assert_eq!(manifest.config.media_type, MediaType::HelmConfig);
    assert_eq!(
        manifest.artifact_kind(),
        "application/vnd.cncf.helm.config.v1+json"
    );
    assert_eq!(manifest.layers[0].media_type, MediaType::HelmChart);
    assert_eq!(manifest.layers[0].media_type.describe(), "Helm chart");
    assert!(
        !manifest.layers[0].media_type.is_layer(),
        "a chart is no filesystem layer"
    );
}

#[test]
fn content_type_lies_and_the_shape_decides() {
    let no_type = OCI_MANIFEST.replacen(&format!(r#""mediaType": "{OCI_MANIFEST_TYPE}","#), "", 1);
    let lies = [
        None,
        Some("application/json"),
        Some("text/plain; charset=utf-8"),
        Some(""),
    ];
    for content_type in lies {
        let (media_type, _) = image(&no_type, content_type);
        assert_eq!(media_type, MediaType::OciManifest, "{content_type:?}");
        let (media_type, _) = index(DOCKER_LIST, content_type);
        assert_eq!(
            media_type,
            MediaType::DockerManifestList,
            "body says so: {content_type:?}"
        );
        let (media_type, _) = image(DOCKER_MANIFEST, content_type);
        assert_eq!(
            media_type,
            MediaType::DockerManifest,
            "body says so: {content_type:?}"
        );
        let (media_type, _) = schema1(SCHEMA1_PAYLOAD, content_type);
        assert_eq!(media_type, MediaType::DockerSchema1, "{content_type:?}");
        let (media_type, _) = schema1(&signed_schema1(), content_type);
        assert_eq!(
            media_type,
            MediaType::DockerSchema1Signed,
            "{content_type:?}"
        );
    }
    // Parameters and case in the header do not matter.
    let (media_type, _) = image(
        &no_type,
        Some("Application/VND.OCI.Image.Manifest.v1+JSON; charset=utf-8"),
    );
    assert_eq!(media_type, MediaType::OciManifest);
}

#[test]
fn bad_bodies_say_what_is_wrong() {
    let not_json = Manifest::decode(
        b"<html><body>502 Bad Gateway</body></html>",
        Some("text/html"),
    );
    assert!(
        matches!(not_json, Err(ManifestError::NotJson(_))),
        "{not_json:?}"
    );
    let truncated = Manifest::decode(&OCI_MANIFEST.as_bytes()[..100], Some(OCI_MANIFEST_TYPE));
    assert!(
        matches!(truncated, Err(ManifestError::NotJson(_))),
        "{truncated:?}"
    );
    assert!(matches!(
        Manifest::decode(b"", None),
        Err(ManifestError::NotJson(_))
    ));

    // JSON, but not a manifest: an error body, an image config, a bare array, null.
    let shapes: [&[u8]; 4] = [
        br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
        br#"{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[]}}"#,
        b"[]",
        b"null",
    ];
    for body in shapes {
        assert_eq!(
            Manifest::decode(body, None),
            Err(ManifestError::UnknownShape)
        );
    }
}

#[test]
fn invalid_digest_inside_a_descriptor_names_the_problem() {
    let body = OCI_MANIFEST.replace(L2, "sha256:8A1CEE436CBAC1489A");
    let error = Manifest::decode(body.as_bytes(), Some(OCI_MANIFEST_TYPE)).unwrap_err();
    let ManifestError::Invalid { kind, reason } = &error else {
        panic!("want Invalid, got {error:?}");
    };
    assert_eq!(*kind, "image manifest");
    assert!(
        reason.contains("64 lowercase hex") && reason.contains("8A1CEE436CBAC1489A"),
        "{reason}"
    );
    assert!(
        error
            .to_string()
            .starts_with("the image manifest is malformed: "),
        "{error}"
    );

    let body = OCI_INDEX.replace(ARM64, "md5:d41d8cd98f00b204e9800998ecf8427e");
    let error = Manifest::decode(body.as_bytes(), None).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("\"md5\" is not a supported digest algorithm"),
        "{error}"
    );
}

#[test]
fn size_limit_is_four_mebibytes() {
    let padded = |len: usize| {
        let mut body = OCI_MANIFEST.as_bytes().to_vec();
        body.resize(len, b' ');
        body
    };
    assert!(Manifest::decode(&padded(MAX_MANIFEST_BYTES), None).is_ok());
    let over = padded(MAX_MANIFEST_BYTES + 1);
    assert_eq!(
        Manifest::decode(&over, None),
        Err(ManifestError::TooLarge(4 * 1024 * 1024 + 1))
    );
}

#[test]
fn null_lists_are_tolerated() {
    let body = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST_TYPE}",
            "config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{CONFIG}","size":2}},
            "layers":null}}"#
    );
    let (media_type, manifest) = image(&body, None);
    assert_eq!(media_type, MediaType::OciManifest);
    assert!(manifest.layers.is_empty());
    let (_, index) = index(
        r#"{"schemaVersion":2,"manifests":null}"#,
        Some(OCI_INDEX_TYPE),
    );
    assert!(index.manifests.is_empty());
}

/// Regression: a header naming the wrong kind of manifest decoded the body as that kind, and
/// lenient defaults turned an image manifest under an index type into an empty index.
#[test]
fn header_naming_the_wrong_kind_loses_to_the_body() {
    let (media_type, manifest) = image(OCI_MANIFEST, Some(OCI_INDEX_TYPE));
    assert_eq!(
        media_type,
        MediaType::OciManifest,
        "the body's own mediaType"
    );
    assert_eq!(manifest.layers.len(), 3);
    let (media_type, list) = index(DOCKER_LIST, Some(SCHEMA1_SIGNED_TYPE));
    assert_eq!(media_type, MediaType::DockerManifestList);
    assert_eq!(list.manifests.len(), 3);
    let (media_type, _) = schema1(SCHEMA1_PAYLOAD, Some(DOCKER_MANIFEST_TYPE));
    assert_eq!(media_type, MediaType::DockerSchema1);
    // Same family, different flavour: the header is trusted.
    let (media_type, _) = image(OCI_MANIFEST, Some(DOCKER_MANIFEST_TYPE));
    assert_eq!(media_type, MediaType::DockerManifest);
}

#[test]
fn manifest_digest_hashes_what_registries_hash() {
    use lading_shared::manifest::manifest_digest;
    assert_eq!(
        manifest_digest(OCI_MANIFEST.as_bytes(), None),
        Digest::sha256(OCI_MANIFEST.as_bytes())
    );
    let signed = signed_schema1();
    assert_eq!(
        manifest_digest(signed.as_bytes(), None),
        Digest::sha256(SCHEMA1_PAYLOAD.as_bytes())
    );
    let sha512 = Digest::parse(&format!("sha512:{}", "0".repeat(128))).unwrap();
    let like = manifest_digest(OCI_INDEX.as_bytes(), Some(&sha512));
    assert!(like.verifies(OCI_INDEX.as_bytes()) && like.to_string().starts_with("sha512:"));
}
