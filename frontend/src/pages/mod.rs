//! One page per view; `app.rs` picks which from the URL.

pub mod catalog_page;
pub mod file_page;
pub mod home_page;
pub mod image_page;
pub mod learn_page;
pub mod listing_page;
pub mod not_found_page;
pub mod tags_page;

/// Sets the document title: "alpine:3.9 · Lading", or "Lading" at home.
pub fn set_title(subject: Option<&str>) {
    let title = match subject {
        Some(subject) => format!("{subject} · Lading"),
        None => "Lading".to_string(),
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&title);
    }
}
