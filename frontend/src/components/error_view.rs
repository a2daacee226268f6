//! Every failure explained in one place: what happened, why, and what the person can do.
//! The registry's own error entries are shown as text, and the Requests panel shows the
//! exchanges that led there.

use crate::components::link::Link;
use lading_shared::Repository;
use lading_shared::api::{ApiError, ErrorKind, RegistryError};
use leptos::prelude::*;

use crate::components::requests_panel::RequestsPanel;
use crate::components::sign_in::SignInForm;
use crate::credentials::Credentials;
use crate::format::{human_wait, repo_href};

#[component]
pub fn ErrorView(
    error: ApiError,
    /// The repository the view was about, for "see its tags" and "sign in to its registry".
    #[prop(default = None)]
    repository: Option<Repository>,
    /// Offered for failures that may pass (rate limits, timeouts, network).
    #[prop(default = None)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let ApiError {
        kind,
        message,
        registry,
        registry_errors,
        retry_after,
        trace,
        ..
    } = error;
    let registry = repository
        .as_ref()
        .map(|r| r.registry.clone())
        .or(registry)
        .unwrap_or_default();
    let title = title(kind);
    let help = help(kind, &registry, repository.as_ref(), retry_after);
    let transient = matches!(
        kind,
        ErrorKind::TooManyRequests
            | ErrorKind::Unreachable
            | ErrorKind::Timeout
            | ErrorKind::Upstream
    );
    let retry = on_retry.filter(|_| transient).map(|retry| {
        view! { <button type="button" class="primary" on:click=move |_| retry.run(())>"Try again"</button> }
    });
    let has_trace = !trace.is_empty();
    view! {
        <section class="error-view" data-testid="error-view" data-kind=kind_name(kind) role="alert">
            <h2>{title}</h2>
            <p class="error-message">{message}</p>
            {help}
            {(!registry_errors.is_empty()).then(|| view! { <RegistryErrors errors=registry_errors /> })}
            {retry}
        </section>
        {has_trace.then(|| view! { <RequestsPanel trace /> })}
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

fn title(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidReference => "That is not a valid reference",
        ErrorKind::BadRequest => "The request was malformed",
        ErrorKind::NotInImage => "That path is not in this image",
        ErrorKind::ChoosePlatform => "Choose a platform",
        ErrorKind::Unsupported => "Lading cannot do that for this content",
        ErrorKind::PortNotAllowed => "That port is not allowed for this host",
        ErrorKind::Internal => "Lading failed",
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
    }
}

/// The explanation and the way forward for each kind.
fn help(
    kind: ErrorKind,
    registry: &str,
    repository: Option<&Repository>,
    retry_after: Option<u64>,
) -> AnyView {
    let tags_link = repository.map(|repo| {
        let (href, name) = (repo_href(repo), repo.familiar());
        view! { <p><Link href=href>"See the tags of " {name}</Link></p> }
    });
    let registry = registry.to_string();
    match kind {
        ErrorKind::InvalidReference => view! {
            <p>"References look like " <code>"alpine"</code> ", " <code>"alpine:3.9"</code> ", "
               <code>"ghcr.io/org/app@sha256:…"</code> " or " <code>"localhost:5000/team/api:v2"</code>
               ": an optional registry host, a lowercase repository path, then a " <code>":tag"</code>
               " and/or an " <code>"@digest"</code> "."</p>
        }.into_any(),
        ErrorKind::Unauthorized => {
            let signed_in = Credentials::get().username(&registry).is_some();
            view! {
                <p>{if signed_in {
                    "The registry rejected the credentials stored for it. Sign in again."
                } else {
                    "This repository is private, or the registry lets nobody browse anonymously."
                }}</p>
                <SignInForm registry=registry />
            }.into_any()
        }
        ErrorKind::Denied => view! {
            <p>"The registry knows who you are but will not let you pull from this repository. \
                Sign in as someone with pull access, or check the name for typos (some \
                registries answer \"denied\" rather than admit a repository exists)."</p>
            <SignInForm registry=registry />
        }.into_any(),
        ErrorKind::ManifestUnknown => view! {
            <p>"The repository exists but has no manifest under that tag or digest. Tags move \
                and get deleted; pick one that exists."</p>
            {tags_link}
        }.into_any(),
        ErrorKind::NameUnknown => view! {
            <p>"The registry does not know this repository. Check its spelling, and the \
                registry host: without one, names go to Docker Hub."</p>
            {tags_link}
        }.into_any(),
        ErrorKind::TooManyRequests => view! {
            <p>{match retry_after {
                Some(seconds) => format!("The registry asks to wait {} before trying again.", human_wait(seconds)),
                None => "The registry did not say how long to wait; give it a minute.".to_string(),
            }}
            " Docker Hub limits anonymous pulls per IP address; signing in raises the limit."</p>
        }.into_any(),
        ErrorKind::RefusedHost => view! {
            <p>"That registry resolves to a private, loopback or link-local address. Lading \
                refuses those by default so that it cannot be used to reach into the network it \
                runs in. If you operate this Lading and trust the registry, restart it with"</p>
            <pre class="command">{format!("lading --allow-host {}", host_or_placeholder(&registry))}</pre>
        }.into_any(),
        ErrorKind::Unreachable => view! {
            <p>"No connection could be made: the host name may not resolve, or nothing listens \
                on that port, or a TLS handshake failed. Check the registry host."</p>
        }.into_any(),
        ErrorKind::Timeout => view! {
            <p>"The registry did not answer in time. It may be overloaded; try again."</p>
        }.into_any(),
        ErrorKind::Integrity => view! {
            <p>"What the registry sent does not hash to the digest it was asked for. The \
                content is corrupt or the registry is misbehaving; Lading will not show it."</p>
        }.into_any(),
        _ => ().into_any(),
    }
}

fn host_or_placeholder(registry: &str) -> &str {
    if registry.is_empty() {
        "HOST[:PORT]"
    } else {
        registry
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
