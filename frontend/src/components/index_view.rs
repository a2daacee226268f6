//! An image index (or Docker manifest list): its platforms, then whatever else it lists
//! (nested indexes, artifacts, attestations of images it does not hold), then annotations.

use lading_shared::api::ChildSummary;
use lading_shared::manifest::EntryKind;
use lading_shared::{Descriptor, Digest, ImageIndex, Reference};
use leptos::prelude::*;

use crate::components::digest_label::DigestLabel;
use crate::components::key_value_table::KeyValueTable;
use crate::components::platform_context::platform_href;
use crate::components::platform_table::{PlatformRow, PlatformTable};
use crate::format::{human_size, media_type_label};
use crate::links::image_href;

#[component]
pub fn IndexView(
    reference: Reference,
    index: ImageIndex,
    children: Vec<ChildSummary>,
) -> impl IntoView {
    let (rows, others) = split_entries(&index, &children);
    let has_rows = !rows.is_empty();
    let annotations: Vec<(String, String)> = index
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let subject = index.subject.clone();
    view! {
        <section class="card">
            <h2>"Platforms"</h2>
            {if has_rows {
                view! { <PlatformTable reference=reference.clone() rows /> }.into_any()
            } else {
                view! { <p class="muted">"This index lists no runnable platform images."</p> }.into_any()
            }}
        </section>
        {(!others.is_empty()).then(|| view! { <OtherEntries reference=reference.clone() entries=others /> })}
        {subject.map(|s| view! {
            <section class="card">
                <h2>"Subject"</h2>
                <p>"This index refers to " <DigestLabel digest=s.digest.clone() href=image_href(&reference.pinned(&s.digest)) />
                   " (" {media_type_label(&s.media_type)} ")."</p>
            </section>
        })}
        {(!annotations.is_empty()).then(|| view! {
            <section class="card"><h2>"Annotations"</h2><KeyValueTable entries=annotations /></section>
        })}
    }
}

/// An index entry that is not a platform image, with a word for what it is.
#[derive(Debug, Clone)]
struct OtherEntry {
    kind: &'static str,
    descriptor: Descriptor,
    /// An attestation's `vnd.docker.reference.digest`: an image this index does not list.
    describes: Option<Digest>,
}

/// Platform rows (each with its attestations) and everything else, in index order.
fn split_entries(
    index: &ImageIndex,
    children: &[ChildSummary],
) -> (Vec<PlatformRow>, Vec<OtherEntry>) {
    let entries = index.entries();
    let platform_digests: Vec<&Digest> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Platform)
        .map(|e| &e.descriptor.digest)
        .collect();
    let mut rows = Vec::new();
    let mut others = Vec::new();
    for entry in &entries {
        let descriptor = entry.descriptor.clone();
        let mut describes = None;
        let kind = match &entry.kind {
            EntryKind::Platform => {
                rows.push(PlatformRow {
                    summary: summary_of(children, &descriptor),
                    attestations: index
                        .attestations_of(&descriptor.digest)
                        .into_iter()
                        .map(|a| (a.clone(), summary_of(children, a)))
                        .collect(),
                    descriptor,
                });
                continue;
            }
            EntryKind::Attestation { of: Some(of) } if platform_digests.contains(&of) => continue,
            EntryKind::Attestation { of } => {
                describes = of.clone();
                "attestation"
            }
            EntryKind::Index => "index",
            EntryKind::Other => "other",
        };
        others.push(OtherEntry {
            kind,
            descriptor,
            describes,
        });
    }
    (rows, others)
}

fn summary_of(children: &[ChildSummary], descriptor: &Descriptor) -> Option<ChildSummary> {
    children
        .iter()
        .find(|c| c.digest == descriptor.digest)
        .cloned()
}

#[component]
fn OtherEntries(reference: Reference, entries: Vec<OtherEntry>) -> impl IntoView {
    let rows = entries
        .into_iter()
        .map(|OtherEntry { kind, descriptor, describes }| {
            let href = platform_href(&reference, &descriptor.digest);
            let platform = descriptor
                .platform
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let what = descriptor
                .artifact_type
                .clone()
                .unwrap_or_else(|| media_type_label(&descriptor.media_type));
            view! {
                <tr>
                    <td><span class=format!("badge badge-{kind}")>{kind}</span></td>
                    <td class="small">{what}</td>
                    <td class="small">
                        {platform}
                        {describes.map(|d| view! {
                            <span class="muted" data-testid="attestation-describes">
                                " for " <DigestLabel digest=d.clone() href=image_href(&reference.pinned(&d)) />
                                " (not in this index)"
                            </span>
                        })}
                    </td>
                    <td class="num">{human_size(descriptor.size)}</td>
                    <td><DigestLabel digest=descriptor.digest href=href /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Other entries"</h2>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Platform"</th>
                            <th scope="col" class="num">"Manifest size"</th>
                            <th scope="col">"Digest"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
