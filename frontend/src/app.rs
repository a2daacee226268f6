//! The app shell and its one route. Every view lives at `/`, chosen by the query
//! (`?image=`, with `&layer=` or `&fs=merged` and maybe `&path=`; `?repo=`; neither), so any
//! view is a plain link that opens fresh.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_query_map;
use leptos_router::path;

use crate::components::header_bar::HeaderBar;
use crate::credentials::Credentials;
use crate::layer_links::{FS_MERGED, FS_PARAM, LAYER_PARAM, PATH_PARAM, Source};
use crate::pages::file_page::FilePage;
use crate::pages::home_page::HomePage;
use crate::pages::image_page::ImagePage;
use crate::pages::listing_page::ListingPage;
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

#[derive(Debug, Clone, PartialEq, Eq)]
enum View {
    Home,
    Image,
    Tags,
    /// Listings and files carry their subject, so a new subject gets a fresh page (and a
    /// running stream is dropped with the old one).
    Listing {
        image: String,
        source: Source,
    },
    File {
        image: String,
        source: Source,
        path: String,
    },
}

/// Switches page only when the kind of view changes: going from one image to another keeps
/// the page (and its Transition), so the old image stays up while the new one loads.
#[component]
fn RootView() -> impl IntoView {
    let query = use_query_map();
    let view = Memo::new(move |_| {
        let query = query.read();
        let source = match (query.get_str(LAYER_PARAM), query.get_str(FS_PARAM)) {
            (Some(layer), _) => Some(Source::Layer(layer.to_owned())),
            (None, Some(FS_MERGED)) => Some(Source::Merged),
            _ => None,
        };
        if let (Some(image), Some(source)) = (query.get_str(IMAGE_PARAM), source) {
            let image = image.to_owned();
            match query.get_str(PATH_PARAM) {
                Some(path) => View::File {
                    image,
                    source,
                    path: path.to_owned(),
                },
                None => View::Listing { image, source },
            }
        } else if query.get_str(IMAGE_PARAM).is_some() {
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
        View::Listing { image, source } => view! { <ListingPage image source /> }.into_any(),
        View::File {
            image,
            source,
            path,
        } => view! { <FilePage image source path /> }.into_any(),
    }
}
