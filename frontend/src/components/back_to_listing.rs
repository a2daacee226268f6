//! "Back to the listing" from a file or directory page.

use leptos::prelude::*;

use crate::layer_links::Subject;
use crate::links::listing_href;
use crate::view_query::Page;
use crate::view_state::{ViewState, go_back};

/// "Back to the listing": a real Back when the listing is the page before, so it comes
/// back as it was left (filter, open folders, scroll); otherwise a link to it.
#[component]
pub fn BackToListing(subject: Subject) -> impl IntoView {
    let href = listing_href(&subject);
    let view = ViewState::get();
    let target = Page::Listing(subject);
    view! {
        <a href=href class="button" data-testid="back-to-listing"
            on:click=move |ev| {
                if view.came_from(&target) {
                    ev.prevent_default();
                    go_back();
                }
            }>
            "Back to the listing"
        </a>
    }
}
