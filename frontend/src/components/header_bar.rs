//! The bar on every page: the app name (home) and, away from home, a compact paste box.

use crate::components::link::Link;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::app::{IMAGE_PARAM, REPO_PARAM};
use crate::components::reference_form::ReferenceForm;

#[component]
pub fn HeaderBar() -> impl IntoView {
    let query = use_query_map();
    let at_home = Memo::new(move |_| {
        let query = query.read();
        query.get_str(IMAGE_PARAM).is_none() && query.get_str(REPO_PARAM).is_none()
    });
    view! {
        <header class="topbar">
            <Link href="/" class="brand" label="Lading home">
                <span class="brand-mark" aria-hidden="true"></span>
                "Lading"
            </Link>
            <Show when=move || !at_home.get()>
                <ReferenceForm compact=true testid="header-reference-input" />
            </Show>
        </header>
    }
}
