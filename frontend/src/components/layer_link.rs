//! "#2 sha256:abc…": the layer an entry came from, linked to that layer's listing.

use lading_shared::Digest;
use leptos::prelude::*;

use crate::components::link::Link;
use crate::layer_links::{Source, Subject};
use crate::links::listing_href;

/// `index` counts from 0 (bottom); people count layers from 1.
#[component]
pub fn LayerLink(subject: Subject, index: usize, digest: Digest) -> impl IntoView {
    let href = listing_href(&subject.with_source(Source::Layer(digest.clone())));
    view! {
        <Link href=href class="mono" title=digest.to_string()>
            {format!("#{} {}", index + 1, digest.short())}
        </Link>
    }
}
