//! What the file page says about an entry that is not content of its own: a symlink loop, a
//! link whose target is not there (in this layer, or in the image), a whiteout. Each names
//! the way on that exists: in a layer view, the same path in the merged filesystem (where a
//! lower layer may hold the target); never a folder that may not be there.

use lading_shared::layer::{Entry, EntryKind, parent};
use leptos::prelude::*;

use crate::components::link::Link;
use crate::layer_links::{Source, Subject};
use crate::links::{file_href, hidden_tree_href};

/// The turn of a symlink loop, once: `resolved_from` then where it came back.
pub fn loop_chain(resolved_from: &[String], back_at: &str) -> String {
    let mut steps = resolved_from.to_vec();
    steps.push(back_at.to_owned());
    steps.join(" → ")
}

/// A link (symbolic or hard) that leads nowhere: round a loop, or to a path not there.
#[component]
pub fn LinkNotice(
    subject: Subject,
    /// The page's path (what the merged-view link opens).
    path: String,
    entry: Entry,
    missing: String,
    looped: bool,
    resolved_from: Vec<String>,
) -> impl IntoView {
    let merged = (subject.source != Source::Merged)
        .then(|| view! { <MergedLink subject=subject.clone() path=path.clone() /> });
    if looped {
        let chain = loop_chain(&resolved_from, &missing);
        return view! {
            <div class="notice" role="status" data-testid="symlink-loop">
                <p>"Symlink loop: " <code>{chain}</code></p>
                {merged}
            </div>
        }
        .into_any();
    }
    let target = entry.link.clone().unwrap_or_default();
    let hard = entry.kind == EntryKind::Hardlink;
    let (place, folder) = match &subject.source {
        Source::Layer(_) => ("this layer", None),
        Source::Merged => ("this image", Some(parent(&missing).to_owned())),
    };
    let what = match (hard, subject.source == Source::Merged) {
        (true, false) => ", which is not in this layer (an earlier layer wrote it).".to_owned(),
        _ => format!(", which is not in {place}."),
    };
    let said = if hard {
        view! { <code>{entry.path.clone()}</code> " is a hard link to " <code>{target}</code> {what} }
            .into_any()
    } else {
        view! {
            <code>{entry.path.clone()}</code> " points to " <code>{target}</code> ", that is "
            <code>{missing}</code> {what}
        }
        .into_any()
    };
    let up = folder.map(|folder| view! { <p><Link href=file_href(&subject, &folder)>{format!("Open {folder}")}</Link></p> });
    view! {
        <div class="notice" role="status" data-testid="broken-symlink">
            <p>{said}</p>
            {merged}
            {up}
        </div>
    }
    .into_any()
}

/// In a layer view: the same path in the merged filesystem, where lower layers count too.
#[component]
fn MergedLink(subject: Subject, path: String) -> impl IntoView {
    let href = file_href(&subject.with_source(Source::Merged), &path);
    view! {
        <p>
            <Link href testid="open-merged">{format!("Open {path} in the merged filesystem")}</Link>
            " (every layer applied)."
        </p>
    }
}

/// A whiteout in a layer view: what this layer deletes or hides, and where to see it.
#[component]
pub fn WhiteoutNotice(subject: Subject, entry: Entry) -> impl IntoView {
    let merged = subject.with_source(Source::Merged);
    let (said, folder) = if entry.kind == EntryKind::OpaqueWhiteout {
        let said = view! { "This layer hides what lower layers wrote in " <code>{entry.path.clone()}</code> "." };
        (said.into_any(), entry.path.clone())
    } else {
        let said = view! { "This layer deletes " <code>{entry.path.clone()}</code> " (written by a lower layer)." };
        (said.into_any(), parent(&entry.path).to_owned())
    };
    let href = hidden_tree_href(&merged, &folder);
    view! {
        <div class="notice" role="status" data-testid="whiteout-notice">
            <p>{said}</p>
            <p>
                <Link href testid="open-merged">"See it in the merged filesystem"</Link>
                " (with what whiteouts hide shown)."
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::loop_chain;

    #[test]
    fn a_loop_is_said_once_round() {
        let turn = ["/a".to_owned(), "/b".to_owned()];
        assert_eq!(loop_chain(&turn, "/a"), "/a → /b → /a");
        let into = ["/c".to_owned(), "/a".to_owned(), "/b".to_owned()];
        assert_eq!(loop_chain(&into, "/a"), "/c → /a → /b → /a");
        assert_eq!(loop_chain(&["/a".to_owned()], "/a"), "/a → /a");
        assert_eq!(loop_chain(&[], "/a"), "/a");
    }
}
