//! A download (layer blob, image export, file): a plain link when no credentials are stored
//! for the image's registry — shareable, streamed to disk by the browser — and otherwise a
//! form posting the same fields plus the credentials. A link cannot carry the credentials
//! header and credentials never go in a URL; fetching into a Blob would hold a
//! multi-hundred-megabyte layer in memory. The posted answer is an attachment, so the page
//! stays where it is.

use leptos::prelude::*;

use crate::credentials::Credentials;
use crate::layer_links::Download;

#[component]
pub fn DownloadLink(
    download: Download,
    label: &'static str,
    /// Looks like a button (`.button`) rather than a link.
    #[prop(optional)]
    button: bool,
    /// The link's `download` name; a posted form gets it from `Content-Disposition`.
    #[prop(optional, into)]
    file_name: String,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let credentials = Credentials::get();
    // Reactive: signing in or out swaps the link for the form and back.
    move || match credentials.header_for(&download.registry) {
        None => view! {
            <a
                href=download.href()
                download=file_name.clone()
                class=button.then_some("button")
                data-testid=testid
            >
                {label}
            </a>
        }
        .into_any(),
        Some(secret) => {
            let fields = download
                .form_fields(&secret)
                .into_iter()
                .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                .collect_view();
            let class = if button { "button" } else { "link-button" };
            view! {
                <form class="download-form" method="post" action=download.href()>
                    {fields}
                    <button type="submit" class=class data-testid=testid>{label}</button>
                </form>
            }
            .into_any()
        }
    }
}
