//! `/?repo=REGISTRY/REPOSITORY`: every tag of a repository, all pages followed by the proxy.

use lading_shared::Repository;
use lading_shared::api::{ErrorKind, TagsResponse};
use leptos::prelude::*;

use crate::api::{fetch_tags, local_error};
use crate::components::auth_control::AuthControl;
use crate::components::copy_button::CopyButton;
use crate::components::error_view::{ErrorContext, ErrorView};
use crate::components::loading::Loading;
use crate::components::requests_panel::RequestsPanel;
use crate::components::tag_list::TagList;
use crate::credentials::Credentials;
use crate::pages::set_title;

/// `input` as typed in the link; the app gives each repository a page of its own, so a new
/// one shows "Listing tags of …" rather than the old list.
#[component]
pub fn TagsPage(input: String) -> impl IntoView {
    let input = StoredValue::new(input);
    let credentials = Credentials::get();
    let resource = LocalResource::new(move || {
        let parsed = Repository::parse(&input.get_value());
        let header = parsed
            .as_ref()
            .ok()
            .and_then(|r| credentials.header_for(&r.registry));
        async move {
            let result = match &parsed {
                Ok(repository) => fetch_tags(repository, header).await,
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
                        <ErrorView error repository=repository on_retry=Some(Callback::new(move |()| resource.refetch())) />
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
        trace,
        ..
    } = response;
    let name = repository.to_string();
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
                <AuthControl registry=repository.registry.clone() />
            </div>
        </section>
        <RequestsPanel trace />
        <section class="card">
            <h2>"Tags"</h2>
            <TagList repository tags skipped skipped_count />
        </section>
    }
}
