//! Where a layer view is: image › layer (or merged filesystem) › the path's directories ›
//! the entry. Every level but the last is a link: the image, the listing, and each folder's
//! own page (its children, and a way into the tree).

use leptos::prelude::*;

use crate::components::link::Link;
use crate::layer_links::Subject;
use crate::links::{file_href, listing_href, view_href};
use crate::view_query::ViewQuery;

#[component]
pub fn Breadcrumbs(subject: Subject, path: Option<String>) -> impl IntoView {
    let image = subject.reference.to_string();
    let image_href = view_href(&ViewQuery {
        image: Some(image.clone()),
        platform: subject.platform.as_ref().map(ToString::to_string),
        ..ViewQuery::default()
    });
    let label = subject.label();
    let source_crumb = match &path {
        Some(_) => view! { <li><Link href=listing_href(&subject) testid="crumb-listing">{label}</Link></li> }.into_any(),
        None => view! { <li aria-current="page">{label}</li> }.into_any(),
    };
    let parts: Vec<String> = path
        .iter()
        .flat_map(|p| p.split('/').filter(|c| !c.is_empty()))
        .map(str::to_owned)
        .collect();
    let last = parts.len().saturating_sub(1);
    let mut at = String::new();
    let path_crumbs = parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            at = format!("{at}/{part}");
            if i == last {
                view! { <li aria-current="page" class="mono">{part}</li> }.into_any()
            } else {
                let href = file_href(&subject, &at);
                view! { <li class="mono"><Link href=href testid="crumb-folder">{part}</Link></li> }
                    .into_any()
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
            <ol>
                <li><Link href=image_href class="mono">{image}</Link></li>
                {source_crumb}
                {path_crumbs}
            </ol>
        </nav>
    }
}
