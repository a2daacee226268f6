//! Every ready-made fixture is accepted by distribution 2.8.2 and served back as pushed.

use std::time::{Duration, Instant};

use lading_testkit::fixtures::media_types::*;
use lading_testkit::fixtures::*;
use lading_testkit::{Pusher, Registry};
use serde_json::Value;

/// A debug build pushing 500 tags on 2 cores takes ~1–2 s; this catches lost concurrency.
const MANY_TAGS_BUDGET: Duration = Duration::from_secs(30);

async fn get_manifest(pusher: &Pusher, repo: &str, reference: &str) -> (String, String, Vec<u8>) {
    let url = format!("{}/v2/{repo}/manifests/{reference}", pusher.base_url());
    let response = pusher
        .http()
        .get(&url)
        .header("accept", ACCEPT_ANY_MANIFEST)
        .send()
        .await
        .expect("manifest GET");
    assert_eq!(response.status(), 200, "GET {url}");
    let header = |name: &str| response.headers()[name].to_str().expect("ASCII").to_owned();
    let (content_type, digest) = (header("content-type"), header("docker-content-digest"));
    (
        content_type,
        digest,
        response.bytes().await.expect("body").to_vec(),
    )
}

async fn assert_served(
    pusher: &Pusher,
    repo: &str,
    reference: &str,
    descriptor: &Descriptor,
    bytes: &[u8],
) {
    let (content_type, digest, body) = get_manifest(pusher, repo, reference).await;
    assert_eq!(content_type, descriptor.media_type, "{repo}:{reference}");
    assert_eq!(digest, descriptor.digest, "{repo}:{reference}");
    assert_eq!(body, bytes, "{repo}:{reference}");
}

#[tokio::test]
async fn docker_image_keeps_docker_only_config_fields() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let image = push_docker_image(&pusher, "docker/app", "v1").await;
    assert_eq!(image.manifest.media_type, DOCKER_MANIFEST);
    assert_served(
        &pusher,
        "docker/app",
        "v1",
        &image.manifest,
        &image.manifest_bytes,
    )
    .await;
    for field in ["Healthcheck", "OnBuild", "Shell"] {
        assert!(image.config_json["config"].get(field).is_some(), "{field}");
    }
    assert!(image.config_json.get("container_config").is_some());
}

#[tokio::test]
async fn index_with_attestation_points_at_distinct_platform_images() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let pushed = push_oci_index_with_attestation(&pusher, "multi", "latest").await;
    let index = &pushed.index;
    assert_served(
        &pusher,
        "multi",
        "latest",
        &index.manifest,
        &index.manifest_bytes,
    )
    .await;
    let parsed: Value = serde_json::from_slice(&index.manifest_bytes).expect("index JSON");
    let entries = parsed["manifests"].as_array().expect("manifests");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1]["platform"]["variant"], "v8");
    let attestation = &entries[2];
    assert_eq!(attestation["platform"]["os"], "unknown");
    assert_eq!(
        attestation["annotations"]["vnd.docker.reference.type"],
        "attestation-manifest"
    );
    assert_eq!(
        attestation["annotations"]["vnd.docker.reference.digest"],
        pushed.linux_amd64.manifest.digest.as_str()
    );
    assert_eq!(pushed.attestation.layers[0].media_type, IN_TOTO);

    assert_ne!(
        pushed.linux_amd64.config.digest,
        pushed.linux_arm64_v8.config.digest
    );
    let sizes = |image: &PushedImage| image.layers.iter().map(|l| l.size).collect::<Vec<_>>();
    assert_ne!(sizes(&pushed.linux_amd64), sizes(&pushed.linux_arm64_v8));
    for child in [
        &pushed.linux_amd64,
        &pushed.linux_arm64_v8,
        &pushed.attestation,
    ] {
        assert_served(
            &pusher,
            "multi",
            &child.manifest.digest,
            &child.manifest,
            &child.manifest_bytes,
        )
        .await;
    }
}

#[tokio::test]
async fn manifest_list_has_windows_and_arm_v7() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let pushed = push_docker_manifest_list(&pusher, "list", "1").await;
    assert_served(
        &pusher,
        "list",
        "1",
        &pushed.list.manifest,
        &pushed.list.manifest_bytes,
    )
    .await;
    let platforms: Vec<&Value> = pushed
        .list
        .entries
        .iter()
        .filter_map(|e| e.platform.as_ref())
        .collect();
    assert_eq!(platforms[1]["os"], "windows");
    assert_eq!(platforms[1]["os.version"], WINDOWS_OS_VERSION);
    assert_eq!(platforms[2]["variant"], "v7");
    assert_eq!(pushed.windows_amd64.layers[0].urls, [FOREIGN_LAYER_URL]);
    assert_eq!(
        pushed.windows_amd64.config_json["os.version"],
        WINDOWS_OS_VERSION
    );
}

#[tokio::test]
async fn nested_index_points_at_an_index() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let pushed = push_nested_index(&pusher, "nested", "outer").await;
    assert_served(
        &pusher,
        "nested",
        "outer",
        &pushed.outer.manifest,
        &pushed.outer.manifest_bytes,
    )
    .await;
    assert_eq!(pushed.outer.entries[0].media_type, OCI_INDEX);
    assert_eq!(pushed.outer.entries[0].digest, pushed.inner.manifest.digest);
    let inner = &pushed.inner;
    assert_served(
        &pusher,
        "nested",
        &inner.manifest.digest,
        &inner.manifest,
        &inner.manifest_bytes,
    )
    .await;
}

#[tokio::test]
async fn artifacts_are_accepted() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let image = push_oci_image(&pusher, "things", "app").await;
    let pushed = push_artifacts(&pusher, "things", Some(&image.manifest)).await;
    assert_eq!(pushed.helm_chart.config.media_type, HELM_CONFIG);
    assert_eq!(pushed.helm_chart.layers[0].media_type, HELM_CHART);
    assert_eq!(pushed.unknown_config.config.media_type, UNKNOWN_CONFIG);
    assert_eq!(pushed.sbom.config.media_type, OCI_EMPTY);
    for (tag, image) in [
        (HELM_TAG, &pushed.helm_chart),
        (UNKNOWN_TAG, &pushed.unknown_config),
        (SBOM_TAG, &pushed.sbom),
    ] {
        assert_served(
            &pusher,
            "things",
            tag,
            &image.manifest,
            &image.manifest_bytes,
        )
        .await;
    }
    let sbom: Value = serde_json::from_slice(&pushed.sbom.manifest_bytes).expect("JSON");
    assert_eq!(sbom["artifactType"], SBOM_ARTIFACT_TYPE);
    assert_eq!(sbom["subject"]["digest"], image.manifest.digest.as_str());
    let fallback = pushed.referrers_tag_index.expect("subject given");
    assert_eq!(
        fallback.tag.as_deref(),
        Some(image.manifest.digest.replace(':', "-").as_str())
    );
}

#[tokio::test]
async fn schema1_signed_manifest_is_accepted_and_digested_without_signatures() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let pushed = push_schema1_image(&pusher, "old/style", "v1").await;
    let (content_type, digest, body) = get_manifest(&pusher, "old/style", "v1").await;
    assert_eq!(content_type, DOCKER_SCHEMA1_SIGNED);
    assert_eq!(digest, pushed.manifest.digest);
    assert_eq!(digest, sha256_digest(&pushed.payload));
    let served: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        served["fsLayers"][0]["blobSum"],
        pushed.layers[0].digest.as_str()
    );
    assert!(served["signatures"].is_array());
}

#[tokio::test]
async fn five_hundred_tags_push_quickly() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let started = Instant::now();
    let pushed = push_many_tags(&pusher, "tags", 500).await;
    let elapsed = started.elapsed();
    assert!(elapsed < MANY_TAGS_BUDGET, "took {elapsed:?}");
    let url = format!("{}/v2/tags/tags/list", registry.base_url());
    let listed: Value = pusher
        .http()
        .get(&url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    let mut listed: Vec<String> =
        serde_json::from_value(listed["tags"].clone()).expect("tag strings");
    let mut expected = pushed.tags.clone();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(pushed.tags.iter().any(|t| t == "1.10.0"));
    eprintln!("pushed 500 tags in {elapsed:?}");
}
