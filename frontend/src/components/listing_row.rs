//! One row of a listing: a directory that opens and closes (click, Enter, Space; → opens,
//! ← closes), or an entry that links to its view; a symlink shows its target inline, a long
//! name is shortened in the middle (whole in its tooltip), deletions are struck through, and
//! in the merged filesystem the layer that wrote it is named.

use lading_shared::layer::{Entry, EntryKind, LayerInfo};
use leptos::prelude::*;

use crate::components::link::Link;
use crate::file_format::{format_mtime, mode_string};
use crate::format::{human_size, shorten_middle};
use crate::layer_links::{Source, Subject};
use crate::links::{file_href, listing_href};
use crate::tree::{Row, Tree};

/// Names longer than this are shortened in the middle (the start and the extension are
/// what people scan for).
const MAX_NAME_CHARS: usize = 64;
/// Symlink targets longer than this are shortened the same way.
const MAX_TARGET_CHARS: usize = 48;

/// What every row needs besides itself.
#[derive(Clone)]
pub struct RowContext {
    pub subject: Subject,
    pub tree: RwSignal<Tree>,
    pub layers: RwSignal<Vec<LayerInfo>>,
    /// `(path, Some(open))` to open or close a folder, `(path, None)` to toggle it.
    pub on_toggle: Callback<(String, Option<bool>)>,
}

/// The row's facts, read once from the tree.
struct Facts {
    name: String,
    path: String,
    is_dir: bool,
    opaque: bool,
    overwritten: bool,
    entry: Option<Entry>,
}

#[component]
pub fn ListingRow(row: Row, context: RowContext) -> impl IntoView {
    let facts = context.tree.with_untracked(|t| {
        let node = t.node(row.id);
        let entry = node.row_entry(row.hidden).cloned();
        Facts {
            name: node.name.clone(),
            path: node.path.clone(),
            is_dir: node.is_dir(),
            opaque: node.opaque,
            overwritten: entry.as_ref().is_some_and(|e| node.overwritten(e)),
            entry,
        }
    });
    let whiteout = facts
        .entry
        .as_ref()
        .is_some_and(|e| e.kind == EntryKind::Whiteout);
    let struck = facts.entry.as_ref().is_some_and(|e| e.hidden_by.is_some()) || whiteout;
    let size = if facts.is_dir {
        row.size
    } else {
        facts.entry.as_ref().map_or(0, |e| e.size)
    };
    // A whiteout's mode, owner and time are the marker file's: noise, not facts.
    let shown = facts.entry.clone().filter(|_| !whiteout);
    let layer_cell = (context.subject.source == Source::Merged)
        .then(|| layer_cell(&context, facts.entry.as_ref()));
    let path = facts.path.clone();
    view! {
        <tr data-testid="listing-row" data-vrow=path.clone() data-path=path class:struck=struck class:hidden-row=row.hidden.is_some()>
            <td class="name-cell">
                {(0..row.depth).map(|_| view! { <span class="indent" aria-hidden="true"></span> }).collect_view()}
                {name_cell(&row, &facts, struck, &context)}
                {badges(&row, &facts, whiteout)}
            </td>
            <td class="num" title=format!("{size} bytes")>
                {match (facts.is_dir, whiteout) {
                    (_, true) => ().into_any(),
                    (true, false) => view! { <span class="muted">{human_size(size)}</span> }.into_any(),
                    (false, false) => human_size(size).into_any(),
                }}
            </td>
            <td class="mono small nowrap col-mode">{shown.as_ref().map(|e| mode_string(e.kind, e.mode))}</td>
            <td class="small nowrap col-owner">{shown.as_ref().map(owner)}</td>
            {modified_cell(shown.as_ref())}
            {layer_cell}
        </tr>
    }
}

/// The name: a folder toggle, a link to the entry's view, or plain text (deleted entries).
fn name_cell(row: &Row, facts: &Facts, struck: bool, context: &RowContext) -> AnyView {
    let (label, title) = match shorten_middle(&facts.name, MAX_NAME_CHARS) {
        Some(short) => (short, Some(facts.name.clone())),
        None => (facts.name.clone(), None),
    };
    let target = facts.entry.as_ref().and_then(|e| e.link.clone()).map(|link| {
        let short = shorten_middle(&link, MAX_TARGET_CHARS).unwrap_or_else(|| link.clone());
        // "→" and a no-break space, so the arrow never wraps alone.
        view! { <span class="link-target mono small" title=link>{format!(" →\u{a0}{short}")}</span> }
    });
    // Only the live row of a directory opens it; its hidden (older) entries are notes.
    if facts.is_dir && row.hidden.is_none() {
        let (open, path) = (row.expanded, facts.path.clone());
        let toggle = context.on_toggle;
        let keys = {
            let path = path.clone();
            move |ev: leptos::ev::KeyboardEvent| {
                let want = match ev.key().as_str() {
                    "ArrowRight" => true,
                    "ArrowLeft" => false,
                    _ => return,
                };
                ev.prevent_default();
                toggle.run((path.clone(), Some(want)));
            }
        };
        let click_path = path.clone();
        return view! {
            <button type="button" class="tree-toggle" aria-expanded=open.to_string() data-testid="dir-toggle"
                data-path=path title=title
                on:click=move |_| toggle.run((click_path.clone(), None))
                on:keydown=keys>
                <span class="caret" aria-hidden="true">{if open { "▾" } else { "▸" }}</span>
                <span class="name dir-name">{label}</span>
            </button>
            {target}
        }
        .into_any();
    }
    let caret = view! { <span class="caret" aria-hidden="true"></span> };
    if struck || facts.entry.is_none() {
        let class = if facts.is_dir {
            "name dir-name"
        } else {
            "name"
        };
        return view! { {caret}<span class=class title=title>{label}</span>{target} }.into_any();
    }
    let href = file_href(&context.subject, &facts.path);
    let title = title.unwrap_or_default();
    view! { {caret}<Link href=href class="name" testid="file-link" title=title>{label}</Link>{target} }
        .into_any()
}

fn badges(row: &Row, facts: &Facts, whiteout: bool) -> impl IntoView + use<> {
    let hidden_by = facts.entry.as_ref().and_then(|e| e.hidden_by);
    let overwritten = facts.overwritten;
    let (opaque, implied, live) = (facts.opaque, facts.entry.is_none(), row.hidden.is_none());
    view! {
        {whiteout.then(|| view! { " " <span class="badge badge-deleted" title="A whiteout: this layer deletes the path from the layers below">"deleted"</span> })}
        {hidden_by.map(|l| {
            let (text, title) = if overwritten {
                ("overwritten", "A later layer wrote this path again")
            } else {
                ("deleted", "A later layer deleted this path")
            };
            view! { " " <span class="badge badge-deleted" title=title>{format!("{text} in layer #{}", l + 1)}</span> }
        })}
        {(opaque && live).then(|| view! { " " <span class="badge badge-opaque" title="An opaque whiteout: what lower layers put in this directory is hidden">"opaque"</span> })}
        {(implied && live).then(|| view! { " " <span class="muted small" title="The archive has no entry for this directory; paths below it imply it">"(implied)"</span> })}
    }
}

/// The merged filesystem's "Layer" cell: which layer last wrote the entry, linked.
fn layer_cell(context: &RowContext, entry: Option<&Entry>) -> impl IntoView + use<> {
    let cell = entry.and_then(|e| e.layer).map(|index| {
        let digest = context
            .layers
            .with_untracked(|l| l.get(index).map(|l| l.digest.clone()));
        match digest {
            Some(d) => {
                let href = listing_href(&context.subject.with_source(Source::Layer(d.clone())));
                view! {
                    <Link href=href title=d.to_string() class="mono small">
                        {format!("#{} {}", index + 1, d.short())}
                    </Link>
                }
                .into_any()
            }
            None => {
                view! { <span class="mono small">{format!("#{}", index + 1)}</span> }.into_any()
            }
        }
    });
    view! { <td class="nowrap">{cell}</td> }
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
    view! { <td class="small nowrap col-modified" title=full>{short}</td> }
}
