//! Help for what goes wrong between Lading and a registry's service rather than inside an
//! image: a certificate not trusted, a pull rate limit reached, a registry without a
//! catalog (with the ways in that remain: a Hub namespace, a repository by name).

use lading_shared::api::PullRateLimit;
use lading_shared::reference::{DOCKER_HUB, normalize_registry_host};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::catalog_input::{catalog_target, repository_on};
use crate::components::sign_in::SignInForm;
use crate::credentials::{Account, Credentials};
use crate::format::human_wait;
use crate::links::{catalog_href, repo_href};
use crate::when::window;

pub fn tls(host: &str) -> AnyView {
    view! {
        <p>"Lading verifies certificates against the operating system's trust store and any \
            certificates given with " <code>"--ca-cert"</code> ". A registry whose certificate \
            comes from a company or private CA needs that CA trusted: restart Lading with it"</p>
        <pre class="command" data-testid="ca-cert-flag">"lading --ca-cert /path/to/company-ca.pem"</pre>
        <p>"(repeatable, or " <code>"LADING_CA_CERTS=a.pem,b.pem"</code> "), or install the CA \
            in the system's store (" <code>"update-ca-certificates"</code> " on Debian and \
            Ubuntu) and restart Lading. A name mismatch means the certificate names another \
            host: use the name it was issued for. An expired certificate only its owner can renew."</p>
        <p class="muted small">"On a test box, for a host you control, verification can be \
            turned off for that host alone; every view of it then says so:"</p>
        <pre class="command" data-testid="insecure-host-flag">{format!("lading --insecure-host {host}")}</pre>
    }
    .into_any()
}

/// When to try again (the registry's `Retry-After`, else the limit's window) and how to
/// raise the limit (sign in). The proxy's message already explains the limit; this is the
/// short version to act on.
pub fn too_many_requests(
    registry: &str,
    retry_after: Option<u64>,
    limit: Option<PullRateLimit>,
) -> AnyView {
    let hub = normalize_registry_host(registry) == DOCKER_HUB;
    let window_seconds = limit
        .as_ref()
        .and_then(|l| l.window_seconds)
        .or(hub.then_some(HUB_WINDOW_SECONDS));
    let when = match (retry_after, window_seconds) {
        (Some(seconds), _) => format!(
            "The registry asks to wait {} before trying again (Retry-After).",
            human_wait(seconds)
        ),
        (None, Some(w)) => format!(
            "Try again within {}: each pull stops counting {} after it was made.",
            window(w),
            window(w)
        ),
        (None, None) => "The registry did not say how long to wait; try again later.".to_owned(),
    };
    let signed_in = Credentials::get()
        .username(&Account::registry(registry))
        .is_some();
    let raise = match (hub, signed_in) {
        (true, false) => {
            "Signing in to docker.io counts pulls against your Docker account \
             (200 per 6 h free) instead of this address (100 per 6 h, shared):"
        }
        (true, true) => {
            "You are signed in, so the limit is your account's: a paid Docker \
             plan raises it."
        }
        (false, false) => "Signing in to the registry may raise the limit:",
        (false, true) => "The limit applies to the account you are signed in as.",
    };
    view! {
        <p data-testid="retry-when"><strong>{when}</strong></p>
        <p>{raise}</p>
        {(!signed_in).then(|| view! { <SignInForm registry=registry.to_owned() /> })}
    }
    .into_any()
}

/// Docker Hub's pull-limit window when it sent none: six hours, not "a minute".
const HUB_WINDOW_SECONDS: u64 = 21_600;

/// No catalog: for Docker Hub a namespace to list instead; always, a repository to open.
pub fn no_catalog(registry: &str) -> AnyView {
    let hub = normalize_registry_host(registry) == DOCKER_HUB;
    view! {
        <p>{match hub {
            true => "Docker Hub lists no repositories through the registry protocol. Its web \
                     API lists those of one namespace (a user or an organisation):",
            false => "The registry does not offer its catalog (it may need another sign-in, or \
                      not list at all). You can still open a repository by its name:",
        }}</p>
        {hub.then(|| view! { <NamespaceForm /> })}
        <RepositoryForm registry=registry.to_owned() />
    }
    .into_any()
}

/// "List a Docker Hub namespace": opens `/?registry=docker.io&namespace=NS`.
#[component]
fn NamespaceForm() -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = text.get_untracked();
        let namespace = input.trim().trim_matches('/');
        if !namespace.is_empty() {
            navigate(
                &catalog_href(DOCKER_HUB, Some(namespace)),
                Default::default(),
            );
        }
    };
    view! {
        <form class="inline-form" data-testid="namespace-form" on:submit=submit>
            <label>
                "Docker Hub namespace"
                <input type="text" data-testid="namespace-input" placeholder="library, bitnami, your user name"
                    autocomplete="off" spellcheck="false" required
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="primary">"List repositories"</button>
        </form>
    }
}

/// "Type a repository": opens its tag list.
#[component]
fn RepositoryForm(registry: String) -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let placeholder = format!("{registry}/team/app");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match repository_on(&registry, &text.get_untracked()) {
            Ok(repository) => {
                error.set(None);
                navigate(&repo_href(&repository), Default::default());
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="inline-form" data-testid="repository-form" on:submit=submit>
            <label>
                "Repository"
                <input type="text" data-testid="repository-input" placeholder=placeholder
                    autocomplete="off" spellcheck="false" required
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            </label>
            <button type="submit">"See its tags"</button>
            {move || error.get().map(|e| view! { <p class="input-error" role="alert">{e}</p> })}
        </form>
    }
}

/// The home page's "browse a registry" box: a host, a host and prefix, or a Hub namespace.
#[component]
pub fn CatalogForm() -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some((registry, namespace)) = catalog_target(&text.get_untracked()) {
            navigate(
                &catalog_href(&registry, namespace.as_deref()),
                Default::default(),
            );
        }
    };
    view! {
        <form class="inline-form catalog-form" data-testid="catalog-form" on:submit=submit>
            <label>
                "Browse a registry or a Docker Hub namespace"
                <input type="text" data-testid="catalog-input"
                    placeholder="bitnami, registry.example.com, localhost:5000/team/"
                    autocomplete="off" spellcheck="false" required
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            </label>
            <button type="submit">"List repositories"</button>
        </form>
    }
}
