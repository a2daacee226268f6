//! The bar on every page: the app name (home) and, away from home, a compact paste box that
//! holds what is being viewed (the image, or the repository of a tag list), so it can be
//! edited into the next reference.

use crate::components::link::Link;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::app::{IMAGE_PARAM, REPO_PARAM};
use crate::components::reference_form::ReferenceForm;
use crate::view_query::REGISTRY as REGISTRY_PARAM;

#[component]
pub fn HeaderBar() -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| {
        let query = query.read();
        query
            .get_str(IMAGE_PARAM)
            .or_else(|| query.get_str(REPO_PARAM))
            .map(str::to_owned)
            // A catalog page: an empty box, to type a reference from there.
            .or_else(|| query.get_str(REGISTRY_PARAM).map(|_| String::new()))
    });
    view! {
        <header class="topbar">
            <Link href="/" class="brand" label="Lading home">
                <span class="brand-mark" aria-hidden="true"></span>
                "Lading"
            </Link>
            <Show when=move || current.get().is_some()>
                <ReferenceForm
                    compact=true
                    testid="header-reference-input"
                    current=Signal::derive(move || current.get().unwrap_or_default())
                />
            </Show>
        </header>
    }
}
