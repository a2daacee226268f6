//! The app shell and its one route. Every view lives at `/`, chosen by the query
//! (`?image=`, with `&layer=` or `&fs=merged` and maybe `&path=`; `?repo=`; `?registry=`
//! with maybe `&namespace=`; `?learn=`; none), so any
//! view is a plain link that opens fresh. The query is read once, into a typed [`Page`].

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::error_view::{ErrorContext, ErrorView};
use crate::components::header_bar::HeaderBar;
use crate::credentials::Credentials;
use crate::pages::catalog_page::CatalogPage;
use crate::pages::file_page::FilePage;
use crate::pages::home_page::HomePage;
use crate::pages::image_page::ImagePage;
use crate::pages::learn_page::LearnPage;
use crate::pages::listing_page::ListingPage;
use crate::pages::not_found_page::NotFoundPage;
use crate::pages::tags_page::TagsPage;
use crate::view_query::Page;
use crate::view_state::ViewState;

/// Query parameters of the image view and the tag list (fixed: shared links depend on them).
pub use crate::view_query::{IMAGE as IMAGE_PARAM, REPO as REPO_PARAM};

#[component]
pub fn App() -> impl IntoView {
    Credentials::provide();
    crate::scroll_memory::install();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <HeaderBar />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=RootView />
                </Routes>
            </main>
            <footer class="footer muted small">
                "Lading shows what registries send, as text. Nothing you look at is stored."
            </footer>
        </Router>
    }
}

/// Picks the page. [`Page`] leaves out the view's set-up (filter, sort, open folders…), so
/// changing that keeps the page; a new subject gets a new page, which shows its loading
/// state rather than the previous subject under the new URL.
#[component]
fn RootView() -> impl IntoView {
    ViewState::provide();
    let query = ViewState::get().query;
    let page = Memo::new(move |_| query.with(Page::parse));
    move || match page.get() {
        Page::Home => view! { <HomePage /> }.into_any(),
        Page::Learn { topic, reference } => view! { <LearnPage topic reference /> }.into_any(),
        Page::Image { .. } => view! { <ImagePage /> }.into_any(),
        Page::Tags { input } => view! { <TagsPage input /> }.into_any(),
        Page::Catalog {
            registry,
            namespace,
        } => view! { <CatalogPage registry namespace /> }.into_any(),
        Page::Listing(subject) => view! { <ListingPage subject /> }.into_any(),
        Page::File { subject, path } => view! { <FilePage subject path /> }.into_any(),
        Page::Invalid {
            what: crate::pages::learn_page::WHAT,
            input,
            ..
        } => view! { <crate::pages::learn_page::UnknownTopic input /> }.into_any(),
        Page::Invalid {
            what: "Image",
            input,
            message,
        } => {
            let error =
                crate::api::local_error(lading_shared::api::ErrorKind::InvalidReference, message);
            view! {
                <ErrorContext what="Image" input />
                <ErrorView error repository=None />
            }
            .into_any()
        }
        Page::Invalid {
            what,
            input,
            message,
        } => {
            let image = query
                .with_untracked(|q| q.image.clone())
                .unwrap_or_default();
            view! { <crate::components::broken_link::BrokenLink what input message image /> }
                .into_any()
        }
    }
}
