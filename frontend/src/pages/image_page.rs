//! `/?image=REFERENCE[&platform=DIGEST]`: one manifest of any kind, fetched through the
//! proxy (with `platform`: one child of the index REFERENCE names, in its context).

use lading_shared::api::{ApiError, ErrorKind, ImageQuery, ImageResponse};
use lading_shared::reference::pasted;
use lading_shared::reproduce::{ImageTarget, Subject};
use lading_shared::{Digest, Manifest, Reference};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{fetch_image, local_error};
use crate::app::IMAGE_PARAM;
use crate::components::broken_link::BrokenLink;
use crate::components::error_view::{ErrorContext, ErrorView};
use crate::components::flow_panels::FlowPanels;
use crate::components::image_header::{HeaderFacts, ImageHeader};
use crate::components::image_view::ImageView;
use crate::components::index_view::IndexView;
use crate::components::loading::Loading;
use crate::components::platform_context::platform_href;
use crate::components::raw_json::{RawDocument, RawJson};
use crate::components::reference_form::take_paste_notes;
use crate::components::registry_notes::RegistryNotesView;
use crate::components::reproduce_panel::image_choices;
use crate::components::schema1_view::Schema1View;
use crate::components::supply_chain::SupplyChain;
use crate::credentials::Credentials;
use crate::links::image_href;
use crate::pages::set_title;
use crate::view_query::PLATFORM as PLATFORM_PARAM;

/// Why the image page shows no image.
#[derive(Clone)]
enum Failure {
    /// From the proxy, or a reference that does not parse (boxed: an error is the large,
    /// rare case).
    Api(Box<ApiError>),
    /// `platform=` is not a digest (people type `linux/arm64`): the index is the way on.
    Platform { typed: String, reason: String },
}

#[component]
pub fn ImagePage() -> impl IntoView {
    let query = use_query_map();
    let input = Memo::new(move |_| query.read().get(IMAGE_PARAM).unwrap_or_default());
    let platform = Memo::new(move |_| query.read().get(PLATFORM_PARAM));
    let credentials = Credentials::get();
    let resource = LocalResource::new(move || {
        let input = input.get();
        // What a person pastes is read first (`docker pull …`, URLs), as the box does.
        let read = pasted(&input);
        let mut notes = take_paste_notes(&input);
        notes.extend(read.notes);
        let platform = platform.get();
        // Parse here first: a typo is explained at once, without a round trip.
        let parsed = Reference::parse(&read.reference);
        let header = parsed
            .as_ref()
            .ok()
            .and_then(|r| credentials.header_for(&r.registry));
        let reference = read.reference;
        async move {
            let chosen = platform.as_deref().map(Digest::parse).transpose();
            // What a failed view was about, for its Reproduce panel.
            let attempted = parsed.as_ref().ok().and_then(|reference| {
                let platform = chosen.as_ref().ok()?.clone();
                Some(Subject::Manifest(ImageTarget {
                    reference: reference.clone(),
                    platform,
                }))
            });
            let result = match (&parsed, chosen) {
                (Err(e), _) => Err(Failure::Api(Box::new(local_error(
                    ErrorKind::InvalidReference,
                    e.to_string(),
                )))),
                (Ok(_), Err(e)) => Err(Failure::Platform {
                    typed: platform.unwrap_or_default(),
                    reason: e.to_string(),
                }),
                (Ok(_), Ok(platform)) => {
                    let query = ImageQuery {
                        reference: reference.clone(),
                        platform,
                    };
                    fetch_image(&query, header)
                        .await
                        .map_err(|e| Failure::Api(Box::new(e)))
                }
            };
            (input, reference, notes, parsed.ok(), attempted, result)
        }
    });
    let pending = RwSignal::new(false);
    view! {
        <div class="progress" class:active=move || pending.get() aria-hidden="true"></div>
        <Transition fallback=|| view! { <Loading label="Asking the registry…" /> } set_pending=pending>
            {move || Suspend::new(async move {
                let (input, read, notes, reference, attempted, result) = resource.await;
                set_title(Some(input.as_str()));
                match result {
                    Ok(image) => view! { <ImageBody input=read pasted=notes image /> }.into_any(),
                    Err(Failure::Platform { typed, reason }) => {
                        view! { <BrokenLink what="Platform" input=typed message=reason image=read /> }.into_any()
                    }
                    Err(Failure::Api(error)) => view! {
                        <ErrorContext what="Image" input=input.clone() />
                        <ErrorView
                            error=*error
                            input=read
                            repository=reference.map(|r| r.repository())
                            subject=attempted
                            on_retry=Some(Callback::new(move |()| resource.refetch()))
                        />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A `platform=` that is not a digest: what it must be, and the index without it.
#[component]
fn ImageBody(input: String, pasted: Vec<String>, image: ImageResponse) -> impl IntoView {
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
        index,
        children,
        config,
        config_error,
        registry_notes,
        trace,
        ..
    } = image;
    let (kind, pullable, image_id) = what_it_is(&manifest);
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
    let notes = pasted.into_iter().chain(notes).collect();
    let pinned = reference.pinned(&digest);
    let registry = reference.registry.clone();
    let from_index = index.as_ref().map(|i| i.reference.pinned(&i.digest));
    // What the scripts reproduce: the reference as asked, and the platform chosen from it.
    let subject = Subject::Manifest(match &index {
        Some(index) => ImageTarget {
            reference: index.reference.clone(),
            platform: Some(digest.clone()),
        },
        None => ImageTarget {
            reference: reference.clone(),
            platform: None,
        },
    });
    // An image's layers can be downloaded and the image exported: reproducible too.
    let choices = match &manifest {
        Manifest::Image(m) => {
            let layers: Vec<Digest> = m.layers.iter().map(|l| l.digest.clone()).collect();
            image_choices(&subject, &layers, m.is_runnable())
        }
        Manifest::Index(_) | Manifest::Schema1(_) => Vec::new(),
    };
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
        pullable,
        image_id,
        index,
    };
    // Referrers are asked for once the image is shown; schema 1 cannot be referred to.
    let supply = match &manifest {
        Manifest::Index(index) => {
            let platforms = index
                .manifests
                .iter()
                .filter_map(|m| Some((m.digest.clone(), m.platform.as_ref()?.to_string())))
                .collect();
            Some(view! { <SupplyChain reference=pinned.clone() platforms /> })
        }
        Manifest::Image(_) => Some(view! { <SupplyChain reference=pinned.clone() /> }),
        Manifest::Schema1(_) => None,
    };
    let body = match manifest {
        Manifest::Index(index) => view! { <IndexView reference index children /> }.into_any(),
        Manifest::Image(manifest) => {
            view! { <ImageView reference=pinned manifest config config_error from_index /> }
                .into_any()
        }
        Manifest::Schema1(manifest) => view! { <Schema1View manifest /> }.into_any(),
    };
    view! {
        <ImageHeader facts />
        <RegistryNotesView notes=registry_notes registry />
        <FlowPanels subject trace choices />
        {body}
        {supply}
        <RawJson documents />
    }
}

/// The header's word for the manifest, whether `docker pull` can run it (current Docker
/// refuses schema 1; an artifact is no image), and its IMAGE ID (a runnable image's config).
fn what_it_is(manifest: &Manifest) -> (&'static str, bool, Option<Digest>) {
    match manifest {
        Manifest::Index(_) => ("Multi-platform index", true, None),
        Manifest::Image(m) if m.is_runnable() => ("Image", true, Some(m.config.digest.clone())),
        Manifest::Image(_) => ("Artifact", false, None),
        Manifest::Schema1(_) => ("Image (schema 1)", false, None),
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
    let link = |d: &lading_shared::Digest| (d.to_string(), image_href(&reference.pinned(d)));
    let links = match manifest {
        Manifest::Index(index) => index
            .manifests
            .iter()
            .map(|m| (m.digest.to_string(), platform_href(reference, &m.digest)))
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
