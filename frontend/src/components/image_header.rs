//! The top of the image view: what was asked for, what it normalised to, and the facts about
//! the manifest that came back (digest, IMAGE ID, media type, whether the registry's digest
//! agrees), with the ways on: pin, `docker pull …@digest`, the tags, signing in.

use crate::components::link::Link;
use lading_shared::api::IndexContext;
use lading_shared::{Digest, MediaType, Reference};
use leptos::prelude::*;

use crate::components::auth_control::AuthControl;
use crate::components::copy_button::CopyButton;
use crate::components::platform_context::PlatformContext;
use crate::format::human_size;
use crate::links::{image_href, repo_href};

/// Hex digits `docker images` prints as IMAGE ID.
const IMAGE_ID_HEX: usize = 12;

/// Everything the header shows, taken from the API answer.
#[derive(Debug, Clone)]
pub struct HeaderFacts {
    /// "Multi-platform index", "Image", "Artifact", …
    pub kind: &'static str,
    pub reference: Reference,
    pub input: String,
    pub notes: Vec<String>,
    pub digest: Digest,
    pub header_digest: Option<String>,
    pub media_type: MediaType,
    pub content_type: Option<String>,
    pub size: u64,
    /// The config blob's digest, for a runnable image: Docker's IMAGE ID.
    pub image_id: Option<Digest>,
    /// The index this image was chosen from (`&platform=`), with its other platforms.
    pub index: Option<IndexContext>,
    /// Something `docker pull` can run: an image or an index (not an artifact).
    pub pullable: bool,
}

#[component]
pub fn ImageHeader(facts: HeaderFacts) -> impl IntoView {
    let full = facts.reference.to_string();
    let typed = (facts.input.trim() != full).then(|| facts.input.trim().to_string());
    let repository = facts.reference.repository();
    let pin = facts.reference.tag.is_some().then(|| {
        let href = image_href(&facts.reference.pinned(&facts.digest));
        view! { <Link href=href class="button" testid="pin-link">"Pin to digest"</Link> }
    });
    let pull = facts.pullable.then(|| {
        let pull = format!("docker pull {}@{}", repository.familiar(), facts.digest);
        view! { <CopyButton text=pull what="a docker pull command for this digest" label="Copy docker pull" testid="copy-pull" /> }
    });
    let notes = facts.notes.clone();
    let context = facts
        .index
        .clone()
        .map(|index| view! { <PlatformContext index current=facts.digest.clone() /> });
    view! {
        <section class="image-header">
            {context}
            <p class="eyebrow">{facts.kind}</p>
            <h1 class="reference">
                <span class="mono">{full.clone()}</span>
                <CopyButton text=full what="reference" />
            </h1>
            {typed.map(|t| view! { <p class="muted">"You asked for " <code>{t}</code></p> })}
            {(!notes.is_empty()).then(|| view! {
                <details class="notes" data-testid="normalisation-notes">
                    <summary>"How the reference was read"</summary>
                    <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </details>
            })}
            <Facts facts=facts.clone() />
            <nav class="actions" aria-label="Image actions">
                {pin}
                {pull}
                <Link href=repo_href(&repository) class="button">"All tags of " {repository.familiar()}</Link>
                <AuthControl registry=facts.reference.registry.clone() />
            </nav>
        </section>
    }
}

#[component]
fn Facts(facts: HeaderFacts) -> impl IntoView {
    let addressed = match (&facts.reference.digest, &facts.reference.tag) {
        (Some(_), _) => view! { <span class="badge badge-digest">"by digest"</span> " immutable: always this exact content" }.into_any(),
        (None, tag) => view! {
            <span class="badge badge-tag">"by tag"</span> " "
            <code>{tag.clone().unwrap_or_default()}</code> " can be moved to other content; pin it to the digest to keep it"
        }.into_any(),
    };
    let media_type = facts.media_type.clone();
    let sent_type = facts
        .content_type
        .filter(|c| MediaType::parse(c) != media_type);
    let size = facts.size;
    let digest = facts.digest.to_string();
    view! {
        <dl class="facts">
            <dt>"Addressed"</dt>
            <dd>{addressed}</dd>
            <dt>"Manifest digest"</dt>
            <dd class="digest-line">
                <code class="digest" data-testid="manifest-digest">{digest.clone()}</code>
                <CopyButton text=digest what="manifest digest" />
                <span class="fact-help muted small">"what " <code>"@sha256:…"</code> " in a reference and " <code>"docker pull"</code> " name"</span>
            </dd>
            {facts.image_id.map(|id| view! { <ImageId id /> })}
            <dt>"Registry's digest"</dt>
            <dd><DigestCheck computed=facts.digest header=facts.header_digest /></dd>
            <dt>"Media type"</dt>
            <dd>
                {media_type.describe().to_string()} " " <code class="small">{media_type.to_string()}</code>
                {sent_type.map(|t| view! { <div class="muted small">"Content-Type sent: " <code>{t}</code></div> })}
            </dd>
            <dt>"Manifest size"</dt>
            <dd title=format!("{size} bytes")>{human_size(size)}</dd>
        </dl>
    }
}

/// The IMAGE ID `docker images` prints: the config digest's first 12 hex digits. People
/// take it for the manifest digest; one sentence says which is which.
#[component]
fn ImageId(id: Digest) -> impl IntoView {
    let short: String = id.hex().chars().take(IMAGE_ID_HEX).collect();
    let full = id.to_string();
    view! {
        <dt>"Image ID"</dt>
        <dd class="digest-line">
            <code class="digest" data-testid="image-id" title=full.clone()>{short}</code>
            <CopyButton text=full what="config digest (image ID)" />
            <span class="fact-help muted small" data-testid="image-id-help">
                "as " <code>"docker images"</code> " prints it: the config's digest, not the \
                 manifest's (a re-push elsewhere keeps it, the manifest digest may change)"
            </span>
        </dd>
    }
}

/// `Docker-Content-Digest` against the digest computed over the bytes received.
#[component]
fn DigestCheck(computed: Digest, header: Option<String>) -> impl IntoView {
    match header {
        None => view! {
            <span class="muted">"No " <code>"Docker-Content-Digest"</code> " header was sent; the digest above was computed from the bytes."</span>
        }.into_any(),
        Some(sent) if sent == computed.to_string() => view! {
            <span class="ok">"✓ " <code>"Docker-Content-Digest"</code> " matches the digest of the bytes received"</span>
        }.into_any(),
        Some(sent) => view! {
            <span class="warning" role="note">
                "⚠ " <code>"Docker-Content-Digest"</code> " says " <code class="digest">{sent}</code>
                ", but the bytes received hash to the digest above. Trust the computed one."
            </span>
        }.into_any(),
    }
}
