//! The explanation and the way forward for each error kind: the sign-in form, near tags
//! and paths as links, the platforms to choose from, the flag an operator would add.

use lading_shared::api::{ErrorKind, PlatformCandidate, RegistryNotes};
use lading_shared::reference::DEFAULT_TAG;
use lading_shared::{Digest, Reference, Repository};
use leptos::prelude::*;

use crate::components::candidate_table::CandidateTable;
use crate::components::link::Link;
use crate::components::registry_help;
use crate::components::sign_in::SignInForm;
use crate::credentials::{Account, Credentials};
use crate::links::{image_href, repo_href};

/// What the help for one error can draw on.
pub struct Help {
    pub kind: ErrorKind,
    pub registry: String,
    pub repository: Option<Repository>,
    pub input: Option<String>,
    pub reference: Option<Reference>,
    pub retry_after: Option<u64>,
    pub candidates: Vec<PlatformCandidate>,
    pub suggestions: Vec<String>,
    pub suggestion_href: Option<Callback<String, String>>,
    pub candidate_href: Option<Callback<Digest, String>>,
    /// The rate limit as last reported, for when to retry.
    pub notes: RegistryNotes,
}

pub fn help(h: Help) -> AnyView {
    match h.kind {
        ErrorKind::InvalidReference => view! {
            <p>"References look like " <code>"alpine"</code> ", " <code>"alpine:3.9"</code> ", "
               <code>"ghcr.io/org/app@sha256:…"</code> " or " <code>"localhost:5000/team/api:v2"</code>
               ": an optional registry host, a lowercase repository path, then a " <code>":tag"</code>
               " and/or an " <code>"@digest"</code> ". A pasted " <code>"docker pull …"</code>
               " line or an " <code>"https://"</code> " address is read too."</p>
        }.into_any(),
        ErrorKind::BadRequest => view! {
            <p>"Part of this page's address is missing or not what Lading expects; it may have \
                been cut off when it was copied. Open the image again from the box above."</p>
        }.into_any(),
        ErrorKind::Unauthorized | ErrorKind::Denied => access(h.kind, h.registry),
        ErrorKind::ManifestUnknown => missing_manifest(h),
        ErrorKind::NameUnknown => view! {
            <p>"The registry does not know this repository, or does not let you see it. \
                Check its spelling and the registry host: without a host, names go to Docker Hub."</p>
            {tags_link(h.repository.as_ref())}
        }.into_any(),
        ErrorKind::NotInImage => not_in_image(h.suggestions, h.suggestion_href),
        ErrorKind::ChoosePlatform => choose_platform(h.candidates, h.candidate_href),
        ErrorKind::Unsupported => unsupported(h.reference),
        ErrorKind::BlobUnknown => view! {
            <p>"The manifest names a blob the registry does not hold (it may have been \
                garbage-collected, or the push never finished). The manifest itself is intact."</p>
        }.into_any(),
        ErrorKind::TooManyRequests => {
            registry_help::too_many_requests(&h.registry, h.retry_after, h.notes.rate_limit)
        }
        ErrorKind::Tls => registry_help::tls(host_or_placeholder(&h.registry)),
        ErrorKind::NoCatalog => registry_help::no_catalog(&h.registry),
        _ => operational(h.kind, &h.registry),
    }
}

fn host_or_placeholder(registry: &str) -> &str {
    if registry.is_empty() {
        "HOST[:PORT]"
    } else {
        registry
    }
}

/// Registries, networks and this server: what an operator or a wait would fix.
fn operational(kind: ErrorKind, registry: &str) -> AnyView {
    let host = host_or_placeholder(registry).to_string();
    match kind {
        ErrorKind::RefusedHost => view! {
            <p>"That registry resolves to a private, loopback or link-local address. Lading \
                refuses those by default so that it cannot be used to reach into the network it \
                runs in. If you operate this Lading and trust the registry, restart it with"</p>
            <pre class="command">{format!("lading --allow-host {host}")}</pre>
        }.into_any(),
        ErrorKind::PortNotAllowed => view! {
            <p>"The operator allowed this host, but on another port. If you operate this Lading \
                and this port is meant to be reachable, add it:"</p>
            <pre class="command" data-testid="allow-host-flag">{format!("lading --allow-host {host}")}</pre>
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
        ErrorKind::TooLarge => view! {
            <p>"Lading bounds what it reads from a registry, and this answer was over the \
                limit. The Requests panel shows which exchange it was."</p>
        }.into_any(),
        ErrorKind::BadUpstream | ErrorKind::Upstream => view! {
            <p>"The fault is on the registry's side; the Requests panel shows what it sent. \
                Trying again may help."</p>
        }.into_any(),
        ErrorKind::Internal => view! {
            <p>"This is a fault in Lading, not in the registry or in what you asked for. Try \
                again; if it keeps failing, report it with what the Requests panel shows."</p>
        }.into_any(),
        ErrorKind::MisdirectedHost => view! {
            <p>"This page was reached under a host name this Lading was not started for. Open \
                it under the address its operator published."</p>
        }.into_any(),
        _ => ().into_any(),
    }
}

fn access(kind: ErrorKind, registry: String) -> AnyView {
    if kind == ErrorKind::Denied {
        return view! {
            <p>"The registry knows who you are but will not let you pull from this repository. \
                Sign in as someone with pull access, or check the name for typos (some \
                registries answer \"denied\" rather than say whether a repository exists)."</p>
            <SignInForm registry=registry />
        }
        .into_any();
    }
    let signed_in = Credentials::get()
        .username(&Account::registry(&registry))
        .is_some();
    view! {
        <p>{if signed_in {
            "The registry rejected the credentials stored for it. Sign in again."
        } else {
            "This repository is private, or does not exist (many registries answer both the \
             same way), or the registry lets nobody browse anonymously."
        }}</p>
        <SignInForm registry=registry />
    }
    .into_any()
}

/// The tag the person gave (or that `:latest` was assumed), near tags, all tags.
fn missing_manifest(h: Help) -> AnyView {
    let assumed = h
        .input
        .as_deref()
        .zip(h.reference.as_ref())
        .is_some_and(|(input, r)| latest_assumed(input, r));
    let repository = h.repository.clone();
    let near = (!h.suggestions.is_empty())
        .then(|| {
            let repository = repository.clone()?;
            let links = h
                .suggestions
                .into_iter()
                .filter_map(|tag| {
                    let reference = Reference::parse(&format!("{repository}:{tag}")).ok()?;
                    Some(view! { <li><Link href=image_href(&reference) class="chip" testid="near-tag"><code>{tag}</code></Link></li> })
                })
                .collect_view();
            Some(view! { <p>"Tags with a similar name:"</p> <ul class="chips" data-testid="near-tags">{links}</ul> })
        })
        .flatten();
    view! {
        {assumed.then(|| view! {
            <p data-testid="latest-assumed">
                "No tag was given, so " <code>{format!(":{DEFAULT_TAG}")}</code>
                " was assumed, and this repository has no " <code>{DEFAULT_TAG}</code>
                " tag. Many repositories never publish one: name a tag."
            </p>
        })}
        <p>"The registry has no manifest under that tag or digest here. Tags move and get \
            deleted; pick one that exists."</p>
        {near}
        {tags_link(repository.as_ref())}
    }
    .into_any()
}

/// `:latest` came from the normalisation, not from the person.
fn latest_assumed(input: &str, reference: &Reference) -> bool {
    let last = input.trim().rsplit('/').next().unwrap_or_default();
    reference.digest.is_none()
        && reference.tag.as_deref() == Some(DEFAULT_TAG)
        && !last.contains(':')
}

fn not_in_image(suggestions: Vec<String>, href: Option<Callback<String, String>>) -> AnyView {
    let near = (!suggestions.is_empty()).then(|| {
        let items = suggestions
            .into_iter()
            .map(|path| match href {
                Some(href) => {
                    let link = href.run(path.clone());
                    view! { <li><Link href=link testid="near-path"><code>{path}</code></Link></li> }
                        .into_any()
                }
                None => view! { <li><code>{path}</code></li> }.into_any(),
            })
            .collect_view();
        view! { <p>"Paths with a similar name:"</p> <ul data-testid="near-paths">{items}</ul> }
    });
    view! {
        <p>"Paths are case-sensitive. A file may also live in another layer, or have been \
            deleted by a later one: the merged filesystem shows what a container sees."</p>
        {near}
    }
    .into_any()
}

fn choose_platform(
    candidates: Vec<PlatformCandidate>,
    href: Option<Callback<Digest, String>>,
) -> AnyView {
    view! {
        <p>"This reference names a multi-platform index: one image per platform. Pick the \
            one to look at."</p>
        <CandidateTable candidates href />
    }
    .into_any()
}

fn unsupported(reference: Option<Reference>) -> AnyView {
    let image = reference.map(|r| {
        view! { <p><Link href=image_href(&r)>"Open the image page of " <code>{r.familiar()}</code></Link></p> }
    });
    view! {
        <p>"Lading lists the files of OCI and Docker schema 2 image layers (tar archives). \
            Schema 1 images and artifacts whose layers are not tar archives (attestations, \
            SBOMs, charts, signatures) are shown on their image page instead: manifest, \
            config, small layers inline, and each layer as a download."</p>
        {image}
    }
    .into_any()
}

fn tags_link(repository: Option<&Repository>) -> Option<impl IntoView + use<>> {
    repository.map(|repo| {
        let (href, name) = (repo_href(repo), repo.familiar());
        view! { <p><Link href=href testid="all-tags-link">"See all tags of " {name}</Link></p> }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_is_assumed_only_without_a_tag() {
        let cases = [
            ("alpine", true),
            ("localhost:5000/team/api", true),
            ("alpine:latest", false),
            ("alpine:3.9", false),
            ("localhost:5000/team/api:v2", false),
        ];
        for (input, want) in cases {
            let reference = Reference::parse(input).expect("reference");
            assert_eq!(latest_assumed(input, &reference), want, "{input:?}");
        }
    }
}
