//! Where a layer view is: image › layer (or merged filesystem) › the path's directories ›
//! the file. Every level but the last is a link back.

use leptos::prelude::*;

use crate::components::link::Link;
use crate::format::image_input_href;
use crate::layer_links::{Source, listing_href, short_digest as short};

#[component]
pub fn Breadcrumbs(image: String, source: Source, path: Option<String>) -> impl IntoView {
    let source_label = match &source {
        Source::Layer(digest) => format!("Layer {}", short(digest)),
        Source::Merged => "Merged filesystem".to_owned(),
    };
    let source_crumb = match &path {
        Some(_) => view! { <li><Link href=listing_href(&image, &source) testid="crumb-listing">{source_label}</Link></li> }.into_any(),
        None => view! { <li aria-current="page">{source_label}</li> }.into_any(),
    };
    let parts: Vec<String> = path
        .iter()
        .flat_map(|p| p.split('/').filter(|c| !c.is_empty()))
        .map(str::to_owned)
        .collect();
    let last = parts.len().saturating_sub(1);
    let path_crumbs = parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            if i == last {
                view! { <li aria-current="page" class="mono">{part}</li> }.into_any()
            } else {
                view! { <li class="mono muted">{part}</li> }.into_any()
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
            <ol>
                <li><Link href=image_input_href(&image) class="mono">{image.clone()}</Link></li>
                {source_crumb}
                {path_crumbs}
            </ol>
        </nav>
    }
}
