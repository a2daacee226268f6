//! A digest in monospace: shortened in tables (full text on hover), optionally a link to
//! the manifest it names, always copyable.

use crate::components::link::Link;
use lading_shared::Digest;
use leptos::prelude::*;

use crate::components::copy_button::CopyButton;

#[component]
pub fn DigestLabel(
    digest: Digest,
    /// The image view of this digest, when it names a manifest.
    #[prop(optional, into)]
    href: Option<String>,
    /// Show all 64 hex characters rather than the first 12.
    #[prop(optional)]
    full: bool,
) -> impl IntoView {
    let text = digest.to_string();
    let shown = if full { text.clone() } else { digest.short() };
    let label = match href {
        Some(href) => view! {
            <Link href=href class="digest mono" title=text.clone()>{shown}</Link>
        }
        .into_any(),
        None => view! { <code class="digest" title=text.clone()>{shown}</code> }.into_any(),
    };
    view! {
        <span class="digest-label">
            {label}
            <CopyButton text=text what="digest" />
        </span>
    }
}
