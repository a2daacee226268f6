//! `Manifest::decode(bytes, content_type)` and image-config decoding.
//!
//! Input: the first byte picks the mode, the rest is the body. Modes 0..N pass each known
//! Content-Type (plus `application/json` and `text/plain`, which servers send too), N passes
//! none, N+1 decodes the body as an `ImageConfig` and aligns its history with some layers.
//!
//! Asserts: no panic; a decoded manifest survives the JSON round trip the API makes (proxy
//! serialises `Manifest`, frontend deserialises it); history rows name every layer exactly
//! once, in order; a config survives the round trip too (floats inside its raw-JSON fields
//! only to 1e-12, see `take_opaque`).

#![no_main]

use lading_shared::{Descriptor, ImageConfig, Manifest, history_rows};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

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
    let mut back: ImageConfig =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json} does not deserialise: {e}"));
    let mut config = config;
    let opaque = take_opaque(&mut config).unwrap_or_default();
    let back_opaque = take_opaque(&mut back).unwrap_or_default();
    assert_eq!(back, config, "{json}");
    assert!(close(&opaque, &back_opaque), "{json}");
}

/// The Docker-only fields kept as raw JSON (`Healthcheck`, `ExposedPorts`, `Volumes`): their
/// floats go through serde_json's default best-effort float parsing (no `float_roundtrip`
/// feature), so `3.0000008e+88` comes back as `3.0000007999999998e+88`. Compared apart.
fn take_opaque(config: &mut ImageConfig) -> Option<Value> {
    let c = config.config.as_mut()?;
    Some(serde_json::json!([
        c.healthcheck.take(),
        std::mem::take(&mut c.exposed_ports),
        std::mem::take(&mut c.volumes),
    ]))
}

/// Equal, except that floats may differ in their last bits.
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && close(x, y))
        }
        (x, y) => x == y,
    }
}
