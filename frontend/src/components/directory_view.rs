//! A directory's own page: its facts and its children as links (kind, size, symlink
//! targets), with a way into the full tree opened at this folder. The proxy sends at most
//! `MAX_PREVIEW_CHILDREN`; the tree has them all.

use lading_shared::layer::{Entry, EntryKind, FilePreview, file_name};
use lading_shared::reproduce::Subject as Reproduced;
use leptos::prelude::*;

use crate::components::auth_control::AuthControl;
use crate::components::back_to_listing::BackToListing;
use crate::components::copy_button::CopyButton;
use crate::components::flow_panels::FlowPanels;
use crate::components::layer_link::LayerLink;
use crate::components::link::Link;
use crate::components::listing_row::owner;
use crate::components::registry_notes::RegistryNotesView;
use crate::components::reproduce_panel::image_target;
use crate::file_format::{format_mtime, mode_string};
use crate::format::{group_thousands, human_size, shorten_middle};
use crate::layer_links::Subject;
use crate::links::{file_href, tree_href};

/// Child names longer than this are shortened in the middle (whole in the tooltip).
const MAX_NAME_CHARS: usize = 64;

#[component]
pub fn DirectoryView(subject: Subject, path: String, preview: FilePreview) -> impl IntoView {
    let FilePreview {
        entry,
        mut children,
        children_total,
        implied,
        resolved_from,
        layer,
        layer_digest,
        registry_notes,
        trace,
        ..
    } = preview;
    // Folders first, then by name: how the tree shows them.
    children.sort_by(|a, b| {
        (b.kind == EntryKind::Dir)
            .cmp(&(a.kind == EntryKind::Dir))
            .then_with(|| a.path.cmp(&b.path))
    });
    let shown = children.len();
    let total = usize::try_from(children_total)
        .unwrap_or(usize::MAX)
        .max(shown);
    let count = match (shown, total) {
        (0, _) => "This directory is empty.".to_owned(),
        (s, t) if s < t => format!(
            "The first {} of {} entries; the tree has them all.",
            group_thousands(s),
            group_thousands(t)
        ),
        (s, _) => format!(
            "{} entr{}",
            group_thousands(s),
            if s == 1 { "y" } else { "ies" }
        ),
    };
    let tree = tree_href(&subject, &path);
    // A directory has no bytes to print: the scripts list the layer its entry came from.
    let reproduced = Reproduced::Layer {
        image: image_target(&subject),
        layer: layer_digest.clone(),
    };
    let note = match entry.path.trim_matches('/') {
        "" => "A directory has no bytes of its own: this lists the layer it came from.".to_owned(),
        dir => format!(
            "A directory has no bytes of its own: this lists the layer its entry came from; \
             the lines starting with {dir}/ are its contents in that layer."
        ),
    };
    let chain = (!resolved_from.is_empty()).then(|| {
        let mut steps = resolved_from;
        steps.push(entry.path.clone());
        view! {
            <p class="symlink-chain" data-testid="symlink-chain">
                "Followed symlinks: " <code>{steps.join(" → ")}</code>
            </p>
        }
    });
    // An implied directory's mode, owner and time are made up: say so, not the made-up values.
    let facts = if implied {
        view! {
            <dt>"Entry"</dt>
            <dd class="muted" data-testid="implied-dir">"implied by deeper paths (no entry of its own)"</dd>
        }
        .into_any()
    } else {
        view! {
            <dt>"Mode"</dt>
            <dd><code>{mode_string(entry.kind, entry.mode)}</code></dd>
            <dt>"Owner"</dt>
            <dd>{owner(&entry)}</dd>
            <dt>"Modified"</dt>
            <dd>{format_mtime(entry.mtime)}</dd>
        }
        .into_any()
    };
    let rows = children
        .into_iter()
        .map(|child| view! { <ChildRow subject=subject.clone() child /> })
        .collect_view();
    view! {
        <section class="image-header">
            <p class="eyebrow" data-testid="entry-kind" data-kind="directory">"Directory"</p>
            <h1 class="reference">
                <span class="mono">{path.clone()}</span>
                <CopyButton text=path.clone() what="path" />
            </h1>
            {chain}
            <dl class="facts">
                {facts}
                <dt>"Layer"</dt>
                <dd>
                    <LayerLink subject=subject.clone() index=layer digest=layer_digest />
                </dd>
            </dl>
            <nav class="actions" aria-label="Directory actions">
                <Link href=tree class="button" testid="open-in-tree">"Open in the tree"</Link>
                <BackToListing subject=subject.clone() />
                <AuthControl registry=subject.registry().to_owned() />
            </nav>
        </section>
        <RegistryNotesView notes=registry_notes registry=subject.registry().to_owned() />
        <FlowPanels subject=reproduced trace note=Some(note) />
        <section class="card">
            <h2>"Contents"</h2>
            <p class="muted small" data-testid="directory-count">{count}</p>
            {(shown > 0).then(|| view! {
                <div class="table-wrap">
                    <table class="listing directory-children" data-testid="directory-children">
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Kind"</th>
                                <th scope="col" class="num">"Size"</th>
                                <th scope="col" class="col-mode">"Mode"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[component]
fn ChildRow(subject: Subject, child: Entry) -> impl IntoView {
    let name = file_name(&child.path).to_owned();
    let (label, title) = match shorten_middle(&name, MAX_NAME_CHARS) {
        Some(short) => (short, name.clone()),
        None => (name.clone(), String::new()),
    };
    let is_dir = child.kind == EntryKind::Dir;
    let label = if is_dir { format!("{label}/") } else { label };
    let target = child
        .link
        .clone()
        .map(|l| view! { <span class="link-target mono small">{format!(" →\u{a0}{l}")}</span> });
    let class = if is_dir { "name dir-name" } else { "name" };
    view! {
        <tr data-testid="child-row" data-path=child.path.clone()>
            <td class="name-cell">
                <Link href=file_href(&subject, &child.path) class=class title=title testid="child-link">{label}</Link>
                {target}
            </td>
            <td class="small nowrap">{kind_name(child.kind)}</td>
            <td class="num" title=format!("{} bytes", child.size)>{(!is_dir).then(|| human_size(child.size))}</td>
            <td class="mono small nowrap col-mode">{mode_string(child.kind, child.mode)}</td>
        </tr>
    }
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Dir => "directory",
        EntryKind::Symlink => "symlink",
        EntryKind::Hardlink => "hard link",
        EntryKind::CharDevice => "char device",
        EntryKind::BlockDevice => "block device",
        EntryKind::Fifo => "fifo",
        EntryKind::Whiteout | EntryKind::OpaqueWhiteout => "whiteout",
        EntryKind::Other => "other",
    }
}
