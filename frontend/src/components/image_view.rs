//! A single manifest: a container image (config, history aligned with layers, layers) or an
//! artifact (Helm chart, SBOM, signature, attestation, anything with its own config type or
//! non-tar layers), shown generically so unknown kinds never break the page: no config
//! fields, no filesystem buttons, its small JSON and text layers inline.

use lading_shared::api::ConfigBlob;
use lading_shared::{ImageManifest, Reference, history_rows};
use leptos::prelude::*;

use crate::components::artifact_preview::ArtifactPreview;
use crate::components::config_summary::ConfigSummary;
use crate::components::digest_label::DigestLabel;
use crate::components::history_table::{HistoryTable, LayerRef};
use crate::components::key_value_table::KeyValueTable;
use crate::components::layer_table::LayerTable;
use crate::format::human_size;
use crate::layer_links::{Source, Subject};
use crate::links::image_href;

#[component]
pub fn ImageView(
    /// Pinned to the manifest's digest: layer links must keep naming these layers.
    reference: Reference,
    manifest: ImageManifest,
    config: Option<ConfigBlob>,
    config_error: Option<String>,
    /// The index (pinned) this image was chosen from: the layer views keep it, with this
    /// image as their `platform`.
    #[prop(default = None)]
    from_index: Option<Reference>,
) -> impl IntoView {
    let container = manifest.is_runnable();
    let (base, platform) = match from_index {
        Some(index) => (index, reference.digest.clone()),
        None => (reference.clone(), None),
    };
    let merged = Subject {
        reference: base.clone(),
        platform: platform.clone(),
        source: Source::Merged,
    };
    let image_config = config.as_ref().and_then(|c| c.image.clone());
    let warnings = config_warnings(container, config.as_ref(), config_error);
    let annotations: Vec<(String, String)> = manifest
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let main = match image_config.filter(|_| container) {
        // The warning says why there is nothing to show.
        None if container => ().into_any(),
        Some(image_config) => {
            let rows = history_rows(&image_config.history, &manifest.layers);
            let layers = manifest
                .layers
                .iter()
                .map(|l| LayerRef {
                    digest: l.digest.clone(),
                    size: Some(l.size),
                })
                .collect();
            view! {
                <ConfigSummary config=image_config />
                <HistoryTable rows layers image=merged />
            }
            .into_any()
        }
        None => view! { <ArtifactSummary reference=reference.clone() manifest=manifest.clone() /> }
            .into_any(),
    };
    view! {
        {(!warnings.is_empty()).then(|| view! {
            <div class="notice warning" role="note">
                {warnings.into_iter().map(|w| view! { <p>{w}</p> }).collect_view()}
            </div>
        })}
        {main}
        <LayerTable layers=manifest.layers reference=base platform browsable=container />
        {(!annotations.is_empty()).then(|| view! {
            <section class="card"><h2>"Annotations"</h2><KeyValueTable entries=annotations /></section>
        })}
    }
}

/// Things about the config blob a person should know before trusting the summary.
fn config_warnings(
    container: bool,
    config: Option<&ConfigBlob>,
    error: Option<String>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    match config {
        None if container => warnings.push(format!(
            "The config blob could not be fetched ({}), so there is no configuration or history to show.",
            error.as_deref().unwrap_or("no reason given")
        )),
        None => {}
        Some(blob) => {
            if let Some(error) = blob.parse_error.as_ref().filter(|_| container) {
                warnings.push(format!("The config blob could not be read as an image config: {error}"));
            }
        }
    }
    warnings
}

/// What an artifact is: its type, its config descriptor, what it refers to, and its small
/// text layers inline.
#[component]
fn ArtifactSummary(reference: Reference, manifest: ImageManifest) -> impl IntoView {
    let config = manifest.config.clone();
    let subject = manifest.subject.clone();
    let (kind, kind_source) = artifact_kind(&manifest);
    let image = reference.to_string();
    let previews = manifest
        .layers
        .iter()
        .map(|layer| {
            view! { <ArtifactPreview image=image.clone() registry=reference.registry.clone() layer=layer.clone() /> }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="artifact-summary">
            <h2>"Artifact"</h2>
            <p class="muted small">
                "Not a runnable image: registries also store attestations, SBOMs, signatures,                  Helm charts and other content in the same manifest format, told apart by their                  types. There is no filesystem to browse or export."
            </p>
            <dl class="summary">
                <dt>"Artifact type"</dt>
                <dd><code data-testid="artifact-type">{kind}</code> " " <span class="muted small">{kind_source}</span></dd>
                <dt>"Config"</dt>
                <dd>
                    <code>{config.media_type.to_string()}</code> " · " {human_size(config.size)} " · "
                    <DigestLabel digest=config.digest />
                </dd>
                {subject.map(|s| {
                    let href = image_href(&reference.pinned(&s.digest));
                    view! {
                        <dt>"Subject"</dt>
                        <dd>"Refers to " <DigestLabel digest=s.digest href=href /></dd>
                    }
                })}
            </dl>
            {previews}
        </section>
    }
}

/// The artifact's type and where it was read from: `artifactType`, else the config media
/// type unless it is an image config, else the first layer's media type (BuildKit
/// attestations: `application/vnd.in-toto+json`).
fn artifact_kind(manifest: &ImageManifest) -> (String, &'static str) {
    if let Some(kind) = &manifest.artifact_type {
        return (kind.clone(), "(artifactType)");
    }
    if !manifest.config.media_type.is_image_config() {
        return (
            manifest.config.media_type.to_string(),
            "(config media type)",
        );
    }
    match manifest.layers.first() {
        Some(layer) => (layer.media_type.to_string(), "(layer media type)"),
        None => (
            manifest.config.media_type.to_string(),
            "(config media type)",
        ),
    }
}
