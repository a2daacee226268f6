//! The app shell and its one route. Every view lives at `/`, chosen by the query
//! (`?image=`, `?repo=`, neither), so any view is a plain link that opens fresh.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_query_map;
use leptos_router::path;

use crate::components::header_bar::HeaderBar;
use crate::credentials::Credentials;
use crate::pages::home_page::HomePage;
use crate::pages::image_page::ImagePage;
use crate::pages::not_found_page::NotFoundPage;
use crate::pages::tags_page::TagsPage;

/// Query parameter of the image view (fixed: shared links depend on it).
pub const IMAGE_PARAM: &str = "image";
/// Query parameter of the tag list (fixed: shared links depend on it).
pub const REPO_PARAM: &str = "repo";

#[component]
pub fn App() -> impl IntoView {
    Credentials::provide();
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Home,
    Image,
    Tags,
}

/// Switches page only when the kind of view changes: going from one image to another keeps
/// the page (and its Transition), so the old image stays up while the new one loads.
#[component]
fn RootView() -> impl IntoView {
    let query = use_query_map();
    let view = Memo::new(move |_| {
        let query = query.read();
        if query.get_str(IMAGE_PARAM).is_some() {
            View::Image
        } else if query.get_str(REPO_PARAM).is_some() {
            View::Tags
        } else {
            View::Home
        }
    });
    move || match view.get() {
        View::Home => view! { <HomePage /> }.into_any(),
        View::Image => view! { <ImagePage /> }.into_any(),
        View::Tags => view! { <TagsPage /> }.into_any(),
    }
}
