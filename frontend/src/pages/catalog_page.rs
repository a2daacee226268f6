//! `/?registry=HOST[:PORT]`: the repositories of a registry (its `_catalog`, every page);
//! `&namespace=PREFIX` filters it by prefix. `/?registry=docker.io&namespace=NS`: the
//! repositories of a Docker Hub namespace, through the Hub API (every page), with their
//! descriptions, stars, pulls and last update.

use lading_shared::api::{CatalogQuery, CatalogResponse, CatalogSource};
use lading_shared::reference::{DOCKER_HUB, normalize_registry_host};
use lading_shared::reproduce::Subject;
use leptos::prelude::*;

use crate::api::fetch_catalog;
use crate::components::auth_control::AuthControl;
use crate::components::copy_button::CopyButton;
use crate::components::error_view::{ErrorContext, ErrorView};
use crate::components::flow_panels::FlowPanels;
use crate::components::loading::Loading;
use crate::components::registry_notes::RegistryNotesView;
use crate::components::repository_list::RepositoryList;
use crate::credentials::Credentials;
use crate::format::group_thousands;
use crate::pages::set_title;

/// What the page is about, as its heading names it: `docker.io/bitnami`, `r.example/team/`.
fn subject(registry: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("{registry}/{ns}"),
        None => registry.to_owned(),
    }
}

#[component]
pub fn CatalogPage(registry: String, namespace: Option<String>) -> impl IntoView {
    let registry = normalize_registry_host(&registry).to_owned();
    let hub = registry == DOCKER_HUB;
    let what = match (hub, namespace.is_some()) {
        (true, true) => "Docker Hub namespace",
        (false, true) => "Repositories under a prefix",
        _ => "Registry",
    };
    let name = subject(&registry, namespace.as_deref());
    set_title(Some(&format!("Repositories of {name}")));
    let query = StoredValue::new(CatalogQuery {
        registry: registry.clone(),
        namespace,
    });
    let credentials = Credentials::get();
    let resource = LocalResource::new(move || {
        let query = query.get_value();
        let auth = credentials.auth_for(&query.registry);
        async move { fetch_catalog(&query, auth).await }
    });
    let pending = RwSignal::new(false);
    let (label, context) = (format!("Listing the repositories of {name}…"), name.clone());
    view! {
        <div class="progress" class:active=move || pending.get() aria-hidden="true"></div>
        <Transition fallback=move || view! { <Loading label=label.clone() /> } set_pending=pending>
            {move || {
                let (context, registry) = (context.clone(), registry.clone());
                Suspend::new(async move {
                    match resource.await {
                        Ok(response) => view! { <CatalogBody response what /> }.into_any(),
                        Err(error) => view! {
                            <ErrorContext what input=context />
                            {hub.then(|| view! { <div class="actions error-actions"><HubControls registry=registry.clone() /></div> })}
                            <ErrorView
                                error
                                registry_host=registry
                                subject=Some(query.with_value(|q| Subject::Catalog {
                                    registry: q.registry.clone(),
                                    namespace: q.namespace.clone(),
                                }))
                                on_retry=Some(Callback::new(move |()| resource.refetch()))
                            />
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The registry sign-in, and for Docker Hub the web API's own beside it.
#[component]
fn HubControls(registry: String) -> impl IntoView {
    let hub = registry == DOCKER_HUB;
    view! {
        <div class="auth-controls">
            <AuthControl registry=registry.clone() label=if hub { "Registry sign-in" } else { "Sign in" } />
            {hub.then(|| view! { <AuthControl registry=registry.clone() hub=true /> })}
        </div>
    }
}

#[component]
fn CatalogBody(response: CatalogResponse, what: &'static str) -> impl IntoView {
    let CatalogResponse {
        registry,
        namespace,
        source,
        repositories,
        skipped_count,
        pages,
        total,
        registry_notes,
        trace,
    } = response;
    let name = subject(&registry, namespace.as_deref());
    let plural = if pages == 1 { "" } else { "s" };
    let how = match source {
        CatalogSource::DockerHubApi => view! {
            {format!("Docker Hub's web API listed them in {pages} page{plural} (")}
            <code>{format!("GET /v2/namespaces/{}/repositories", namespace.clone().unwrap_or_default())}</code>
            ")."
        }
        .into_any(),
        CatalogSource::Catalog => view! {
            {format!("The registry's catalog, {pages} page{plural} (")} <code>"GET /v2/_catalog"</code> ")"
            {namespace.clone().map(|ns| view! { ", filtered to names starting with " <code>{ns}</code> })}
            "."
        }
        .into_any(),
    };
    let reported = total.filter(|t| *t != repositories.len() as u64).map(|t| {
        let t = usize::try_from(t).unwrap_or(usize::MAX);
        view! {
            <p class="muted small" data-testid="catalog-total">
                {format!("The source reports {} in all.", group_thousands(t))}
            </p>
        }
    });
    let skipped = (skipped_count > 0).then(|| {
        let n = usize::try_from(skipped_count).unwrap_or(usize::MAX);
        view! {
            <p class="muted small">
                {format!("{} entr{} skipped: not valid repository names.", group_thousands(n), if n == 1 { "y" } else { "ies" })}
            </p>
        }
    });
    let hub = source == CatalogSource::DockerHubApi;
    view! {
        <section class="image-header">
            <p class="eyebrow">{what}</p>
            <h1 class="reference">
                <span class="mono">{name.clone()}</span>
                <CopyButton text=name what="name" />
            </h1>
            <div class="actions">
                <p class="muted small" data-testid="catalog-source">{how}</p>
                <HubControls registry=registry.clone() />
            </div>
            <RegistryNotesView notes=registry_notes registry=registry.clone() />
        </section>
        <FlowPanels subject=Subject::Catalog { registry: registry.clone(), namespace: namespace.clone() } trace />
        <section class="card">
            <h2>"Repositories"</h2>
            {reported}
            <RepositoryList registry repositories hub />
            {skipped}
        </section>
    }
}
