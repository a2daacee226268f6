//! Size caps on what a registry sends (issue 4): each scripted upstream on loopback sends
//! one thing too many or too large, and Lading answers with a typed `too_large` error (or, for
//! previews, a cut marked `truncated`) instead of reading on. Caps too costly to reach in a
//! test (tag pages, entries, the bomb threshold) are shrunk through `Settings::limits`.

use crate::support;

use crate::support::{Answer, Lading, encode};
use lading::Settings;
use lading::limits::Limits;
use lading_shared::layer::ListingEvent;
use lading_shared::manifest::MAX_MANIFEST_BYTES;
use lading_testkit::fixtures::{Blob, LayerBuilder, LayerCompression, media_types};
use lading_testkit::{Canned, ScriptedRegistry, TagScript};
use serde_json::{Value, json};

const REPO: &str = "team/app";

fn lading(registry: &ScriptedRegistry, limits: Limits) -> Lading {
    Lading::with(Settings {
        allow_hosts: vec![registry.host().parse().unwrap()],
        limits,
        ..Settings::default()
    })
}

/// A `lading` whose layer engine runs with `layers`.
fn lading_with_layers(
    registry: &ScriptedRegistry,
    layers: lading::layers::listing::LayerLimits,
) -> Lading {
    Lading::with(Settings {
        allow_hosts: vec![registry.host().parse().unwrap()],
        layers,
        ..Settings::default()
    })
}

fn assert_too_large(answer: &Answer, says: &str) {
    assert_eq!(answer.status, 502, "{:?}", answer.json);
    assert_eq!(answer.kind(), "too_large", "{:?}", answer.json);
    let message = answer.json["message"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
}

/// Serves an image of `config` and `layers` as `REPO:v1`.
fn serve_image(registry: &ScriptedRegistry, config: &Blob, layers: &[Blob]) {
    let descriptor = |b: &Blob| b.descriptor().to_json();
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": media_types::OCI_MANIFEST,
        "config": descriptor(config),
        "layers": layers.iter().map(descriptor).collect::<Vec<Value>>(),
    });
    registry.respond(
        &format!("/v2/{REPO}/manifests/v1"),
        Canned::json(200, &manifest).header("content-type", media_types::OCI_MANIFEST),
    );
    for blob in std::iter::once(config).chain(layers) {
        registry.respond(
            &format!("/v2/{REPO}/blobs/{}", blob.digest()),
            Canned::new(200, "application/octet-stream", blob.bytes.clone()),
        );
    }
}

fn config() -> Blob {
    Blob::json(
        media_types::OCI_CONFIG,
        &json!({"architecture": "amd64", "os": "linux"}),
    )
}

fn reference(registry: &ScriptedRegistry) -> String {
    encode(&format!("{}/{REPO}:v1", registry.host()))
}

#[tokio::test]
async fn a_manifest_over_4_mib_is_refused() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 0));
    let body = vec![b' '; MAX_MANIFEST_BYTES + 1];
    registry.respond(
        &format!("/v2/{REPO}/manifests/v1"),
        Canned::new(200, media_types::OCI_MANIFEST, body),
    );
    let lading = lading(&registry, Limits::default());
    let answer = lading
        .get(&format!("/api/image?ref={}", reference(&registry)), None)
        .await;
    assert_too_large(
        &answer,
        &format!("manifest is larger than the {MAX_MANIFEST_BYTES}-byte"),
    );
}

#[tokio::test]
async fn a_config_over_4_mib_is_refused_even_when_its_descriptor_says_less() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 0));
    let big = Blob::new(media_types::OCI_CONFIG, vec![b' '; 4 * 1024 * 1024 + 1]);
    // The descriptor claims 2 bytes (its digest is right): only reading finds the truth.
    let mut manifest_config = big.descriptor().to_json();
    manifest_config["size"] = json!(2);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": media_types::OCI_MANIFEST,
        "config": manifest_config,
        "layers": [],
    });
    registry.respond(
        &format!("/v2/{REPO}/manifests/v1"),
        Canned::json(200, &manifest).header("content-type", media_types::OCI_MANIFEST),
    );
    registry.respond(
        &format!("/v2/{REPO}/blobs/{}", big.digest()),
        Canned::new(200, "application/octet-stream", big.bytes.clone()),
    );
    let lading = lading(&registry, Limits::default());
    let answer = lading
        .get(&format!("/api/image?ref={}", reference(&registry)), None)
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.json);
    let error = answer.json["config_error"].as_str().unwrap();
    assert!(
        error.contains("config blob is larger than the 4194304-byte limit"),
        "{error}"
    );
}

#[tokio::test]
async fn tag_lists_stop_at_their_page_and_tag_caps() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 40).page_size(2));
    let path = format!(
        "/api/tags?repo={}",
        encode(&format!("{}/{REPO}", registry.host()))
    );
    let few_pages = Limits {
        tag_pages: 5,
        ..Limits::default()
    };
    let answer = lading(&registry, few_pages).get(&path, None).await;
    assert_too_large(&answer, "more than 5 tag list pages");
    assert_eq!(
        registry.request_count(),
        1 + 5,
        "ping and five pages, no more"
    );

    let few_tags = Limits {
        tags: 15,
        ..Limits::default()
    };
    let answer = lading(&registry, few_tags).get(&path, None).await;
    assert_too_large(&answer, "more than 15 tags in the tag list");
}

#[tokio::test]
async fn a_redirect_loop_stops_after_5_hops() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 0));
    let config = config();
    serve_image(&registry, &config, &[]);
    let blob_path = format!("/v2/{REPO}/blobs/{}", config.digest());
    registry.respond(
        &blob_path,
        Canned::new(307, "text/plain", "").header("location", &blob_path),
    );
    let answer = lading(&registry, Limits::default())
        .get(&format!("/api/image?ref={}", reference(&registry)), None)
        .await;
    let error = answer.json["config_error"].as_str().unwrap();
    assert!(error.contains("more than 5 redirects"), "{error}");
    let hops = registry
        .requests()
        .iter()
        .filter(|r| r.contains("/blobs/"))
        .count();
    assert_eq!(hops, 6, "the first GET and five redirects followed");
}

/// Lists the only layer of the image and returns the stream's last event.
async fn list_layer(lading: &Lading, registry: &ScriptedRegistry, layer: &Blob) -> ListingEvent {
    let path = format!(
        "/api/layer?ref={}&digest={}",
        reference(registry),
        encode(&layer.digest())
    );
    support::Listing::parse(&lading.get_raw(&path).await).last
}

fn assert_listing_refused(last: &ListingEvent, says: &str) {
    let ListingEvent::Error(error) = last else {
        panic!("the listing should fail: {last:?}")
    };
    assert_eq!(
        error.kind,
        lading_shared::api::ErrorKind::TooLarge,
        "{error:?}"
    );
    assert!(error.message.contains(says), "{}", error.message);
}

#[tokio::test]
async fn a_layer_with_too_many_entries_stops_listing() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 0));
    let layer = (0..5)
        .fold(LayerBuilder::new(), |b, i| b.file(&format!("f{i}"), "x"))
        .build_with(LayerCompression::Gzip)
        .blob;
    serve_image(&registry, &config(), std::slice::from_ref(&layer));
    let limits = lading::layers::listing::LayerLimits {
        entries: 3,
        ..Default::default()
    };
    let last = list_layer(&lading_with_layers(&registry, limits), &registry, &layer).await;
    assert_listing_refused(&last, "more than 3 entries in the layer");
}

#[tokio::test]
async fn gzip_and_zstd_bombs_are_refused_by_ratio_past_the_threshold() {
    // 32 MiB of zeros: deflate makes it ~32 KiB (1000:1), zstd smaller still.
    let zeros = LayerBuilder::new().file("zeros", vec![0u8; 32 << 20]);
    for compression in [LayerCompression::Gzip, LayerCompression::Zstd] {
        let registry = ScriptedRegistry::start(TagScript::new(REPO, 0));
        let layer = zeros.build_with(compression).blob;
        serve_image(&registry, &config(), std::slice::from_ref(&layer));
        let limits = lading::layers::listing::LayerLimits {
            bomb_threshold: 8 << 20,
            ..Default::default()
        };
        let last = list_layer(&lading_with_layers(&registry, limits), &registry, &layer).await;
        assert_listing_refused(&last, "compression bomb");

        // Under the threshold the same layer lists: sparse files are not bombs by themselves.
        let last = list_layer(&lading(&registry, Limits::default()), &registry, &layer).await;
        assert!(
            matches!(last, ListingEvent::Done(_)),
            "{compression:?}: {last:?}"
        );
    }
}

#[tokio::test]
async fn a_preview_is_cut_at_1_mib() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 0));
    let layer = LayerBuilder::new()
        .file("big.txt", vec![b'a'; 2 << 20])
        .build_with(LayerCompression::Gzip)
        .blob;
    serve_image(&registry, &config(), std::slice::from_ref(&layer));
    let path = format!(
        "/api/file?ref={}&digest={}&path=/big.txt&preview={}",
        reference(&registry),
        encode(&layer.digest()),
        2 << 20
    );
    let answer = lading(&registry, Limits::default()).get(&path, None).await;
    assert_eq!(answer.status, 200, "{:?}", answer.json);
    assert_eq!(answer.json["truncated"], true);
    let shown = answer.json["content_base64"].as_str().unwrap();
    assert_eq!(shown.len(), (1usize << 20).div_ceil(3) * 4, "1 MiB, base64");
}
