//! The harness against a plain `docker-registry`: what is pushed comes back byte for byte.

use lading_testkit::Registry;
use lading_testkit::fixtures::media_types::{ACCEPT_ANY_MANIFEST, OCI_MANIFEST};
use lading_testkit::fixtures::{XSS_LABEL_KEY, XSS_LABEL_VALUE, push_oci_image, sha256_digest};
use serde_json::Value;

#[tokio::test]
async fn pushed_oci_image_is_listed_and_served_byte_for_byte() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let image = push_oci_image(&pusher, "lading/app", "1.0.0").await;
    let http = pusher.http();

    let tags: Value = http
        .get(format!("{}/v2/lading/app/tags/list", registry.base_url()))
        .send()
        .await
        .expect("tags/list")
        .json()
        .await
        .expect("tags JSON");
    assert_eq!(tags["name"], "lading/app");
    assert_eq!(tags["tags"], serde_json::json!(["1.0.0"]));

    let response = http
        .get(format!(
            "{}/v2/lading/app/manifests/1.0.0",
            registry.base_url()
        ))
        .header("accept", OCI_MANIFEST)
        .send()
        .await
        .expect("manifest GET");
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response.headers()[name]
            .to_str()
            .expect("ASCII header")
            .to_owned()
    };
    assert_eq!(header("content-type"), OCI_MANIFEST);
    assert_eq!(header("docker-content-digest"), image.manifest.digest);
    let bytes = response.bytes().await.expect("manifest body");
    assert_eq!(bytes.as_ref(), image.manifest_bytes.as_slice());
    assert_eq!(sha256_digest(&bytes), image.manifest.digest);

    let config = &image.config_json["config"];
    assert_eq!(config["Labels"][XSS_LABEL_KEY], XSS_LABEL_VALUE);
    let history = image.config_json["history"].as_array().expect("history");
    let non_empty = history.iter().filter(|h| h["empty_layer"] != true).count();
    assert_eq!(non_empty, image.layers.len(), "history aligns with layers");
}

#[tokio::test]
async fn oci_manifest_without_oci_accept_is_404_on_distribution() {
    // A quirk PROTOCOL.md records; pinned here so the harness notices if the registry changes.
    let registry = Registry::plain();
    let pusher = registry.pusher();
    push_oci_image(&pusher, "quirk", "t").await;
    let url = format!("{}/v2/quirk/manifests/t", registry.base_url());
    let without = pusher.http().get(&url).send().await.expect("GET");
    assert_eq!(without.status(), 404);
    let with = pusher
        .http()
        .get(&url)
        .header("accept", ACCEPT_ANY_MANIFEST)
        .send()
        .await
        .expect("GET");
    assert_eq!(with.status(), 200);
}

#[tokio::test]
async fn layers_are_served_as_pushed() {
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let image = push_oci_image(&pusher, "blobs", "t").await;
    for layer in &image.layers {
        let url = format!("{}/v2/blobs/blobs/{}", registry.base_url(), layer.digest);
        let body = pusher
            .http()
            .get(&url)
            .send()
            .await
            .expect("blob GET")
            .bytes()
            .await
            .expect("blob body");
        assert_eq!(body.len() as u64, layer.size);
        assert_eq!(sha256_digest(&body), layer.digest);
    }
    assert!(
        registry
            .storage_dir()
            .join("docker/registry/v2/repositories/blobs")
            .is_dir()
    );
}
