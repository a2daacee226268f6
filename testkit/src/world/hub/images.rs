//! Images written straight into the World's [`Store`]: config and layer blobs, then the
//! manifest bytes with fields in a real manifest's order (Docker Hub has no push path a test
//! would use, and building in memory keeps the world quick to start).

use serde::Serialize;
use serde_json::Value;

use crate::fixtures::{Blob, Descriptor};
use crate::world::store::Store;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImageManifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    config: &'a Descriptor,
    layers: &'a [Descriptor],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexManifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    manifests: &'a [Descriptor],
}

/// What [`put_image`] stored.
#[derive(Clone, Debug)]
pub struct StoredImage {
    pub manifest: Descriptor,
}

/// Stores config, layers and the manifest; by `tag` when given, else by digest only.
pub fn put_image(
    store: &Store,
    repo: &str,
    tag: Option<&str>,
    manifest_type: &str,
    config: &Blob,
    layers: &[Blob],
) -> StoredImage {
    store.put_blob(repo, config.bytes.clone());
    let mut descriptors = Vec::new();
    for layer in layers {
        store.put_blob(repo, layer.bytes.clone());
        descriptors.push(layer.descriptor());
    }
    let bytes = serde_json::to_vec_pretty(&ImageManifest {
        schema_version: 2,
        media_type: manifest_type,
        config: &config.descriptor(),
        layers: &descriptors,
    })
    .expect("manifest serialises");
    StoredImage {
        manifest: put_manifest(store, repo, tag, manifest_type, bytes),
    }
}

/// Stores an index (or manifest list) of `entries`, which must already be stored.
pub fn put_index(
    store: &Store,
    repo: &str,
    tag: &str,
    media_type: &str,
    entries: &[Descriptor],
) -> Descriptor {
    let bytes = serde_json::to_vec_pretty(&IndexManifest {
        schema_version: 2,
        media_type,
        manifests: entries,
    })
    .expect("index serialises");
    put_manifest(store, repo, Some(tag), media_type, bytes)
}

fn put_manifest(
    store: &Store,
    repo: &str,
    tag: Option<&str>,
    media_type: &str,
    bytes: Vec<u8>,
) -> Descriptor {
    let descriptor = Descriptor::new(media_type, &bytes);
    store.put_manifest(repo, tag.unwrap_or(&descriptor.digest), media_type, bytes);
    descriptor
}

/// A platform object as a manifest list entry carries it.
pub fn platform_json(os: &str, arch: &str, variant: Option<&str>) -> Value {
    let mut platform = serde_json::json!({ "architecture": arch, "os": os });
    if let Some(variant) = variant {
        platform["variant"] = Value::from(variant);
    }
    platform
}
