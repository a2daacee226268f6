//! One row of a listing: a directory that opens and closes, or a file that links to its
//! view; deletions struck through, and in the merged filesystem the layer that wrote it.

use std::collections::HashSet;

use lading_shared::layer::{Entry, EntryKind, LayerInfo};
use leptos::prelude::*;

use crate::components::link::Link;
use crate::file_format::{format_mtime, mode_string};
use crate::format::human_size;
use crate::layer_links::{Source, file_href, listing_href};
use crate::tree::{NodeId, Row, Tree};

/// What every row needs besides itself.
#[derive(Clone)]
pub struct RowContext {
    pub image: String,
    pub source: Source,
    pub tree: RwSignal<Tree>,
    pub layers: RwSignal<Vec<LayerInfo>>,
    pub expanded: RwSignal<HashSet<NodeId>>,
}

#[component]
pub fn ListingRow(row: Row, context: RowContext) -> impl IntoView {
    let RowContext {
        image,
        source,
        tree,
        layers,
        expanded,
    } = context;
    let (name, path, is_dir, opaque, rewritten, entry) = tree.with_untracked(|t| {
        let node = t.node(row.id);
        let entry = match row.hidden {
            Some(i) => node.hidden.get(i).cloned(),
            None => node.shown_entry().cloned(),
        };
        (
            node.name.clone(),
            node.path.clone(),
            node.is_dir(),
            node.opaque,
            // Overwritten when the hiding layer wrote this path itself; otherwise it
            // deleted it (and a later layer may have written it again).
            entry.as_ref().and_then(|e| e.hidden_by).is_some_and(|by| {
                node.entry
                    .iter()
                    .chain(&node.hidden)
                    .any(|e| e.layer == Some(by))
            }),
            entry,
        )
    });
    let hidden_by = entry.as_ref().and_then(|e| e.hidden_by);
    let whiteout = entry
        .as_ref()
        .is_some_and(|e| e.kind == EntryKind::Whiteout);
    let struck = hidden_by.is_some() || whiteout;
    let label = if row.flat { path.clone() } else { name };
    // Only the live row of a directory opens it; its hidden (older) entries are notes.
    let id = row.id;
    let name_cell = if is_dir && !row.flat && row.hidden.is_none() {
        let open = row.expanded;
        view! {
            <button type="button" class="tree-toggle" aria-expanded=open.to_string() data-testid="dir-toggle"
                on:click=move |_| expanded.update(|set| { if !set.remove(&id) { set.insert(id); } })>
                <span class="caret" aria-hidden="true">{if open { "▾" } else { "▸" }}</span>
                <span class="name dir-name">{label}</span>
            </button>
        }
        .into_any()
    } else if is_dir || struck || entry.is_none() {
        let class = if is_dir { "name dir-name" } else { "name" };
        view! { <span class="caret" aria-hidden="true"></span><span class=class>{label}</span> }
            .into_any()
    } else {
        let href = file_href(&image, &source, &path);
        view! { <span class="caret" aria-hidden="true"></span><Link href=href class="name" testid="file-link">{label}</Link> }.into_any()
    };
    let badges = view! {
        {whiteout.then(|| view! { " " <span class="badge badge-deleted" title="A whiteout: this layer deletes the path from the layers below">"deleted"</span> })}
        {hidden_by.map(|l| {
            let (text, title) = if rewritten {
                ("overwritten", "A later layer wrote this path again")
            } else {
                ("deleted", "A later layer deleted this path")
            };
            view! { " " <span class="badge badge-deleted" title=title>{format!("{text} in layer #{}", l + 1)}</span> }
        })}
        {(opaque && row.hidden.is_none()).then(|| view! { " " <span class="badge badge-opaque" title="An opaque whiteout: what lower layers put in this directory is hidden">"opaque"</span> })}
        {(entry.is_none() && row.hidden.is_none()).then(|| view! { " " <span class="muted small" title="The archive has no entry for this directory; paths below it imply it">"(implied)"</span> })}
    };
    let size = if is_dir {
        row.size
    } else {
        entry.as_ref().map_or(0, |e| e.size)
    };
    // A whiteout's mode, owner and time are the marker file's: noise, not facts.
    let facts = entry.as_ref().filter(|_| !whiteout);
    let layer_cell = (source == Source::Merged).then(|| {
        let cell = entry.as_ref().and_then(|e| e.layer).map(|index| {
            let digest = layers.with_untracked(|l| l.get(index).map(|l| l.digest.to_string()));
            match digest {
                Some(d) => view! {
                    <Link href=listing_href(&image, &Source::Layer(d.clone())) title=d.clone() class="mono small">
                        {format!("#{} {}", index + 1, &d[..d.len().min(19)])}
                    </Link>
                }
                .into_any(),
                None => view! { <span class="mono small">{format!("#{}", index + 1)}</span> }.into_any(),
            }
        });
        view! { <td class="nowrap">{cell}</td> }
    });
    let depth = if row.flat { 0 } else { row.depth };
    // The link target starts "→" and a no-break space, so the arrow never wraps alone.
    view! {
        <tr data-testid="listing-row" data-path=path class:struck=struck class:hidden-row=row.hidden.is_some()>
            <td class="name-cell">
                {(0..depth).map(|_| view! { <span class="indent" aria-hidden="true"></span> }).collect_view()}
                {name_cell}
                {badges}
            </td>
            <td class="num" title=format!("{size} bytes")>
                {match (is_dir, whiteout) {
                    (_, true) => ().into_any(),
                    (true, false) => view! { <span class="muted">{human_size(size)}</span> }.into_any(),
                    (false, false) => human_size(size).into_any(),
                }}
            </td>
            <td class="mono small nowrap">{facts.map(|e| mode_string(e.kind, e.mode))}</td>
            <td class="small nowrap">{facts.map(owner)}</td>
            {modified_cell(facts)}
            {layer_cell}
            <td class="mono small link-target">{entry.and_then(|e| e.link).map(|l| format!("→\u{a0}{l}"))}</td>
        </tr>
    }
}

/// `root:root`, or the numeric ids when the archive carries no names.
pub fn owner(entry: &Entry) -> String {
    let user = entry
        .uname
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| entry.uid.to_string());
    let group = entry
        .gname
        .clone()
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| entry.gid.to_string());
    format!("{user}:{group}")
}

/// Minutes are enough in a table; the seconds (and zone) are in the tooltip.
fn modified_cell(entry: Option<&Entry>) -> impl IntoView + use<> {
    let full = entry.map(|e| format_mtime(e.mtime)).unwrap_or_default();
    let short: String = full.chars().take(16).collect();
    view! { <td class="small nowrap" title=full>{short}</td> }
}
