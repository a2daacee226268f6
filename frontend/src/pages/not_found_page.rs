//! Any path but `/`: every view lives at `/` with its state in the query.

use crate::components::link::Link;
use leptos::prelude::*;

use crate::pages::set_title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_title(Some("Not found"));
    view! {
        <section class="error-view" data-testid="error-view" data-kind="not_found">
            <h2>"No such page"</h2>
            <p>"Lading's views live at " <code>"/?image=REFERENCE"</code> " and "
               <code>"/?repo=REGISTRY/REPOSITORY"</code> "."</p>
            <p><Link href="/">"Go home"</Link></p>
        </section>
    }
}
