//! A link whose layer, platform or filesystem part cannot be read: says which part, and
//! leads to the image, which may be fine.

use leptos::prelude::*;

use crate::components::error_view::ErrorContext;
use crate::components::link::Link;

#[component]
pub fn BrokenLink(
    what: &'static str,
    input: String,
    message: String,
    image: String,
) -> impl IntoView {
    let href = crate::links::image_input_href(&image);
    let hint = match what {
        "Filesystem" => "The merged filesystem is `fs=merged`.",
        _ => "Digests are `sha256:` and 64 hex digits; a link cut short loses some of them.",
    };
    view! {
        <ErrorContext what input />
        <section class="error-view" data-testid="error-view" data-kind="broken_link" role="alert">
            <h2>{format!("This link's {} is not valid", what.to_lowercase())}</h2>
            <p class="error-message">{message}</p>
            <p>{hint} " "
                <Link href>{format!("Open {image}")}</Link>
                " to pick from what it holds."</p>
        </section>
    }
}
