//! A single manifest: a container image (config, history aligned with layers, layers) or an
//! artifact (Helm chart, SBOM, signature, anything with its own config type), shown
//! generically so unknown kinds never break the page.

use lading_shared::api::ConfigBlob;
use lading_shared::{ImageManifest, Reference, history_rows};
use leptos::prelude::*;

use crate::components::config_summary::ConfigSummary;
use crate::components::digest_label::DigestLabel;
use crate::components::history_table::{HistoryTable, LayerRef};
use crate::components::key_value_table::KeyValueTable;
use crate::components::layer_table::LayerTable;
use crate::format::{human_size, image_href, media_type_label};

#[component]
pub fn ImageView(
    /// Pinned to the manifest's digest: layer links must keep naming these layers.
    reference: Reference,
    manifest: ImageManifest,
    config: Option<ConfigBlob>,
    config_error: Option<String>,
) -> impl IntoView {
    let container = manifest.is_container_image();
    let image = reference.to_string();
    let image_config = config.as_ref().and_then(|c| c.image.clone());
    let warnings = config_warnings(container, config.as_ref(), config_error);
    let annotations: Vec<(String, String)> = manifest
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let main = match image_config.filter(|_| container) {
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
                <HistoryTable rows layers image=image.clone() />
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
        <LayerTable layers=manifest.layers image browsable=container />
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

/// What an artifact is: its type, its config descriptor, what it refers to.
#[component]
fn ArtifactSummary(reference: Reference, manifest: ImageManifest) -> impl IntoView {
    let config = manifest.config.clone();
    let subject = manifest.subject.clone();
    view! {
        <section class="card">
            <h2>"Artifact"</h2>
            <p class="muted small">
                "Not a container image: registries also store Helm charts, SBOMs, signatures and \
                 other content in the same manifest format, told apart by their types."
            </p>
            <dl class="summary">
                <dt>"Artifact type"</dt>
                <dd><code>{manifest.artifact_kind()}</code></dd>
                <dt>"Config"</dt>
                <dd>
                    {media_type_label(&config.media_type)} " · " {human_size(config.size)} " · "
                    <DigestLabel digest=config.digest />
                </dd>
                {subject.map(|s| {
                    let href = image_href(&reference.sibling(&s.digest));
                    view! {
                        <dt>"Subject"</dt>
                        <dd>"Refers to " <DigestLabel digest=s.digest href=href /></dd>
                    }
                })}
            </dl>
        </section>
    }
}
