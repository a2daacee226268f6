//! The image view's "Supply chain" section: what refers to this manifest — signatures,
//! attestations and SBOMs, other artifacts — from `/api/referrers`, asked once the image has
//! been shown (the section loads on its own, never holding the image up). Each referrer
//! links to its own view (`repository@digest`, its shareable URL). A signature can be
//! checked with a pasted public key (`verify`).

mod referrer_table;
mod trace_panel;
mod verify;
mod words;

use lading_shared::Reference;
use lading_shared::api::{ApiError, ReferrersQuery, ReferrersResponse};
use leptos::prelude::*;

pub use referrer_table::PlatformNames;

use crate::api::fetch_referrers;
use crate::components::error_view::ErrorView;
use crate::components::loading::Loading;
use crate::credentials::Credentials;
use referrer_table::ReferrerTable;
use trace_panel::TracePanel;
use words::{Group, api_words, looked_at};

#[component]
pub fn SupplyChain(
    /// The manifest shown, pinned to its digest: its referrers are asked for by digest, so a
    /// tag moving meanwhile cannot change the answer.
    reference: Reference,
    /// For an index: its images' platforms, to name what an attestation describes.
    #[prop(optional)]
    platforms: PlatformNames,
) -> impl IntoView {
    let header = Credentials::get().header_for(&reference.registry);
    let query = ReferrersQuery {
        reference: reference.to_string(),
        artifact_type: None,
    };
    let resource = LocalResource::new(move || {
        let (query, header) = (query.clone(), header.clone());
        async move { fetch_referrers(&query, header).await }
    });
    let platforms = StoredValue::new(platforms);
    view! {
        <section class="card supply-chain" data-testid="supply-chain" aria-labelledby="supply-chain-heading">
            <h2 id="supply-chain-heading">"Supply chain"</h2>
            <p class="muted small">
                "What refers to this manifest: signatures, attestations, SBOMs and other \
                 artifacts, as the registry lists them. Lading links them; a signature is verified \
                 only with a public key you paste."
            </p>
            <Suspense fallback=|| view! { <Loading label="Looking for signatures, attestations and SBOMs…" /> }>
                {move || {
                    let reference = reference.clone();
                    Suspend::new(async move {
                        match resource.await {
                            Ok(response) => view! { <Found reference response platforms /> }.into_any(),
                            Err(error) => view! {
                                <Failed reference error on_retry=Callback::new(move |()| resource.refetch()) />
                            }
                            .into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Found(
    reference: Reference,
    response: ReferrersResponse,
    platforms: StoredValue<PlatformNames>,
) -> impl IntoView {
    let api = api_words(&response);
    let places = looked_at(&response);
    let ReferrersResponse {
        referrers,
        notes,
        trace,
        ..
    } = response;
    let body = if referrers.is_empty() {
        view! {
            <div class="supply-empty" data-testid="supply-empty">
                <p>"Nothing refers to this image: no signatures, attestations or SBOMs were found."</p>
                <p class="muted small">"Looked at:"</p>
                <ul class="muted small">
                    {places.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any()
    } else {
        let groups = Group::ALL
            .into_iter()
            .filter_map(|group| {
                let members: Vec<_> = referrers
                    .iter()
                    .filter(|r| Group::of(r) == group)
                    .cloned()
                    .collect();
                (!members.is_empty()).then(|| {
                    view! { <ReferrerTable group reference=reference.clone() referrers=members platforms /> }
                })
            })
            .collect_view();
        let notes = (!notes.is_empty()).then(|| {
            view! {
                <ul class="muted small supply-notes">
                    {notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                </ul>
            }
        });
        view! { {groups} {notes} }.into_any()
    };
    view! {
        <p class="small" data-testid="referrers-api">"Referrers: " {api} "."</p>
        {body}
        <TracePanel trace />
    }
}

/// The proxy's error, explained by the one error component; its exchanges go to this
/// section's own panel (the view's main Requests panel stays the only one).
#[component]
fn Failed(reference: Reference, error: ApiError, on_retry: Callback<()>) -> impl IntoView {
    let mut error = error;
    let trace = std::mem::take(&mut error.trace);
    let traced = !trace.is_empty();
    view! {
        <div class="supply-error" data-testid="supply-error">
            <ErrorView error repository=Some(reference.repository()) on_retry=Some(on_retry) />
            {traced.then(|| view! { <TracePanel trace /> })}
        </div>
    }
}
