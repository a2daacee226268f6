//! Lading's web app: look inside a container registry from the browser.
//!
//! Data flows one way: the URL's query names what to show, a typed call to the Lading proxy
//! fetches it (with the exchanges the proxy made), and components render the typed answer.
//! All protocol knowledge (parsing references, classifying index entries, aligning history
//! with layers) comes from `lading-shared`; this crate only decides how things look.
//! Everything a registry says is rendered as text; only http(s) URLs become links.

mod api;
mod app;
mod catalog_input;
mod components;
mod credentials;
mod file_format;
mod format;
mod layer_links;
mod links;
mod listing_stream;
mod name_filter;
mod ndjson;
mod pages;
mod pretty_json;
mod scroll_memory;
mod tag_order;
mod tree;
mod view_query;
mod view_state;
mod when;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
