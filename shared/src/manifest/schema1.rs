//! Docker schema 1 manifests (deprecated, still served by old registries).
//!
//! Layers and history are newest-first; the image config lives in JSON strings inside
//! `history[].v1Compatibility`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::config::ImageConfig;
use crate::digest::Digest;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema1Manifest {
    #[serde(default)]
    pub schema_version: u32,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub architecture: String,
    #[serde(default, deserialize_with = "crate::serde_util::null_as_default")]
    pub fs_layers: Vec<FsLayer>,
    #[serde(default, deserialize_with = "crate::serde_util::null_as_default")]
    pub history: Vec<V1History>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FsLayer {
    pub blob_sum: Digest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V1History {
    #[serde(default)]
    pub v1_compatibility: String,
}

/// One `v1Compatibility` entry's fields that matter for display.
#[derive(Debug, Clone, Default, Deserialize)]
struct V1Compatibility {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    container_config: Option<V1ContainerConfig>,
    #[serde(default)]
    throwaway: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct V1ContainerConfig {
    #[serde(rename = "Cmd", default)]
    cmd: Option<Vec<String>>,
}

impl Schema1Manifest {
    /// The image config: the newest `v1Compatibility` entry has the same shape, and its
    /// history is rebuilt oldest-first from all entries.
    pub fn image_config(&self) -> Option<ImageConfig> {
        let newest = self.history.first()?;
        let mut config: ImageConfig = serde_json::from_str(&newest.v1_compatibility).ok()?;
        config.history = self
            .history
            .iter()
            .rev()
            .map(|h| {
                let v1: V1Compatibility =
                    serde_json::from_str(&h.v1_compatibility).unwrap_or_default();
                crate::config::History {
                    created: v1.created,
                    created_by: v1.container_config.and_then(|c| c.cmd).map(|c| c.join(" ")),
                    empty_layer: v1.throwaway,
                    ..Default::default()
                }
            })
            .collect();
        Some(config)
    }

    /// Layer digests oldest-first (throwaway steps list the empty tar here too).
    pub fn layers_oldest_first(&self) -> Vec<&Digest> {
        self.fs_layers.iter().rev().map(|l| &l.blob_sum).collect()
    }
}

/// The bytes a signed schema-1 manifest's digest is computed over: the JWS payload with
/// the signatures stripped (`protected.formatLength` bytes, then `formatTail`). Unsigned
/// manifests hash as they are, so `None` is returned for them.
pub fn schema1_digest_payload(bytes: &[u8]) -> Option<Vec<u8>> {
    #[derive(Deserialize)]
    struct Signed {
        signatures: Vec<Signature>,
    }
    #[derive(Deserialize)]
    struct Signature {
        protected: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Protected {
        format_length: usize,
        format_tail: String,
    }
    let signed: Signed = serde_json::from_slice(bytes).ok()?;
    let protected = &signed.signatures.first()?.protected;
    let protected = URL_SAFE_NO_PAD
        .decode(protected.trim_end_matches('='))
        .ok()?;
    let protected: Protected = serde_json::from_slice(&protected).ok()?;
    let tail = URL_SAFE_NO_PAD
        .decode(protected.format_tail.trim_end_matches('='))
        .ok()?;
    let mut payload = bytes.get(..protected.format_length)?.to_vec();
    payload.extend_from_slice(&tail);
    Some(payload)
}
