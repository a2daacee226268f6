//! `/?image=REF&layer=DIGEST` and `/?image=REF&fs=merged`: a layer's files, or the merged
//! filesystem, streamed in. Entries go into the tree as each network chunk arrives, so the
//! listing fills while the proxy is still reading the layer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use lading_shared::Reference;
use lading_shared::api::{ApiError, ErrorKind};
use lading_shared::layer::{LayerInfo, ListingEvent, ListingSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::local_error;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::digest_label::DigestLabel;
use crate::components::download_link::DownloadLink;
use crate::components::link::Link;
use crate::components::listing_status::ListingStatus;
use crate::components::listing_tree::ListingTree;
use crate::credentials::Credentials;
use crate::format::human_size;
use crate::layer_links::{Download, Source, listing_api_url, listing_href, short_digest as short};
use crate::listing_stream::stream_listing;
use crate::pages::set_title;
use crate::tree::Tree;

/// How a listing ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Done(ListingSummary),
    Failed(ApiError),
}

/// Everything the stream has said so far, as signals the view reads.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    pub layers: RwSignal<Vec<LayerInfo>>,
    pub total_bytes: RwSignal<u64>,
    pub read_bytes: RwSignal<u64>,
    pub entries: RwSignal<usize>,
    pub tree: RwSignal<Tree>,
    pub outcome: RwSignal<Option<Outcome>>,
}

impl Listing {
    fn new() -> Listing {
        Listing {
            layers: RwSignal::new(Vec::new()),
            total_bytes: RwSignal::new(0),
            read_bytes: RwSignal::new(0),
            entries: RwSignal::new(0),
            tree: RwSignal::new(Tree::default()),
            outcome: RwSignal::new(None),
        }
    }

    /// One chunk's events: all its entries go into the tree in one update (one re-render).
    fn apply(&self, events: Vec<ListingEvent>) {
        let mut batch = Vec::new();
        for event in events {
            match event {
                ListingEvent::Start {
                    layers,
                    total_bytes,
                } => {
                    self.layers.set(layers);
                    self.total_bytes.set(total_bytes);
                }
                ListingEvent::Entries { entries } => batch.extend(entries),
                ListingEvent::Progress { read_bytes } => self.read_bytes.set(read_bytes),
                ListingEvent::Done(summary) => self.outcome.set(Some(Outcome::Done(summary))),
                ListingEvent::Error(error) => self.outcome.set(Some(Outcome::Failed(error))),
            }
        }
        if !batch.is_empty() {
            self.entries.update(|n| *n += batch.len());
            self.tree
                .update(|tree| batch.into_iter().for_each(|e| tree.insert(e)));
        }
    }
}

#[component]
pub fn ListingPage(image: String, source: Source) -> impl IntoView {
    let listing = Listing::new();
    let cancelled = Arc::new(AtomicBool::new(false));
    on_cleanup({
        let cancelled = cancelled.clone();
        move || cancelled.store(true, Ordering::Relaxed)
    });
    let reference = Reference::parse(&image);
    set_title(Some(&match &source {
        Source::Layer(digest) => format!("Layer {} of {image}", short(digest)),
        Source::Merged => format!("Files of {image}"),
    }));
    match &reference {
        Ok(reference) => {
            let credentials = Credentials::get().header_for(&reference.registry);
            let url = listing_api_url(&image, &source);
            spawn_local(async move {
                let result = stream_listing(&url, credentials, |events| {
                    // The view is gone: stop reading rather than write to disposed signals.
                    if cancelled.load(Ordering::Relaxed) {
                        return false;
                    }
                    listing.apply(events);
                    true
                })
                .await;
                if cancelled.load(Ordering::Relaxed) {
                    return;
                }
                let outcome = match result {
                    Err(error) => Some(Outcome::Failed(error)),
                    Ok(()) if listing.outcome.with_untracked(Option::is_none) => {
                        Some(Outcome::Failed(local_error(
                            ErrorKind::Unreachable,
                            "The listing ended before the server said it was done; it may be incomplete.".to_owned(),
                        )))
                    }
                    Ok(()) => None,
                };
                if outcome.is_some() {
                    listing.outcome.set(outcome);
                }
            });
        }
        Err(e) => listing.outcome.set(Some(Outcome::Failed(local_error(
            ErrorKind::InvalidReference,
            e.to_string(),
        )))),
    }
    let repository = reference.ok().map(|r| r.repository());
    view! {
        <Breadcrumbs image=image.clone() source=source.clone() path=None />
        <ListingHeader image=image.clone() source=source.clone() listing />
        <ListingStatus listing repository />
        <ListingTree image source listing />
    }
}

/// What is listed: one layer (its digest, type, size, download) or the whole image.
#[component]
fn ListingHeader(image: String, source: Source, listing: Listing) -> impl IntoView {
    let (eyebrow, title) = match &source {
        Source::Layer(digest) => ("Layer", short(digest)),
        Source::Merged => ("Merged filesystem", image.clone()),
    };
    let merged = source == Source::Merged;
    let facts = move || {
        let layers = listing.layers.get();
        match (merged, layers.as_slice()) {
            (false, [layer]) => {
                let compression = layer.compression.map_or("", |c| c.as_str());
                view! {
                    <p class="muted">
                        <DigestLabel digest=layer.digest.clone() full=true /> " · "
                        {human_size(layer.size)} " " {compression} " · " <code class="small">{layer.media_type.to_string()}</code>
                    </p>
                }
                .into_any()
            }
            (true, layers) if !layers.is_empty() => view! {
                <p class="muted">
                    {format!("{} layers applied in order, bottom first: later layers replace and delete what earlier ones wrote.", layers.len())}
                </p>
            }
            .into_any(),
            _ => ().into_any(),
        }
    };
    let download = match &source {
        Source::Layer(digest) => view! {
            <DownloadLink download=Download::blob(&image, digest) label="Download layer" button=true />
            <Link href=listing_href(&image, &Source::Merged) class="button">"Browse merged filesystem"</Link>
        }
        .into_any(),
        Source::Merged => view! {
            <DownloadLink download=Download::export(&image) label="Export image (.tar)" button=true />
        }
        .into_any(),
    };
    view! {
        <section class="image-header">
            <p class="eyebrow">{eyebrow}</p>
            <h1 class="reference"><span class="mono">{title}</span></h1>
            {facts}
            <nav class="actions" aria-label="Listing actions">{download}</nav>
        </section>
    }
}
