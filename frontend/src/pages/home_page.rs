//! Home: one paste box (focused), a few references to try, which registries this Lading may
//! reach (from `/api/health`), and what Lading is for.

use lading_shared::api::Health;
use leptos::prelude::*;

use crate::components::link::Link;
use crate::components::reference_form::ReferenceForm;
use crate::components::registry_help::CatalogForm;
use crate::links::{catalog_href, image_input_href, repo_href};
use crate::pages::learn_page::{Topic, learn_href};
use crate::pages::set_title;

/// References worth a click: a Docker Hub manifest list, an official image, OCI indexes on
/// other registries, a distroless image, an index with Windows `os.version`s.
const EXAMPLES: [&str; 6] = [
    "alpine:3.9",
    "nginx:latest",
    "ghcr.io/oras-project/oras:v1.2.0",
    "gcr.io/distroless/static:nonroot",
    "quay.io/prometheus/prometheus:latest",
    "mcr.microsoft.com/dotnet/runtime:8.0",
];

/// Public registries people ask for most, named when public registries are reachable.
const WELL_KNOWN: [&str; 5] = [
    "Docker Hub",
    "ghcr.io",
    "quay.io",
    "gcr.io",
    "mcr.microsoft.com",
];

#[component]
pub fn HomePage() -> impl IntoView {
    set_title(None);
    let text = RwSignal::new(String::new());
    view! {
        <section class="home">
            <h1>"Look inside any container image"</h1>
            <p class="lede">
                "Paste an image reference to see what a registry holds behind it: the tags of \
                 the repository, the manifest (a multi-platform index becomes a platform table), \
                 the configuration and build history, and every layer. Each view lists the exact \
                 HTTP requests made to the registry, so you can learn the distribution protocol \
                 by watching it, and every view has a link you can share."
            </p>
            <ReferenceForm value=text autofocus=true />
            <p class="muted small paste-hint">
                "A " <code>"docker pull …"</code> " or " <code>"docker run …"</code> " line, an "
                <code>"https://"</code> " address or a Docker Hub page works too."
            </p>
            <Reachable text />
            <p class="small learn-links" data-testid="learn-links">
                "New to the registry protocol? "
                <Link href=learn_href(Topic::Pull, None)>"How pulling works"</Link>
                " · "
                <Link href=learn_href(Topic::Push, None)>"How pushing works"</Link>
            </p>
            <div class="examples">
                <h2>"Try one"</h2>
                <ul>
                    {EXAMPLES
                        .into_iter()
                        .map(|e| view! { <li><Link href=image_input_href(e)><code>{e}</code></Link></li> })
                        .collect_view()}
                    <li>
                        <Link href=alpine_tags()>
                            "All tags of " <code>"alpine"</code>
                        </Link>
                    </li>
                    <li>
                        <Link href=catalog_href("docker.io", Some("library")) testid="official-images">
                            "Docker Hub's official images"
                        </Link>
                    </li>
                </ul>
            </div>
            <div class="browse">
                <h2>"Browse repositories"</h2>
                <CatalogForm />
                <p class="muted small">
                    "A registry's catalog (" <code>"/v2/_catalog"</code> ", where it offers one), \
                     the part of it under a prefix, or a Docker Hub namespace (through Docker Hub's \
                     web API)."
                </p>
            </div>
        </section>
    }
}

/// "Reaches Docker Hub, ghcr.io, … and any public registry", plus the hosts the operator
/// allow-listed, each a button that starts a reference with it.
#[component]
fn Reachable(text: RwSignal<String>) -> impl IntoView {
    let health = LocalResource::new(fetch_health);
    move || {
        let health = health.get().flatten()?;
        let public = health.public_registries.then(|| {
            view! {
                <p data-testid="public-registries">
                    "This Lading reaches " {WELL_KNOWN.join(", ")} " and any other public registry."
                </p>
            }
        });
        let hosts = health.allowed_hosts;
        let allowed = (!hosts.is_empty()).then(|| {
            let lead = if health.public_registries {
                "Also these private hosts, allowed by its operator:"
            } else {
                "Only these hosts, allowed by its operator:"
            };
            view! {
                <p class="allowed-hosts" data-testid="allowed-hosts">
                    {lead} " "
                    {hosts
                        .into_iter()
                        .map(|host| {
                            let start = format!("{host}/");
                            let title = format!("Start a reference on {host}");
                            view! {
                                <button
                                    type="button"
                                    class="chip"
                                    title=title
                                    on:click=move |_| {
                                        text.set(start.clone());
                                        focus_box();
                                    }
                                >
                                    <code>{host}</code>
                                </button>
                                " "
                            }
                        })
                        .collect_view()}
                </p>
            }
        });
        Some(view! { <div class="reachable muted small">{public}{allowed}</div> })
    }
}

/// `/api/health`; `None` when the server is older or unreachable (the page works without).
async fn fetch_health() -> Option<Health> {
    crate::api::fetch_health().await.ok()
}

fn alpine_tags() -> String {
    lading_shared::Repository::parse("alpine")
        .map(|r| repo_href(&r))
        .unwrap_or_default()
}

/// The paste box, after an example filled it, so typing goes on there.
fn focus_box() {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("reference-input"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
