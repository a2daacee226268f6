//! `/?image=REF&layer=DIGEST` and `/?image=REF&fs=merged`: a layer's files, or the merged
//! filesystem, streamed in. Entries go into the tree as each network chunk arrives, so the
//! listing fills while the proxy is still reading the layer. Signing in (or out) for the
//! image's registry lists again with the new credentials.

use leptos::prelude::*;

use crate::components::auth_control::AuthControl;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::digest_label::DigestLabel;
use crate::components::download_link::DownloadLink;
use crate::components::link::Link;
use crate::components::listing_status::ListingStatus;
use crate::components::listing_tree::ListingTree;
use crate::credentials::Credentials;
use crate::format::human_size;
use crate::layer_links::{Download, Source, Subject};
use crate::links::listing_href;
use crate::listing_stream::{Listing, Outcome};
use crate::pages::set_title;

#[component]
pub fn ListingPage(subject: Subject) -> impl IntoView {
    let listing = Listing::new();
    set_title(Some(&match &subject.source {
        Source::Layer(digest) => format!("Layer {} of {}", digest.short(), subject.reference),
        Source::Merged => format!("Files of {}", subject.reference),
    }));
    let credentials = Credentials::get();
    Effect::new({
        let subject = subject.clone();
        move |_| {
            // Tracks the credentials: a sign-in restarts the listing with them.
            let header = credentials.header_for(subject.registry());
            untrack(|| listing.start(subject.clone(), header));
        }
    });
    let repository = Some(subject.reference.repository());
    view! {
        <Breadcrumbs subject=subject.clone() path=None />
        <ListingHeader subject=subject.clone() listing />
        <ListingStatus listing repository subject=subject.clone() />
        // A listing that failed before its first entry (choose a platform, not in the image,
        // sign in) has no tree to show: the error says what to do instead.
        <Show when=move || !failed_empty(listing)>
            <ListingTree subject=subject.clone() listing />
        </Show>
    }
}

fn failed_empty(listing: Listing) -> bool {
    matches!(listing.outcome.get(), Some(Outcome::Failed(_))) && listing.entries.get() == 0
}

/// What is listed: one layer (its digest, type, size, download) or the whole image.
#[component]
fn ListingHeader(subject: Subject, listing: Listing) -> impl IntoView {
    let (eyebrow, title) = match &subject.source {
        Source::Layer(digest) => ("Layer", digest.short()),
        Source::Merged => ("Merged filesystem", subject.reference.to_string()),
    };
    let merged = subject.source == Source::Merged;
    let facts = move || {
        let layers = listing.layers.get();
        match (merged, layers.as_slice()) {
            (false, [layer]) => {
                let compression = layer.compression.map_or("", |c| c.as_str());
                view! {
                    <p class="muted layer-facts">
                        <DigestLabel digest=layer.digest.clone() full=true /> " · "
                        {human_size(layer.size)} " " {compression} " · " <code class="small">{layer.media_type.to_string()}</code>
                    </p>
                }
                .into_any()
            }
            (true, layers) if !layers.is_empty() => view! {
                <p class="muted">
                    {applied_caption(layers.len())}
                </p>
            }
            .into_any(),
            _ => ().into_any(),
        }
    };
    let actions = subject.clone();
    let download = move || {
        let subject = &actions;
        let (reference, platform) = (&subject.reference, subject.platform.as_ref());
        match &subject.source {
        Source::Layer(digest) => view! {
            <DownloadLink download=Download::blob(reference, platform, digest) label="Download layer" button=true />
            <Link href=listing_href(&subject.with_source(Source::Merged)) class="button">"Browse merged filesystem"</Link>
        }
        .into_any(),
        Source::Merged => view! {
            <DownloadLink download=Download::export(reference, platform) label="Export image (.tar)" button=true />
        }
        .into_any(),
        }
    };
    view! {
        <section class="image-header">
            <p class="eyebrow">{eyebrow}</p>
            <h1 class="reference"><span class="mono">{title}</span></h1>
            {facts}
            <nav class="actions" aria-label="Listing actions">
                <Show when=move || !failed_empty(listing)>{download.clone()}</Show>
                <AuthControl registry=subject.registry().to_owned() />
            </nav>
        </section>
    }
}

/// What the merged view is, for its header.
fn applied_caption(layers: usize) -> String {
    let count = match layers {
        1 => "1 layer".to_owned(),
        n => format!("{n} layers"),
    };
    format!(
        "{count} applied in order, bottom first: later layers replace and delete what earlier ones wrote."
    )
}
