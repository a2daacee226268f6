//! The view's trace to take away: a HAR 1.2 file (browser devtools and HAR viewers load
//! it), a Postman collection (v2.1) and the sequence diagram as Mermaid. Each is built in
//! the page from the same [`Flow`] as the panels and offered as a `blob:` link, so nothing
//! is sent anywhere and the files hold exactly what the page has (already redacted).

use lading_shared::reproduce::{Flow, file_stem, har, mermaid, postman};
use leptos::prelude::*;

use crate::components::copy_button::CopyButton;

const JSON: &str = "application/json";
const TEXT: &str = "text/plain;charset=utf-8";

#[component]
pub fn ExportLinks(flow: Flow) -> impl IntoView {
    let stem = file_stem(&flow.subject);
    let mermaid = mermaid::diagram(&flow);
    view! {
        <div class="flow-exports" data-testid="flow-exports">
            <span class="muted small">"Export these requests:"</span>
            <BlobLink
                text=har::har(&flow)
                mime=JSON
                file_name=format!("{stem}.har")
                export="har"
                title="HTTP Archive 1.2: opens in browser devtools and HAR viewers"
            >
                "HAR"
            </BlobLink>
            <BlobLink
                text=postman::collection(&flow)
                mime=JSON
                file_name=format!("{stem}.postman_collection.json")
                export="postman"
                title="Postman collection v2.1, credentials as variables"
            >
                "Postman"
            </BlobLink>
            <BlobLink
                text=mermaid.clone()
                mime=TEXT
                file_name=format!("{stem}.mmd")
                export="mermaid"
                title="The sequence diagram as Mermaid source"
            >
                "Mermaid"
            </BlobLink>
            <CopyButton text=mermaid what="the diagram as Mermaid" label="Copy as Mermaid" testid="copy-mermaid" />
        </div>
    }
}

/// A link that downloads `text` as `file_name`, through a `blob:` URL made for it and
/// revoked when the link goes (a new subject or page), so old texts do not pile up.
#[component]
pub fn BlobLink(
    text: String,
    mime: &'static str,
    #[prop(into)] file_name: String,
    /// The `data-export` name (`har`, `postman`, `mermaid`).
    #[prop(optional)]
    export: Option<&'static str>,
    #[prop(optional, into)] title: Option<String>,
    #[prop(optional)] testid: Option<&'static str>,
    /// Looks like a button.
    #[prop(optional)]
    button: bool,
    children: Children,
) -> impl IntoView {
    let href = object_url(&text, mime);
    if let Some(url) = href.clone() {
        on_cleanup(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
    }
    view! {
        <a
            href=href
            download=file_name
            class=if button { "button blob-link" } else { "blob-link" }
            data-export=export
            data-testid=testid
            title=title
        >
            {children()}
        </a>
    }
}

/// A `blob:` URL holding `text`, or `None` outside a browser.
fn object_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
