//! Every failure explained in one place: what happened, why, and what the person can do.
//! The registry's own error entries are shown as text, and the Requests panel shows the
//! exchanges that led there (with the Reproduce panel when the view's subject is known). The explanations per kind are in `error_help.rs`.

use lading_shared::api::{ApiError, ErrorKind, RegistryError};
use lading_shared::reproduce::Subject;
use lading_shared::{Digest, Reference, Repository};
use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use crate::components::error_help::{Help, help};
use crate::components::flow_panels::{FlowPanels, TracePanels};
use crate::components::platform_context::same_view_for_platform;
use crate::components::registry_notes::RegistryNotesView;
use crate::components::reproduce_panel::Choice;
use crate::view_query::ViewQuery;

#[component]
pub fn ErrorView(
    error: ApiError,
    /// The repository the view was about, for "see its tags" and "sign in to its registry".
    #[prop(default = None)]
    repository: Option<Repository>,
    /// Offered for failures that may pass (rate limits, timeouts, network, a fault here).
    #[prop(default = None)]
    on_retry: Option<Callback<()>>,
    /// The reference as the person gave it: to say when `:latest` was assumed, and to link
    /// near tags and platforms.
    #[prop(optional, into)]
    input: Option<String>,
    /// The view of a suggested path (`not_in_image`), from the page that knows the layer;
    /// without it suggestions are shown as text.
    #[prop(optional)]
    suggestion_href: Option<Callback<String, String>>,
    /// The view of a platform of the index (`choose_platform`); by default the view this
    /// page is on, with `&platform=`.
    #[prop(optional)]
    candidate_href: Option<Callback<Digest, String>>,
    /// The registry the view was about when there is no repository (a catalog).
    #[prop(optional, into)]
    registry_host: Option<String>,
    /// What the failed view was about, when known: its trace gets the Reproduce panel (the
    /// scripts then show the same failure) beside the Requests panel and the exports.
    #[prop(default = None)]
    subject: Option<Subject>,
    /// Other subjects its Reproduce panel offers (see [`FlowPanels`]).
    #[prop(optional)]
    choices: Vec<Choice>,
) -> impl IntoView {
    let ApiError {
        kind,
        message,
        registry,
        registry_errors,
        retry_after,
        candidates,
        suggestions,
        registry_notes,
        trace,
    } = error;
    let reference = input.as_deref().and_then(|i| Reference::parse(i).ok());
    let candidate_href = candidate_href.or_else(|| {
        let current = use_query_map().with_untracked(|map| {
            ViewQuery::from_pairs(map.into_iter().map(|(k, v)| (k.as_ref(), v)))
        });
        current
            .image
            .is_some()
            .then(|| Callback::new(move |d: Digest| same_view_for_platform(&current, &d)))
    });
    let repository = repository.or_else(|| reference.as_ref().map(Reference::repository));
    let registry = repository
        .as_ref()
        .map(|r| r.registry.clone())
        .or(registry_host)
        .or(registry)
        .unwrap_or_default();
    let notes =
        view! { <RegistryNotesView notes=registry_notes.clone() registry=registry.clone() /> };
    let flow = match subject {
        Some(subject) => view! { <FlowPanels subject trace choices /> }.into_any(),
        None if !trace.is_empty() => {
            view! { <TracePanels trace registry=registry.clone() /> }.into_any()
        }
        None => ().into_any(),
    };
    let title = title(kind);
    let help = help(Help {
        kind,
        registry,
        repository,
        input,
        reference,
        retry_after,
        candidates,
        suggestions,
        suggestion_href,
        candidate_href,
        notes: registry_notes,
    });
    let transient = matches!(
        kind,
        ErrorKind::TooManyRequests
            | ErrorKind::Unreachable
            | ErrorKind::Timeout
            | ErrorKind::Upstream
            | ErrorKind::Internal
    );
    let retry = on_retry.filter(|_| transient).map(|retry| {
        view! { <button type="button" class="primary" on:click=move |_| retry.run(())>"Try again"</button> }
    });
    view! {
        <section class="error-view" data-testid="error-view" data-kind=kind_name(kind) role="alert">
            <h2>{title}</h2>
            <p class="error-message">{message}</p>
            {notes}
            {help}
            {(!registry_errors.is_empty()).then(|| view! { <RegistryErrors errors=registry_errors /> })}
            {retry}
        </section>
        {flow}
    }
}

/// What was asked for, above an error, so the page still says where it is.
#[component]
pub fn ErrorContext(what: &'static str, input: String) -> impl IntoView {
    view! {
        <div class="error-context">
            <p class="eyebrow">{what}</p>
            <h1 class="reference"><span class="mono">{input}</span></h1>
        </div>
    }
}

fn kind_name(kind: ErrorKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The heading: what happened, in a person's words. Nothing a person can act on reads as
/// "malformed".
pub fn title(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidReference => "That is not a valid reference",
        ErrorKind::BadRequest => "This link is incomplete or damaged",
        ErrorKind::NotInImage => "That is not in this image",
        ErrorKind::ChoosePlatform => "Choose a platform",
        ErrorKind::Unsupported => "Lading cannot do that for this content",
        ErrorKind::PortNotAllowed => "That port is not allowed for this host",
        ErrorKind::Internal => "Lading itself failed",
        ErrorKind::Unauthorized => "The registry wants you to sign in",
        ErrorKind::Denied => "Access denied",
        ErrorKind::ManifestUnknown => "No such tag or digest",
        ErrorKind::NameUnknown => "No such repository",
        ErrorKind::BlobUnknown => "A blob is missing",
        ErrorKind::TooManyRequests => "The registry is rate-limiting",
        ErrorKind::RefusedHost => "Lading will not contact that host",
        ErrorKind::Unreachable => "The registry could not be reached",
        ErrorKind::Timeout => "The registry took too long to answer",
        ErrorKind::TooLarge => "The registry sent something too large",
        ErrorKind::BadUpstream => "The registry's answer does not follow the protocol",
        ErrorKind::Integrity => "Content did not match its digest",
        ErrorKind::Upstream => "The registry failed",
        ErrorKind::MisdirectedHost => "This Lading does not serve that host name",
        ErrorKind::Tls => "The registry's certificate was not trusted",
        ErrorKind::NoCatalog => "This registry does not list its repositories",
    }
}

#[component]
fn RegistryErrors(errors: Vec<RegistryError>) -> impl IntoView {
    view! {
        <div class="registry-errors">
            <h3>"The registry said"</h3>
            <ul>
                {errors
                    .into_iter()
                    .map(|e| {
                        let detail = e.detail.map(|d| d.to_string());
                        view! {
                            <li>
                                <code class="error-code">{e.code.as_str().to_string()}</code>
                                " " {e.message}
                                {detail.map(|d| view! { <pre class="detail">{d}</pre> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_kind_reads_as_malformed() {
        let kinds: Vec<ErrorKind> = serde_json::from_str(
            r#"["invalid_reference","bad_request","not_in_image","choose_platform",
                "unsupported","port_not_allowed","internal","unauthorized","denied",
                "manifest_unknown","name_unknown","blob_unknown","too_many_requests",
                "refused_host","unreachable","timeout","too_large","bad_upstream",
                "integrity","upstream","misdirected_host","tls","no_catalog"]"#,
        )
        .expect("every kind");
        for kind in kinds {
            assert!(!title(kind).contains("malformed"), "{kind:?}");
        }
    }
}
