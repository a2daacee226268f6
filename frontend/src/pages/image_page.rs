//! `/?image=REFERENCE`: one manifest of any kind, fetched through the proxy.

use lading_shared::api::{ErrorKind, ImageResponse};
use lading_shared::{Manifest, Reference};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{fetch_image, local_error};
use crate::app::IMAGE_PARAM;
use crate::components::error_view::{ErrorContext, ErrorView};
use crate::components::image_header::{HeaderFacts, ImageHeader};
use crate::components::image_view::ImageView;
use crate::components::index_view::IndexView;
use crate::components::loading::Loading;
use crate::components::raw_json::{RawDocument, RawJson};
use crate::components::requests_panel::RequestsPanel;
use crate::components::schema1_view::Schema1View;
use crate::credentials::Credentials;
use crate::format::image_href;
use crate::pages::set_title;

#[component]
pub fn ImagePage() -> impl IntoView {
    let query = use_query_map();
    let input = Memo::new(move |_| query.read().get(IMAGE_PARAM).unwrap_or_default());
    let credentials = Credentials::get();
    let resource = LocalResource::new(move || {
        let input = input.get();
        // Parse here first: a typo is explained at once, without a round trip.
        let parsed = Reference::parse(&input);
        let header = parsed
            .as_ref()
            .ok()
            .and_then(|r| credentials.header_for(&r.registry));
        async move {
            let result = match &parsed {
                Ok(_) => fetch_image(&input, header).await,
                Err(e) => Err(local_error(ErrorKind::InvalidReference, e.to_string())),
            };
            (input, parsed.ok(), result)
        }
    });
    let pending = RwSignal::new(false);
    view! {
        <div class="progress" class:active=move || pending.get() aria-hidden="true"></div>
        <Transition fallback=|| view! { <Loading label="Asking the registry…" /> } set_pending=pending>
            {move || Suspend::new(async move {
                let (input, reference, result) = resource.await;
                set_title(Some(input.as_str()));
                match result {
                    Ok(image) => view! { <ImageBody input image /> }.into_any(),
                    Err(error) => view! {
                        <ErrorContext what="Image" input />
                        <ErrorView
                            error
                            repository=reference.map(|r| r.repository())
                            on_retry=Some(Callback::new(move |()| resource.refetch()))
                        />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImageBody(input: String, image: ImageResponse) -> impl IntoView {
    let ImageResponse {
        reference,
        notes,
        digest,
        header_digest,
        media_type,
        content_type,
        size,
        raw,
        manifest,
        children,
        config,
        config_error,
        trace,
        ..
    } = image;
    let kind = match &manifest {
        Manifest::Index(_) => "Multi-platform index",
        Manifest::Image(m) if m.is_container_image() => "Image",
        Manifest::Image(_) => "Artifact",
        Manifest::Schema1(_) => "Image (schema 1)",
    };
    let documents = raw_documents(
        &reference,
        &manifest,
        raw,
        config.as_ref().map(|c| c.raw.clone()),
    );
    // The proxy sends the notes; the shared rules give the same ones if it did not.
    let notes = if notes.is_empty() {
        reference.normalization_notes(&input)
    } else {
        notes
    };
    let pinned = reference.pinned(&digest);
    let facts = HeaderFacts {
        kind,
        reference: reference.clone(),
        input,
        notes,
        digest,
        header_digest,
        media_type,
        content_type,
        size,
    };
    let body = match manifest {
        Manifest::Index(index) => view! { <IndexView reference index children /> }.into_any(),
        Manifest::Image(manifest) => {
            view! { <ImageView reference=pinned manifest config config_error /> }.into_any()
        }
        Manifest::Schema1(manifest) => view! { <Schema1View manifest /> }.into_any(),
    };
    view! {
        <ImageHeader facts />
        <RequestsPanel trace />
        {body}
        <RawJson documents />
    }
}

/// The manifest and config as received, with the digests inside the manifest that name
/// other manifests (index children, a subject) linked to their views.
fn raw_documents(
    reference: &Reference,
    manifest: &Manifest,
    raw: String,
    config: Option<String>,
) -> Vec<RawDocument> {
    let link = |d: &lading_shared::Digest| (d.to_string(), image_href(&reference.sibling(d)));
    let links = match manifest {
        Manifest::Index(index) => index
            .manifests
            .iter()
            .map(|m| link(&m.digest))
            .chain(index.subject.iter().map(|s| link(&s.digest)))
            .collect(),
        Manifest::Image(image) => image.subject.iter().map(|s| link(&s.digest)).collect(),
        Manifest::Schema1(_) => Vec::new(),
    };
    let mut documents = vec![RawDocument {
        title: "Manifest".to_string(),
        text: raw,
        links,
    }];
    if let Some(text) = config {
        documents.push(RawDocument {
            title: "Config".to_string(),
            text,
            links: Vec::new(),
        });
    }
    documents
}
