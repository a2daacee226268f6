//! Home: one paste box, a few references to try, and what Lading is for.

use crate::components::link::Link;
use leptos::prelude::*;

use crate::components::reference_form::ReferenceForm;
use crate::format::{encode_query_value, image_input_href};
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

#[component]
pub fn HomePage() -> impl IntoView {
    set_title(None);
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
            <ReferenceForm />
            <div class="examples">
                <h2>"Try one"</h2>
                <ul>
                    {EXAMPLES
                        .into_iter()
                        .map(|e| view! { <li><Link href=image_input_href(e)><code>{e}</code></Link></li> })
                        .collect_view()}
                    <li>
                        <Link href=format!("/?repo={}", encode_query_value("docker.io/library/alpine"))>
                            "All tags of " <code>"alpine"</code>
                        </Link>
                    </li>
                </ul>
            </div>
        </section>
    }
}
