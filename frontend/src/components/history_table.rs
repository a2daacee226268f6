//! The build history beside the layers it produced: which instruction wrote which bytes.
//! Alignment comes from `lading_shared::history_rows`; this only draws it.

use lading_shared::{Digest, HistoryRow};
use leptos::prelude::*;

use crate::components::digest_label::DigestLabel;
use crate::format::{format_created, human_size};
use crate::layer_links::{Source, Subject};
use crate::links::listing_href;

/// A layer as the history table needs it (schema 1 manifests carry no sizes).
#[derive(Debug, Clone)]
pub struct LayerRef {
    pub digest: Digest,
    pub size: Option<u64>,
}

#[component]
pub fn HistoryTable(
    rows: Vec<HistoryRow>,
    layers: Vec<LayerRef>,
    /// The image (any source), when its layers can be browsed.
    #[prop(optional)]
    image: Option<Subject>,
) -> impl IntoView {
    let empty = rows.iter().filter(|r| r.empty_layer).count();
    let Some(caption) = caption(rows.len(), rows.len() - empty) else {
        return view! {
            <section class="card">
                <h2>"History"</h2>
                <p class="muted small" data-testid="no-history">"No build history in the config."</p>
            </section>
        }
        .into_any();
    };
    let body = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let layer = row
                .layer
                .and_then(|n| layers.get(n).cloned().map(|l| (n, l)));
            let href = layer.as_ref().zip(image.as_ref()).map(|((_, l), image)| {
                listing_href(&image.with_source(Source::Layer(l.digest.clone())))
            });
            view! { <HistoryLine number=i + 1 row layer href /> }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"History"</h2>
            <p class="muted small">{caption} ", oldest first."</p>
            <div class="table-wrap">
                <table data-testid="history-table" class="history stack">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Instruction"</th>
                            <th scope="col" class="num">"Size"</th>
                            <th scope="col">"Layer"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// "3 steps, 2 wrote a layer"; nothing to say of no steps (a config without history).
fn caption(steps: usize, wrote: usize) -> Option<String> {
    (steps > 0).then(|| {
        let plural = if steps == 1 { "" } else { "s" };
        format!("{steps} step{plural}, {wrote} wrote a layer")
    })
}

#[component]
fn HistoryLine(
    number: usize,
    row: HistoryRow,
    layer: Option<(usize, LayerRef)>,
    href: Option<String>,
) -> impl IntoView {
    let created = row
        .created
        .as_deref()
        .map(format_created)
        .unwrap_or_default();
    let command = if row.command.is_empty() {
        None
    } else {
        Some(row.command)
    };
    let (size, layer_cell) = match layer {
        Some((n, layer)) => (
            layer.size.map(human_size).unwrap_or_else(|| "—".to_string()),
            view! { <span class="muted small">{format!("#{} ", n + 1)}</span> {layer_label(layer.digest, href)} }.into_any(),
        ),
        None if row.empty_layer => (
            String::new(),
            view! { <span class="badge badge-quiet" title="This step changed only metadata">"no layer"</span> }.into_any(),
        ),
        None => (String::new(), view! { <span class="muted">"—"</span> }.into_any()),
    };
    view! {
        <tr data-testid="history-row" class:empty-layer=row.empty_layer>
            <td class="num muted" data-label="#">{number}</td>
            <td class="nowrap small" data-label="Created" class:empty-cell=created.is_empty()>{created.clone()}</td>
            <td class="command stack-full">
                {match command {
                    Some(c) => view! { <code>{c}</code> }.into_any(),
                    None => view! { <span class="muted">"(no command recorded)"</span> }.into_any(),
                }}
                {row.comment.map(|c| view! { <div class="muted small">{c}</div> })}
            </td>
            <td class="num nowrap" data-label="Size" class:empty-cell=size.is_empty()>{size.clone()}</td>
            <td class="nowrap" data-label="Layer">{layer_cell}</td>
        </tr>
    }
}

/// A layer's digest, linked to its listing when the image's layers can be browsed.
fn layer_label(digest: Digest, href: Option<String>) -> AnyView {
    match href {
        Some(href) => view! { <DigestLabel digest href /> }.into_any(),
        None => view! { <DigestLabel digest /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::caption;

    #[test]
    fn captions_count_steps() {
        assert_eq!(caption(0, 0), None);
        assert_eq!(caption(1, 1).as_deref(), Some("1 step, 1 wrote a layer"));
        assert_eq!(caption(3, 2).as_deref(), Some("3 steps, 2 wrote a layer"));
    }
}
