//! `Manifest::decode(bytes, content_type)` and image-config decoding.
//!
//! Input: the first byte picks the mode, the rest is the body. Modes 0..N pass each known
//! Content-Type (plus `application/json` and `text/plain`, which servers send too), N passes
//! none, N+1 decodes the body as an `ImageConfig` and aligns its history with some layers.
//!
//! Asserts: no panic; a decoded manifest survives the JSON round trip the API makes (proxy
//! serialises `Manifest`, frontend deserialises it); history rows name every layer exactly
//! once, in order.

#![no_main]

use lading_shared::{Descriptor, ImageConfig, Manifest, history_rows};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 10] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.oci.image.config.v1+json",
    "application/json",
    "text/plain; charset=utf-8",
    "application/vnd.oci.image.manifest.v1+json; charset=utf-8",
];
const LAYER: &str = r#"{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",
  "digest":"sha256:2804bad6fe94a55f18b2b37e300919a5fd517b95aa81e95db574c0ba069a3740","size":1}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let mode = usize::from(mode) % (CONTENT_TYPES.len() + 2);
    if mode == CONTENT_TYPES.len() + 1 {
        return config(body);
    }
    let content_type = CONTENT_TYPES.get(mode).copied();
    if let Ok((media_type, manifest)) = Manifest::decode(body, content_type) {
        assert!(media_type.is_manifest(), "{media_type:?}");
        let json = serde_json::to_string(&manifest).expect("a manifest serialises");
        let back: Manifest = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{json} does not deserialise: {e}"));
        assert_eq!(back, manifest, "{json}");
    }
});

fn config(body: &[u8]) {
    let Some((&layers, body)) = body.split_first() else {
        return;
    };
    let Ok(config) = serde_json::from_slice::<ImageConfig>(body) else {
        return;
    };
    let layer: Descriptor = serde_json::from_str(LAYER).expect("the fixture layer decodes");
    let layers = vec![layer; usize::from(layers % 16)];
    let rows = history_rows(&config.history, &layers);
    let named: Vec<usize> = rows.iter().filter_map(|r| r.layer).collect();
    assert_eq!(named, (0..layers.len()).collect::<Vec<_>>());
    assert!(rows.len() >= config.history.len());
    let json = serde_json::to_string(&config).expect("a config serialises");
    let back: ImageConfig = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{json} does not deserialise: {e}"));
    assert_eq!(back, config, "{json}");
}
