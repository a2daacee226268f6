//! Blob downloads and image export against a real `docker-registry`, spoken to over a real
//! socket as a browser would, and exports read back by the real `skopeo`.

use std::path::Path;
use std::process::Command;

use lading::guard::AllowedHost;
use lading::{AppState, Settings};
use lading_testkit::fixtures::{self, Blob, ImageSpec, PushedImage, media_types, noise};
use lading_testkit::{BackgroundServer, Registry};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, RANGE};
use serde_json::Value;

/// Where Debian puts skopeo (as `REGISTRY_BIN` names the registry): a missing tool fails
/// the test loudly rather than skipping it.
const SKOPEO_BIN: &str = "/usr/bin/skopeo";

/// `lading` on a loopback port, allowed to reach `hosts`.
fn serve(hosts: &[&str]) -> BackgroundServer {
    let allow_hosts = hosts
        .iter()
        .map(|h| h.parse::<AllowedHost>().unwrap())
        .collect();
    let state = AppState::new(Settings {
        allow_hosts,
        docker_config: None,
        ..Default::default()
    })
    .expect("state");
    BackgroundServer::start("lading", lading::app(state))
}

fn url(lading: &BackgroundServer, path: &str, pairs: &[(&str, &str)]) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("http://{}{path}?{query}", lading.addr())
}

async fn get(url: &str, range: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    if let Some(range) = range {
        request = request.header(RANGE, range);
    }
    request.send().await.expect("lading answers")
}

fn sha256(bytes: &[u8]) -> String {
    fixtures::sha256_digest(bytes)
}

fn skopeo(args: &[&str]) -> String {
    assert!(
        Path::new(SKOPEO_BIN).exists(),
        "{SKOPEO_BIN} is missing: apt-get install skopeo"
    );
    let output = Command::new(SKOPEO_BIN)
        .args(args)
        .output()
        .expect("run skopeo");
    assert!(
        output.status.success(),
        "skopeo {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

#[tokio::test(flavor = "multi_thread")]
async fn blob_download_is_byte_identical_to_the_pushed_layer() {
    let registry = Registry::plain();
    let pushed = fixtures::push_oci_image(&registry.pusher(), "team/app", "v1").await;
    let lading = serve(&[&registry.host()]);
    let reference = format!("{}/team/app:v1", registry.host());
    for blob in pushed.layers.iter().chain([&pushed.config]) {
        let answer = get(
            &url(
                &lading,
                "/api/blob",
                &[("ref", &reference), ("digest", &blob.digest)],
            ),
            None,
        )
        .await;
        assert_eq!(answer.status(), StatusCode::OK);
        let headers = answer.headers().clone();
        assert_eq!(headers[CONTENT_LENGTH], blob.size.to_string().as_str());
        // Named after the repository and the short digest, with what the blob is.
        let hex = &blob.digest["sha256:".len()..][..12];
        let extension = if blob.digest == pushed.config.digest {
            "json"
        } else {
            "tar.gz"
        };
        let filename = format!("attachment; filename=\"app-{hex}.{extension}\"");
        let disposition = headers[CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.starts_with(&filename), "{disposition}");
        let bytes = answer.bytes().await.expect("whole body");
        assert_eq!(sha256(&bytes), blob.digest);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn large_layer_streams_whole_and_verified() {
    let registry = Registry::plain();
    let layer = Blob::new(media_types::OCI_LAYER_GZIP, noise(7, 6 * 1024 * 1024 + 123));
    let config = Blob::json(
        media_types::OCI_CONFIG,
        &serde_json::json!({"architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [layer.digest()]}}),
    );
    let spec = ImageSpec::new(media_types::OCI_MANIFEST, config, vec![layer.clone()]);
    fixtures::push_image(&registry.pusher(), "big/layer", Some("v1"), &spec).await;
    let lading = serve(&[&registry.host()]);
    let reference = format!("{}/big/layer:v1", registry.host());
    let answer = get(
        &url(
            &lading,
            "/api/blob",
            &[("ref", &reference), ("digest", &layer.digest())],
        ),
        None,
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let bytes = answer.bytes().await.expect("whole body");
    assert_eq!(bytes.len(), layer.bytes.len());
    assert_eq!(sha256(&bytes), layer.digest());
}

#[tokio::test(flavor = "multi_thread")]
async fn range_request_returns_exactly_those_bytes_with_206() {
    let registry = Registry::plain();
    let pushed = fixtures::push_oci_image(&registry.pusher(), "team/app", "v1").await;
    let lading = serve(&[&registry.host()]);
    let reference = format!("{}/team/app:v1", registry.host());
    let layer = &pushed.layers[0];
    let blob_url = url(
        &lading,
        "/api/blob",
        &[("ref", &reference), ("digest", &layer.digest)],
    );
    let whole = get(&blob_url, None).await.bytes().await.unwrap();
    assert_eq!(sha256(&whole), layer.digest);
    let size = layer.size;

    let cases = [
        ("bytes=10-99".to_string(), 10..100),
        (format!("bytes={}-", size - 7), size - 7..size),
        ("bytes=-16".to_string(), size - 16..size),
        (format!("bytes=100-{}", size + 50), 100..size),
    ];
    for (header, want) in cases {
        let answer = get(&blob_url, Some(&header)).await;
        assert_eq!(answer.status(), StatusCode::PARTIAL_CONTENT, "{header}");
        let content_range = format!("bytes {}-{}/{size}", want.start, want.end - 1);
        assert_eq!(answer.headers()[CONTENT_RANGE], content_range.as_str());
        let bytes = answer.bytes().await.unwrap();
        assert_eq!(
            &bytes[..],
            &whole[want.start as usize..want.end as usize],
            "{header}"
        );
    }

    let beyond = get(&blob_url, Some(&format!("bytes={size}-"))).await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.headers()[CONTENT_RANGE],
        format!("bytes */{size}").as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn digest_outside_the_image_is_refused() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let pushed = fixtures::push_oci_image(&pusher, "team/app", "v1").await;
    let other = fixtures::push_docker_image(&pusher, "team/app", "other").await;
    let lading = serve(&[&registry.host()]);
    let reference = format!("{}/team/app:v1", registry.host());
    // The blob exists in the same repository, but not in this image.
    let answer = get(
        &url(
            &lading,
            "/api/blob",
            &[("ref", &reference), ("digest", &other.layers[0].digest)],
        ),
        None,
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(error["kind"], "not_in_image", "{error:#}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("neither a layer nor the config")
    );
    // The blobs the image does have, config first.
    assert_eq!(
        error["suggestions"][0],
        pushed.config.digest.as_str(),
        "{error:#}"
    );
    let fetched_blobs = error["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["url"].as_str().unwrap().contains("/blobs/"))
        .count();
    assert_eq!(fetched_blobs, 0, "no blob was requested: {error:#}");
}

/// Downloads `/api/export` for `pairs` into `dir/image.tar` and returns its path.
async fn export(lading: &BackgroundServer, pairs: &[(&str, &str)], dir: &Path) -> String {
    let answer = get(&url(lading, "/api/export", pairs), None).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let length: u64 = answer.headers()[CONTENT_LENGTH]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let disposition = answer.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(disposition.contains(".tar\"; filename*="), "{disposition}");
    let bytes = answer.bytes().await.expect("whole archive");
    assert_eq!(bytes.len() as u64, length);
    let path = dir.join("image.tar");
    std::fs::write(&path, &bytes).unwrap();
    path.to_str().unwrap().to_string()
}

/// The JSON file `name` inside the tar at `archive`.
fn archive_json(archive: &str, name: &str) -> Value {
    let file = std::fs::File::open(archive).unwrap();
    for entry in tar::Archive::new(file).entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some(name) {
            return serde_json::from_reader(&mut entry).unwrap();
        }
    }
    panic!("{name} is not in {archive}")
}

/// Reads the archive back with skopeo as an OCI archive and as a Docker archive, copies it
/// out as an OCI image to a `dir:`, and compares every digest with what was pushed.
fn assert_skopeo_reads_back(archive: &str, pushed: &PushedImage, repo_tag: Option<&str>) {
    let layers: Vec<&str> = pushed.layers.iter().map(|l| l.digest.as_str()).collect();

    let oci: Value =
        serde_json::from_str(&skopeo(&["inspect", &format!("oci-archive:{archive}")])).unwrap();
    assert_eq!(oci["Digest"], pushed.manifest.digest.as_str(), "{oci:#}");
    assert_eq!(oci["Layers"], serde_json::json!(layers), "{oci:#}");

    // skopeo's docker-archive reader builds a schema2 manifest from `manifest.json`.
    let docker: Value =
        serde_json::from_str(&skopeo(&["inspect", &format!("docker-archive:{archive}")])).unwrap();
    // It names layers by their uncompressed digests (the config's diff_ids).
    assert_eq!(
        docker["Layers"], pushed.config_json["rootfs"]["diff_ids"],
        "{docker:#}"
    );
    assert_eq!(docker["Architecture"], oci["Architecture"]);
    let docker_manifest = archive_json(archive, "manifest.json");
    let config_path = format!(
        "blobs/sha256/{}",
        pushed.config.digest.trim_start_matches("sha256:")
    );
    assert_eq!(docker_manifest[0]["Config"], config_path.as_str());
    let repo_tags: Vec<&str> = repo_tag.into_iter().collect();
    assert_eq!(docker_manifest[0]["RepoTags"], serde_json::json!(repo_tags));

    // Reading the layers the way `docker load` does: through manifest.json.
    let out = tempfile::tempdir().unwrap();
    let loaded = out.path().join("loaded");
    let target = format!("dir:{}", loaded.display());
    skopeo(&[
        "copy",
        "--insecure-policy",
        &format!("docker-archive:{archive}"),
        &target,
    ]);
    let config_hex = pushed.config.digest.trim_start_matches("sha256:");
    let config = std::fs::read(loaded.join(config_hex)).expect("the config, loaded");
    assert_eq!(sha256(&config), pushed.config.digest);

    let target = format!("dir:{}", out.path().join("copy").display());
    skopeo(&[
        "copy",
        "--insecure-policy",
        &format!("oci-archive:{archive}"),
        &target,
    ]);
    let copy = out.path().join("copy");
    let manifest = std::fs::read(copy.join("manifest.json")).unwrap();
    assert_eq!(
        manifest, pushed.manifest_bytes,
        "the manifest is copied byte for byte"
    );
    for digest in layers
        .iter()
        .copied()
        .chain([pushed.config.digest.as_str()])
    {
        let hex = digest.trim_start_matches("sha256:");
        let bytes = std::fs::read(copy.join(hex)).unwrap();
        assert_eq!(sha256(&bytes), digest);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn export_of_an_oci_image_is_an_oci_layout_and_a_docker_archive() {
    let registry = Registry::plain();
    let pushed = fixtures::push_oci_image(&registry.pusher(), "team/app", "v1").await;
    let lading = serve(&[&registry.host()]);
    let reference = format!("{}/team/app:v1", registry.host());
    let dir = tempfile::tempdir().unwrap();
    let archive = export(&lading, &[("ref", &reference)], dir.path()).await;
    assert_skopeo_reads_back(&archive, &pushed, Some(&reference));

    // The layout's own files, as other tools (containerd, docker load) read them.
    let file = std::fs::File::open(&archive).unwrap();
    let names: Vec<String> = tar::Archive::new(file)
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_str().unwrap().to_string())
        .collect();
    assert_eq!(names[..3], ["oci-layout", "index.json", "manifest.json"]);
    let index = archive_json(&archive, "index.json");
    let annotations = &index["manifests"][0]["annotations"];
    assert_eq!(annotations["org.opencontainers.image.ref.name"], "v1");
    assert_eq!(annotations["io.containerd.image.name"], reference.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn export_of_a_docker_v2_image_keeps_its_media_types() {
    let registry = Registry::plain();
    let pushed = fixtures::push_docker_image(&registry.pusher(), "lib/tool", "2.1").await;
    let lading = serve(&[&registry.host()]);
    let reference = format!("{}/lib/tool:2.1", registry.host());
    let dir = tempfile::tempdir().unwrap();
    let archive = export(&lading, &[("ref", &reference)], dir.path()).await;
    assert_skopeo_reads_back(&archive, &pushed, Some(&reference));
}

#[tokio::test(flavor = "multi_thread")]
async fn export_of_one_platform_of_an_index() {
    let registry = Registry::plain();
    let pushed =
        fixtures::push_oci_index_with_attestation(&registry.pusher(), "team/multi", "v1").await;
    let lading = serve(&[&registry.host()]);
    let reference = format!("{}/team/multi:v1", registry.host());
    let platform = pushed.linux_arm64_v8.manifest.digest.as_str();
    let dir = tempfile::tempdir().unwrap();
    let archive = export(
        &lading,
        &[("ref", &reference), ("platform", platform)],
        dir.path(),
    )
    .await;
    assert_skopeo_reads_back(&archive, &pushed.linux_arm64_v8, Some(&reference));

    // By digest there is no tag: the archive is untagged but still complete.
    let by_digest = format!(
        "{}/team/multi@{}",
        registry.host(),
        pushed.linux_amd64.manifest.digest
    );
    let dir = tempfile::tempdir().unwrap();
    let archive = export(&lading, &[("ref", &by_digest)], dir.path()).await;
    assert_skopeo_reads_back(&archive, &pushed.linux_amd64, None);

    // Without a platform the index is ambiguous: a clear error before any byte is sent.
    let answer = get(&url(&lading, "/api/export", &[("ref", &reference)]), None).await;
    assert_eq!(answer.status(), StatusCode::MULTIPLE_CHOICES);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(error["kind"], "choose_platform", "{error:#}");
    assert_eq!(
        error["candidates"].as_array().unwrap().len(),
        3,
        "{error:#}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("choose a platform"),
        "{error:#}"
    );
}
