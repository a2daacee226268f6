//! Docker schema 1 manifests (deprecated): the config and history live in JSON strings
//! inside `history[].v1Compatibility`, and layers carry no sizes.

use lading_shared::{HistoryRow, Schema1Manifest, clean_command};
use leptos::prelude::*;

use crate::components::config_summary::ConfigSummary;
use crate::components::history_table::{HistoryTable, LayerRef};

#[component]
pub fn Schema1View(manifest: Schema1Manifest) -> impl IntoView {
    let config = manifest.image_config();
    let layers: Vec<LayerRef> = manifest
        .layers_oldest_first()
        .into_iter()
        .map(|digest| LayerRef {
            digest: digest.clone(),
            size: None,
        })
        .collect();
    // Schema 1 has exactly one history entry per fsLayer (throwaway steps included), so
    // entry i wrote layer i; `history_rows` would skip the throwaway layers instead.
    let rows: Vec<HistoryRow> = config
        .as_ref()
        .map(|c| {
            c.history
                .iter()
                .enumerate()
                .map(|(i, h)| HistoryRow {
                    created: h.created.clone(),
                    command: clean_command(h.created_by.as_deref().unwrap_or_default()),
                    comment: h.comment.clone(),
                    empty_layer: h.empty_layer,
                    layer: (i < layers.len()).then_some(i),
                })
                .collect()
        })
        .unwrap_or_default();
    view! {
        <div class="notice" role="note">
            <p>
                "This is a " <strong>"Docker schema 1"</strong> " manifest ("
                <code>{manifest.name.clone()}</code> ":" <code>{manifest.tag.clone()}</code> ", "
                {manifest.architecture.clone()} "), deprecated since 2017 and refused by current \
                Docker. Layer sizes are not recorded in this format."
            </p>
        </div>
        {match config {
            Some(config) => view! { <ConfigSummary config /> }.into_any(),
            None => view! { <p class="muted">"The v1Compatibility history could not be read."</p> }.into_any(),
        }}
        <HistoryTable rows layers />
    }
}
