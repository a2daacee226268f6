//! SLSA provenance (v0.2 and v1, as BuildKit, GitHub and others write it) summarised: who
//! built it, from what source, with which arguments, from which materials — each
//! `pkg:docker/…` material also as the image reference Lading can open.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::SupplyError;
use super::decode::{str_at, text};
use super::dsse::decode_attestation;
use super::purl::purl_image_reference;
use crate::Reference;

pub const SLSA_PROVENANCE_V0_2: &str = "https://slsa.dev/provenance/v0.2";
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
pub const BUILDKIT_BUILD_TYPE: &str = "https://mobyproject.org/buildkit@v1";
/// The most materials (resolved dependencies) kept.
pub const MAX_MATERIALS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlsaVersion {
    V0_2,
    V1,
}

/// BuildKit's provenance mode: `max` records the build steps (`buildConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildkitMode {
    Min,
    Max,
}

/// A provenance predicate, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub version: SlsaVersion,
    pub builder_id: Option<String>,
    pub build_type: Option<String>,
    /// The source repository and commit: BuildKit's VCS metadata, else the config source.
    pub source_repository: Option<String>,
    pub source_commit: Option<String>,
    /// The config source's URI as written (`https://github.com/org/repo.git#main`).
    pub config_source: Option<String>,
    /// The Dockerfile (or other entry point) path.
    pub entry_point: Option<String>,
    /// `dockerfile.v0`, `gateway.v0`…
    pub frontend: Option<String>,
    /// The frontend's arguments (`build-arg:VERSION` = `1.2`); non-strings as JSON.
    pub build_args: BTreeMap<String, String>,
    /// The platform the build ran for/on, when recorded.
    pub platform: Option<String>,
    pub started: Option<String>,
    pub finished: Option<String>,
    pub invocation_id: Option<String>,
    pub reproducible: Option<bool>,
    pub materials: Vec<Material>,
    pub materials_dropped: usize,
    /// For BuildKit's build type: min or max, by whether `buildConfig` is present.
    pub buildkit_mode: Option<BuildkitMode>,
}

/// A material / resolved dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub uri: String,
    pub digest: BTreeMap<String, String>,
    /// For `pkg:docker/…`: the image it names, with its digest pinned when given
    /// (`docker.io/library/alpine:latest@sha256:…`).
    pub image: Option<String>,
}

/// Summarises a predicate of `predicate_type` (v0.2 or v1).
pub fn decode_provenance(
    predicate_type: &str,
    predicate: &Value,
) -> Result<Provenance, SupplyError> {
    match predicate_type.trim_end_matches('/') {
        SLSA_PROVENANCE_V0_2 => Ok(v0_2(predicate)),
        SLSA_PROVENANCE_V1 => Ok(v1(predicate)),
        other => Err(SupplyError::NotProvenance(other.to_string())),
    }
}

/// Summarises a provenance attestation blob: a Statement, bare or DSSE-wrapped.
pub fn decode_provenance_attestation(bytes: &[u8]) -> Result<Provenance, SupplyError> {
    let statement = decode_attestation(bytes)?;
    decode_provenance(&statement.predicate_type, &statement.predicate)
}

fn v0_2(p: &Value) -> Provenance {
    let invocation = &p["invocation"];
    let config = &invocation["configSource"];
    let parameters = &invocation["parameters"];
    let metadata = &p["metadata"];
    let vcs = &metadata["https://mobyproject.org/buildkit@v1#metadata"]["vcs"];
    let build_type = owned(p, "buildType");
    Provenance {
        version: SlsaVersion::V0_2,
        builder_id: owned(&p["builder"], "id"),
        buildkit_mode: mode(build_type.as_deref(), &p["buildConfig"]),
        build_type,
        source_repository: owned(vcs, "source").or_else(|| owned(config, "uri")),
        source_commit: owned(vcs, "revision").or_else(|| commit(&config["digest"])),
        config_source: owned(config, "uri"),
        entry_point: owned(config, "entryPoint"),
        frontend: owned(parameters, "frontend"),
        build_args: args(&parameters["args"]),
        platform: owned(&invocation["environment"], "platform"),
        started: owned(metadata, "buildStartedOn"),
        finished: owned(metadata, "buildFinishedOn"),
        invocation_id: owned(metadata, "buildInvocationID")
            .or_else(|| owned(metadata, "buildInvocationId")),
        reproducible: metadata["reproducible"].as_bool(),
        materials: materials(&p["materials"]),
        materials_dropped: dropped(&p["materials"]),
    }
}

fn v1(p: &Value) -> Provenance {
    let definition = &p["buildDefinition"];
    let external = &definition["externalParameters"];
    let internal = &definition["internalParameters"];
    let config = &external["configSource"];
    let request = &external["request"];
    let run = &p["runDetails"];
    let metadata = &run["metadata"];
    let vcs = &metadata["buildkit_metadata"]["vcs"];
    let build_type = owned(definition, "buildType");
    let dependencies = &definition["resolvedDependencies"];
    Provenance {
        version: SlsaVersion::V1,
        builder_id: owned(&run["builder"], "id"),
        buildkit_mode: mode(build_type.as_deref(), &internal["buildConfig"]),
        build_type,
        source_repository: owned(vcs, "source").or_else(|| owned(config, "uri")),
        source_commit: owned(vcs, "revision").or_else(|| commit(&config["digest"])),
        config_source: owned(config, "uri"),
        entry_point: owned(config, "path"),
        frontend: owned(request, "frontend"),
        build_args: args(&request["args"]),
        platform: owned(internal, "builderPlatform"),
        started: owned(metadata, "startedOn"),
        finished: owned(metadata, "finishedOn"),
        invocation_id: owned(metadata, "invocationID").or_else(|| owned(metadata, "invocationId")),
        reproducible: metadata["buildkit_reproducible"].as_bool(),
        materials: materials(dependencies),
        materials_dropped: dropped(dependencies),
    }
}

fn owned(value: &Value, key: &str) -> Option<String> {
    str_at(value, key)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A git commit from a digest map: `sha1` (v0.2, BuildKit) or `gitCommit` (v1 convention).
fn commit(digest: &Value) -> Option<String> {
    owned(digest, "sha1").or_else(|| owned(digest, "gitCommit"))
}

fn mode(build_type: Option<&str>, build_config: &Value) -> Option<BuildkitMode> {
    let buildkit = build_type.is_some_and(|t| t.starts_with(BUILDKIT_BUILD_TYPE));
    buildkit.then_some(if build_config.is_null() {
        BuildkitMode::Min
    } else {
        BuildkitMode::Max
    })
}

fn args(args: &Value) -> BTreeMap<String, String> {
    args.as_object()
        .map(|a| a.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default()
}

fn materials(list: &Value) -> Vec<Material> {
    let Some(list) = list.as_array() else {
        return Vec::new();
    };
    list.iter()
        .take(MAX_MATERIALS)
        .filter_map(|m| {
            let uri = str_at(m, "uri")?.to_string();
            let digest: BTreeMap<String, String> = m["digest"]
                .as_object()
                .map(|d| d.iter().map(|(k, v)| (k.clone(), text(v))).collect())
                .unwrap_or_default();
            let image = purl_image_reference(&uri).map(|image| pin(image, &digest));
            Some(Material { uri, digest, image })
        })
        .collect()
}

/// The image pinned to the material's sha256 when the purl did not pin it already and the
/// digest is a valid one.
fn pin(image: String, digest: &BTreeMap<String, String>) -> String {
    match digest.get("sha256").filter(|_| !image.contains('@')) {
        Some(hex) => Reference::parse(&format!("{image}@sha256:{hex}"))
            .map_or(image, |pinned| pinned.to_string()),
        None => image,
    }
}

fn dropped(list: &Value) -> usize {
    list.as_array()
        .map_or(0, |l| l.len().saturating_sub(MAX_MATERIALS))
}

#[cfg(test)]
mod tests;
