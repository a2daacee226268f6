//! The layers of a manifest, in order: media type, size, digest, and the download URLs of
//! foreign layers.

use lading_shared::Descriptor;
use leptos::prelude::*;

use crate::components::digest_label::DigestLabel;
use crate::components::key_value_table::Value;
use crate::format::{human_size, media_type_label};

#[component]
pub fn LayerTable(layers: Vec<Descriptor>) -> impl IntoView {
    let total: u64 = layers.iter().map(|l| l.size).sum();
    let count = layers.len();
    let rows = layers
        .into_iter()
        .enumerate()
        .map(|(i, layer)| view! { <LayerRow number=i + 1 layer /> })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Layers"</h2>
            <div class="table-wrap">
                <table data-testid="layer-table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Media type"</th>
                            <th scope="col" class="num">"Size"</th>
                            <th scope="col">"Digest"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="2">
                                {format!("{count} layer{}", if count == 1 { "" } else { "s" })}
                            </th>
                            <td class="num" title=format!("{total} bytes")>{human_size(total)}</td>
                            <td class="muted small">"compressed, as the registry stores them"</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

#[component]
fn LayerRow(number: usize, layer: Descriptor) -> impl IntoView {
    let kind = media_type_label(&layer.media_type);
    let urls = layer.urls.clone().unwrap_or_default();
    view! {
        <tr>
            <td class="num muted">{number}</td>
            <td>
                <span class="media-type" title=layer.media_type.to_string()>{kind}</span>
                {layer.media_type.is_foreign_layer().then(|| view! { " " <span class="badge">"foreign"</span> })}
                {(!urls.is_empty()).then(|| view! {
                    <ul class="urls">
                        {urls.into_iter().map(|u| view! { <li><Value text=u /></li> }).collect_view()}
                    </ul>
                })}
            </td>
            <td class="num" title=format!("{} bytes", layer.size)>{human_size(layer.size)}</td>
            <td><DigestLabel digest=layer.digest /></td>
        </tr>
    }
}
