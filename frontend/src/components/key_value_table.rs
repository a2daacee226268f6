//! Labels and annotations: keys and values as text, values that are http(s) URLs as links
//! (`rel="noopener noreferrer nofollow"`: they come from whoever pushed the image).

use lading_shared::api::is_linkable_url;
use leptos::prelude::*;

#[component]
pub fn KeyValueTable(entries: Vec<(String, String)>) -> impl IntoView {
    view! {
        <dl class="key-values">
            {entries
                .into_iter()
                .map(|(key, value)| view! { <dt>{key}</dt><dd><Value text=value /></dd> })
                .collect_view()}
        </dl>
    }
}

/// Text that becomes a link only when it is an http(s) URL.
#[component]
pub fn Value(text: String) -> impl IntoView {
    if is_linkable_url(&text) {
        let href = text.trim().to_string();
        view! {
            <a href=href target="_blank" rel="noopener noreferrer nofollow" class="external">{text}</a>
        }
        .into_any()
    } else {
        view! { <span class="value">{text}</span> }.into_any()
    }
}
