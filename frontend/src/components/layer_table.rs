//! The layers of a manifest, in order: media type, size, digest, and the download URLs of
//! foreign layers. For a container image each layer links to its listing, beside the way
//! into the merged filesystem and the downloads.

use lading_shared::{Descriptor, Digest, Reference};
use leptos::prelude::*;

use crate::components::digest_label::DigestLabel;
use crate::components::download_link::DownloadLink;
use crate::components::key_value_table::Value;
use crate::components::link::Link;
use crate::format::{human_size, media_type_label};
use crate::layer_links::{Download, Source, Subject};
use crate::links::listing_href;

#[component]
pub fn LayerTable(
    layers: Vec<Descriptor>,
    /// The image, pinned to its digest so links keep naming these exact layers (or the
    /// index it was chosen from, with `platform`).
    reference: Reference,
    #[prop(default = None)] platform: Option<Digest>,
    /// Container image layers are filesystems; an artifact's "layers" may be anything.
    browsable: bool,
) -> impl IntoView {
    // A registry's sizes may sum past 64 bits: saturated, never wrapped (or a panic).
    let total = layers
        .iter()
        .fold(0u64, |sum, l| sum.saturating_add(l.size));
    let count = layers.len();
    let rows = layers
        .into_iter()
        .enumerate()
        .map(|(i, layer)| {
            view! { <LayerRow number=i + 1 layer reference=reference.clone() platform=platform.clone() browsable /> }
        })
        .collect_view();
    let merged = Subject {
        reference: reference.clone(),
        platform: platform.clone(),
        source: Source::Merged,
    };
    let actions = browsable.then(|| {
        view! {
            <nav class="actions" aria-label="Filesystem">
                <Link href=listing_href(&merged) class="button" testid="merged-link">
                    "Browse merged filesystem"
                </Link>
                <DownloadLink
                    download=Download::export(&reference, platform.as_ref())
                    label="Export image (.tar)"
                    button=true
                    testid="export-link"
                />
            </nav>
        }
    });
    view! {
        <section class="card">
            <div class="card-header">
                <h2>"Layers"</h2>
                {actions}
            </div>
            <div class="table-wrap">
                <table data-testid="layer-table" class="stack">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Media type"</th>
                            <th scope="col" class="num">"Size"</th>
                            <th scope="col">"Digest"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="2" class="stack-full">
                                {format!("{count} layer{}", if count == 1 { "" } else { "s" })}
                            </th>
                            <td class="num" data-label="Size" title=format!("{total} bytes")>{human_size(total)}</td>
                            <td class="muted small stack-full" colspan="2">"compressed, as the registry stores them"</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

#[component]
fn LayerRow(
    number: usize,
    layer: Descriptor,
    reference: Reference,
    platform: Option<Digest>,
    browsable: bool,
) -> impl IntoView {
    let kind = media_type_label(&layer.media_type);
    let urls = layer.urls.clone().unwrap_or_default();
    let download = Download::blob(&reference, platform.as_ref(), &layer.digest);
    let listing = browsable.then(|| {
        let href = listing_href(&Subject {
            reference,
            platform,
            source: Source::Layer(layer.digest.clone()),
        });
        view! { <Link href=href testid="layer-link">"Browse files"</Link> " · " }
    });
    view! {
        <tr>
            <td class="num muted" data-label="#">{number}</td>
            <td data-label="Media type">
                <span class="media-type" title=layer.media_type.to_string()>{kind}</span>
                {layer.media_type.is_foreign_layer().then(|| view! { " " <span class="badge">"foreign"</span> })}
                {(!urls.is_empty()).then(|| view! {
                    <ul class="urls">
                        {urls.into_iter().map(|u| view! { <li><Value text=u /></li> }).collect_view()}
                    </ul>
                })}
            </td>
            <td class="num" data-label="Size" title=format!("{} bytes", layer.size)>{human_size(layer.size)}</td>
            <td data-label="Digest"><DigestLabel digest=layer.digest /></td>
            <td class="nowrap small stack-full">
                {listing}
                <DownloadLink download label="Download layer" />
            </td>
        </tr>
    }
}
