//! How far a listing has got: a progress bar (and Cancel) while the proxy reads the
//! layer(s), then what was read (entries, bytes, whether the digest checked out) and the
//! requests it took; or why it stopped.

use lading_shared::Repository;
use lading_shared::api::Exchange;
use leptos::prelude::*;

use crate::components::error_view::ErrorView;
use crate::components::flow_panels::{FlowPanels, TracePanels};
use crate::components::registry_notes::RegistryNotesView;
use crate::components::reproduce_panel::filesystem_reproduction;
use crate::format::{group_thousands, human_size};
use crate::layer_links::Subject;
use crate::listing_stream::{Listing, Outcome};

#[component]
pub fn ListingStatus(
    listing: Listing,
    repository: Option<Repository>,
    /// What is listed: the Reproduce panel's subject.
    subject: Subject,
) -> impl IntoView {
    move || match listing.outcome.get() {
        None => view! { <Progress listing /> }.into_any(),
        Some(Outcome::Done(summary)) => {
            let entries = usize::try_from(summary.entries).unwrap_or(usize::MAX);
            let registry = repository
                .as_ref()
                .map(|r| r.registry.clone())
                .unwrap_or_default();
            view! {
                <RegistryNotesView notes=summary.registry_notes.clone() registry />
                <p class="listing-summary" data-testid="listing-summary">
                    <strong>{group_thousands(entries)}</strong>
                    {if entries == 1 { " entry" } else { " entries" }}
                    " · " {human_size(summary.uncompressed_bytes)} " of tar"
                    " · "
                    {if summary.verified {
                        view! { <span class="ok" title="Every byte read hashed to the layer digest">"✓ verified"</span> }.into_any()
                    } else {
                        view! { <span class="warning" title="The bytes were not (all) checked against the digest">"not verified"</span> }.into_any()
                    }}
                </p>
                <ListingFlow subject=subject.clone() listing trace=summary.trace />
            }
            .into_any()
        }
        Some(Outcome::Cancelled { entries }) => view! {
            <p class="listing-summary notice" role="status" data-testid="listing-cancelled">
                {format!(
                    "Cancelled: {} entr{} listed. The listing below is incomplete.",
                    group_thousands(entries),
                    if entries == 1 { "y" } else { "ies" },
                )}
                " "
                <button type="button" class="link-button" data-testid="listing-restart"
                    on:click=move |_| listing.restart()>"List again"</button>
            </p>
        }
        .into_any(),
        Some(Outcome::Failed(error)) => {
            let layers = listing.layers.get_untracked();
            let (reproduced, choices, _) = filesystem_reproduction(&subject, &layers)
                .map_or((None, Vec::new(), None), |(s, c, n)| (Some(s), c, n));
            view! { <ErrorView error repository=repository.clone() subject=reproduced choices /> }
                .into_any()
        }
    }
}

/// The listing's requests, diagram, Reproduce panel and exports.
#[component]
fn ListingFlow(subject: Subject, listing: Listing, trace: Vec<Exchange>) -> impl IntoView {
    let layers = listing.layers.get_untracked();
    match filesystem_reproduction(&subject, &layers) {
        Some((reproduced, choices, note)) => {
            view! { <FlowPanels subject=reproduced trace choices note /> }.into_any()
        }
        None => view! { <TracePanels trace registry=subject.registry().to_owned() /> }.into_any(),
    }
}

#[component]
fn Progress(listing: Listing) -> impl IntoView {
    let total = listing.total_bytes;
    let read = listing.read_bytes;
    let label = move || {
        let count = listing.entries.get();
        let entries = format!(
            "{} entr{}",
            group_thousands(count),
            if count == 1 { "y" } else { "ies" }
        );
        match total.get() {
            0 => format!("Listing… {entries} so far"),
            t => format!(
                "Reading {} of {} · {entries} so far",
                human_size(read.get().min(t)),
                human_size(t)
            ),
        }
    };
    view! {
        <div class="listing-progress" role="status" data-testid="listing-progress">
            {move || match total.get() {
                // An image without layers: an indeterminate bar.
                0 => view! { <progress aria-label="Listing"></progress> }.into_any(),
                t => view! { <progress max=t.to_string() value=move || read.get().min(t).to_string() aria-label="Bytes read"></progress> }.into_any(),
            }}
            <span class="muted small">{label}</span>
            <button type="button" class="link-button" data-testid="listing-cancel"
                on:click=move |_| listing.cancel()>"Cancel"</button>
        </div>
    }
}
