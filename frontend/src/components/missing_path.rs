//! A path that is not in the image (or the layer): said plainly, with where it was looked
//! for, the paths the proxy found near it, the nearest folder up, and the listing.

use lading_shared::api::ApiError;
use lading_shared::layer::parent;
use leptos::prelude::*;

use crate::components::auth_control::AuthControl;
use crate::components::flow_panels::{FlowPanels, TracePanels};
use crate::components::link::Link;
use crate::components::registry_notes::RegistryNotesView;
use crate::layer_links::{Source, Subject};
use crate::links::{file_href, listing_href};
use crate::pages::file_page::attempted_file;

#[component]
pub fn MissingPath(subject: Subject, path: String, error: ApiError) -> impl IntoView {
    let ApiError {
        message,
        suggestions,
        registry_notes,
        trace,
        ..
    } = error;
    let place = match &subject.source {
        Source::Layer(digest) => format!("layer {} of {}", digest.short(), subject.reference),
        Source::Merged => format!("the merged filesystem of {}", subject.reference),
    };
    let searched = path.clone();
    let up = parent(&path).to_owned();
    let up_link = if up == "/" {
        view! { <Link href=listing_href(&subject) testid="missing-up">"the top of the listing"</Link> }
            .into_any()
    } else {
        view! { <Link href=file_href(&subject, &up) class="mono" testid="missing-up">{up.clone()}</Link> }
            .into_any()
    };
    let near = (!suggestions.is_empty()).then(|| {
        let items = suggestions
            .into_iter()
            .map(|p| view! { <li><Link href=file_href(&subject, &p) class="mono" testid="missing-suggestion">{p}</Link></li> })
            .collect_view();
        view! { <p>"Paths that are there:"</p><ul class="suggestions">{items}</ul> }
    });
    view! {
        <section class="error-view" data-testid="error-view" data-kind="not_in_image">
            <p class="eyebrow">"Not in the image"</p>
            <h1 class="reference"><span class="mono">{path.clone()}</span></h1>
            <p data-testid="missing-path">
                <code>{path}</code> " is not in " {place} "."
            </p>
            <p class="muted small">{message}</p>
            {near}
            <p>"Go up to " {up_link} ", or " <Link href=listing_href(&subject)>"open the whole listing"</Link> "."</p>
            <AuthControl registry=subject.registry().to_owned() />
            <RegistryNotesView notes=registry_notes registry=subject.registry().to_owned() />
        </section>
        {match attempted_file(&subject, &searched) {
            Some(reproduced) => view! { <FlowPanels subject=reproduced trace /> }.into_any(),
            None => view! { <TracePanels trace registry=subject.registry().to_owned() /> }.into_any(),
        }}
    }
}
