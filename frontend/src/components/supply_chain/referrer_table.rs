//! One group of referrers (signatures, attestations, other artifacts) as a table: what each
//! is, where it was found, and a link to its own view — `repository@digest`, which is also
//! its shareable URL. Everything in a row came from the registry and is shown as text.

use lading_shared::api::Referrer;
use lading_shared::supply::ReferrerKind;
use lading_shared::{Digest, Reference};
use leptos::prelude::*;

use super::verify::VerifyControl;
use super::words::{CREATED, Group, TITLE, predicate_type};
use crate::components::digest_label::DigestLabel;
use crate::components::link::Link;
use crate::format::{format_created, media_type_label};
use crate::links::image_href;

/// Platform names of an index's images, to say which one an attestation describes.
pub type PlatformNames = Vec<(Digest, String)>;

#[component]
pub fn ReferrerTable(
    group: Group,
    /// The subject, pinned: each referrer's view is the same repository at its digest.
    reference: Reference,
    referrers: Vec<Referrer>,
    platforms: StoredValue<PlatformNames>,
) -> impl IntoView {
    let count = referrers.len();
    let rows = referrers
        .into_iter()
        .map(|referrer| view! { <ReferrerRow reference=reference.clone() referrer platforms /> })
        .collect_view();
    view! {
        <div class="referrer-group" data-testid=format!("referrers-{}", group.id())>
            <h3>{group.heading()} " " <span class="muted small">{format!("({count})")}</span></h3>
            <div class="table-wrap">
                <table class="referrers stack">
                    <thead>
                        <tr>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Found"</th>
                            <th scope="col">"Details"</th>
                            <th scope="col">"Digest"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
}

#[component]
fn ReferrerRow(
    reference: Reference,
    referrer: Referrer,
    platforms: StoredValue<PlatformNames>,
) -> impl IntoView {
    let href = image_href(&reference.pinned(&referrer.digest));
    let what = referrer
        .artifact_type
        .clone()
        .or_else(|| referrer.media_type.as_ref().map(media_type_label))
        .unwrap_or_else(|| "—".into());
    let found = match &referrer.tag {
        Some(tag) => format!("{} {tag}", referrer.source.label()),
        None => referrer.source.label().to_owned(),
    };
    let details = details(&referrer, &reference, platforms);
    let kind = referrer.kind;
    // Notation signatures are certificate-based: a pasted key is no check of them.
    let verify = (kind.is_signature() && kind != ReferrerKind::NotationSignature).then(|| {
        view! { <VerifyControl reference=reference.clone() signature=referrer.digest.clone() /> }
    });
    let kind_id = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    view! {
        <tr data-testid="referrer" data-kind=kind_id data-source=referrer.source.label()>
            <td data-label="Kind">
                <Link href=href.clone() class="referrer-kind" testid="referrer-link">{kind.label()}</Link>
            </td>
            <td data-label="Type" class="small"><code class="wrap">{what}</code></td>
            <td data-label="Found" class="small">{found}</td>
            <td data-label="Details" class="small">{details}{verify}</td>
            <td data-label="Digest"><DigestLabel digest=referrer.digest.clone() href=href /></td>
        </tr>
    }
}

/// The annotations worth reading at a glance, the platform an index attestation describes,
/// and what could not be read.
fn details(
    referrer: &Referrer,
    reference: &Reference,
    platforms: StoredValue<PlatformNames>,
) -> AnyView {
    let mut lines: Vec<AnyView> = Vec::new();
    if let Some(described) = &referrer.describes {
        let name = platforms.with_value(|p| {
            p.iter()
                .find(|(d, _)| d == described)
                .map(|(_, name)| name.clone())
        });
        let href = image_href(&reference.pinned(described));
        let line = match name {
            Some(name) => view! {
                <span data-testid="referrer-describes">"for " <Link href=href>{name}</Link></span>
            }
            .into_any(),
            None => view! {
                <span data-testid="referrer-describes">"for " <DigestLabel digest=described.clone() href=href /></span>
            }
            .into_any(),
        };
        lines.push(line);
    }
    if let Some(title) = referrer.annotations.get(TITLE) {
        let title = title.clone();
        lines.push(view! { <span>"title " <span class="value">{title}</span></span> }.into_any());
    }
    if let Some(predicate) = predicate_type(referrer) {
        let predicate = predicate.to_owned();
        lines.push(
            view! { <span>"predicate " <code class="wrap">{predicate}</code></span> }.into_any(),
        );
    }
    if let Some(created) = referrer.annotations.get(CREATED) {
        let created = format_created(created);
        lines.push(view! { <span>"created " {created}</span> }.into_any());
    }
    if referrer.completed {
        lines.push(
            view! { <span class="muted">"type and annotations read from its manifest"</span> }
                .into_any(),
        );
    }
    if let Some(error) = &referrer.error {
        let error = error.clone();
        lines.push(
            view! { <span class="warn-text" data-testid="referrer-error">{error}</span> }
                .into_any(),
        );
    }
    if lines.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    view! { <span class="referrer-details">{lines}</span> }.into_any()
}
