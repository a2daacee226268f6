//! `/?repo=REGISTRY/REPOSITORY`: every tag of a repository, all pages followed by the proxy,
//! with the dates and sizes the registry (or Docker Hub's web API) gives for free.

use lading_shared::Repository;
use lading_shared::api::{ErrorKind, TagsResponse};
use lading_shared::reference::DOCKER_HUB;
use lading_shared::reproduce::Subject;
use leptos::prelude::*;

use crate::api::{fetch_tags, local_error};
use crate::components::auth_control::AuthControl;
use crate::components::copy_button::CopyButton;
use crate::components::error_view::{ErrorContext, ErrorView};
use crate::components::flow_panels::FlowPanels;
use crate::components::link::Link;
use crate::components::loading::Loading;
use crate::components::registry_notes::RegistryNotesView;
use crate::components::tag_list::TagList;
use crate::credentials::Credentials;
use crate::links::catalog_href;
use crate::pages::set_title;

/// `input` as typed in the link; the app gives each repository a page of its own, so a new
/// one shows "Listing tags of …" rather than the old list.
#[component]
pub fn TagsPage(input: String) -> impl IntoView {
    let input = StoredValue::new(input);
    let credentials = Credentials::get();
    let resource = LocalResource::new(move || {
        let parsed = Repository::parse(&input.get_value());
        let auth = parsed
            .as_ref()
            .map(|r| credentials.auth_for(&r.registry))
            .unwrap_or_default();
        async move {
            let result = match &parsed {
                Ok(repository) => fetch_tags(repository, auth).await,
                Err(e) => Err(local_error(ErrorKind::InvalidReference, e.to_string())),
            };
            (parsed.ok(), result)
        }
    });
    let pending = RwSignal::new(false);
    view! {
        <div class="progress" class:active=move || pending.get() aria-hidden="true"></div>
        <Transition fallback=move || view! { <Loading label=format!("Listing the tags of {}…", input.get_value()) /> } set_pending=pending>
            {move || Suspend::new(async move {
                let (repository, result) = resource.await;
                set_title(Some(&repository.as_ref().map(|r| r.familiar()).unwrap_or_else(|| input.get_value())));
                match result {
                    Ok(response) => view! { <TagsBody response /> }.into_any(),
                    Err(error) => view! {
                        <ErrorContext what="Repository" input=input.get_value() />
                        <ErrorView
                            error
                            repository=repository.clone()
                            subject=repository.map(|repository| Subject::Tags { repository })
                            on_retry=Some(Callback::new(move |()| resource.refetch()))
                        />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TagsBody(response: TagsResponse) -> impl IntoView {
    let TagsResponse {
        repository,
        tags,
        skipped,
        skipped_count,
        pages,
        details,
        detail_source,
        detail_error,
        registry_notes,
        trace,
    } = response;
    let name = repository.to_string();
    let registry = repository.registry.clone();
    let hub = registry == DOCKER_HUB;
    let source = detail_source.filter(|_| !details.is_empty()).map(|source| {
        view! {
            <p class="muted small detail-source" data-testid="detail-source">
                "Dates, sizes and digests from " {source.label()} "."
            </p>
        }
    });
    let detail_error = detail_error.map(|e| {
        view! { <p class="muted small detail-error" data-testid="detail-error">"No tag details: " {e}</p> }
    });
    let pages_note = format!(
        "The registry listed them in {pages} page{}",
        if pages == 1 { "" } else { "s" }
    );
    view! {
        <section class="image-header">
            <p class="eyebrow">"Repository"</p>
            <h1 class="reference">
                <span class="mono">{name.clone()}</span>
                <CopyButton text=name what="repository" />
            </h1>
            <div class="actions">
                <p class="muted small">
                    {pages_note} " (" <code>{format!("GET /v2/{}/tags/list", repository.repository)}</code> ")."
                </p>
                <OtherRepositories repository=repository.clone() />
                <div class="auth-controls">
                    <AuthControl registry=registry.clone() label=if hub { "Registry sign-in" } else { "Sign in" } />
                    {hub.then(|| view! { <AuthControl registry=registry.clone() hub=true /> })}
                </div>
            </div>
            <RegistryNotesView notes=registry_notes registry=registry.clone() />
        </section>
        <FlowPanels subject=Subject::Tags { repository: repository.clone() } trace />
        <section class="card">
            <h2>"Tags"</h2>
            {source}
            {detail_error}
            <TagList repository tags skipped skipped_count details />
        </section>
    }
}

/// "Other repositories of library" (a Hub namespace), "… under team/", "… on HOST".
#[component]
fn OtherRepositories(repository: Repository) -> impl IntoView {
    let registry = repository.registry.clone();
    let parent = repository
        .repository
        .rsplit_once('/')
        .map(|(parent, _)| parent.to_owned());
    let links = match (registry == DOCKER_HUB, parent) {
        (true, Some(namespace)) => {
            let namespace = namespace.split('/').next().unwrap_or_default().to_owned();
            let href = catalog_href(&registry, Some(&namespace));
            view! { <Link href testid="other-repositories">"Other repositories of " <code>{namespace}</code></Link> }
                .into_any()
        }
        (true, None) => ().into_any(),
        (false, parent) => {
            let under = parent.map(|parent| {
                let prefix = format!("{parent}/");
                let href = catalog_href(&registry, Some(&prefix));
                view! { " · " <Link href testid="other-repositories-prefix">"under " <code>{prefix}</code></Link> }
            });
            let href = catalog_href(&registry, None);
            view! {
                <Link href testid="other-repositories">"Other repositories on " <code>{registry.clone()}</code></Link>
                {under}
            }
            .into_any()
        }
    };
    view! { <p class="small other-repositories">{links}</p> }
}
