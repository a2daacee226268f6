//! The entries of an index to choose from (a `choose_platform` error): platform, kind and
//! digest, each platform a link to its view. Attestations are listed last, marked and not
//! linked: they describe a platform image, they are not one.

use lading_shared::Digest;
use lading_shared::api::PlatformCandidate;
use leptos::prelude::*;

use crate::components::digest_label::DigestLabel;
use crate::components::link::Link;
use crate::components::platform_context::{candidate_name, is_runnable_platform};
use crate::format::media_type_label;

#[component]
pub fn CandidateTable(
    candidates: Vec<PlatformCandidate>,
    /// The view of one candidate; without it the digests are shown unlinked.
    href: Option<Callback<Digest, String>>,
) -> impl IntoView {
    let (platforms, others): (Vec<_>, Vec<_>) =
        candidates.into_iter().partition(is_runnable_platform);
    let rows = platforms
        .into_iter()
        .map(|c| (c, true))
        .chain(others.into_iter().map(|c| (c, false)))
        .map(|(candidate, runnable)| {
            // An attestation opened as a platform would only say it is not one.
            let link = href
                .filter(|_| runnable)
                .map(|h| h.run(candidate.digest.clone()));
            let name = candidate_name(&candidate);
            let kind = match (&candidate.media_type, runnable) {
                (_, false) => "attestation".to_string(),
                (Some(media_type), true) => media_type_label(media_type),
                (None, true) => String::new(),
            };
            let name_cell = match link.clone() {
                Some(link) => {
                    view! { <Link href=link testid="candidate-link">{name}</Link> }.into_any()
                }
                None => view! { <span class="muted">{name}</span> }.into_any(),
            };
            let digest = candidate.digest.clone();
            let digest_cell = match link {
                Some(link) => view! { <DigestLabel digest href=link /> }.into_any(),
                None => view! { <DigestLabel digest /> }.into_any(),
            };
            view! {
                <tr data-testid="candidate-row">
                    <td data-label="Platform">{name_cell}</td>
                    <td data-label="Kind" class="small">{kind}</td>
                    <td data-label="Digest">{digest_cell}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="stack" data-testid="candidate-table">
                <thead>
                    <tr>
                        <th scope="col">"Platform"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Manifest digest"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
