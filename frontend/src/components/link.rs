//! An in-app link. Clicks on it are routed client-side by the `<Router>` (its document-wide
//! click handler takes any same-origin `<a>`), so views change without a reload.
//!
//! Not leptos_router's `<A>`: it sets `aria-current="page"` by comparing paths only, and every
//! Lading view lives at `/` (state is in the query), so each link would tell screen readers
//! it is the current page. Hrefs here are absolute, so `<A>`'s relative resolution is moot.

use leptos::prelude::*;

#[component]
pub fn Link(
    #[prop(into)] href: String,
    #[prop(optional, into)] class: Option<String>,
    #[prop(optional, into)] title: Option<String>,
    /// `aria-label`, when the visible text is not the name (a logo).
    #[prop(optional, into)]
    label: Option<String>,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <a href=href class=class title=title aria-label=label data-testid=testid>
            {children()}
        </a>
    }
}
