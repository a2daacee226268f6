//! The top of the image view: what was asked for, what it normalised to, and the facts about
//! the manifest that came back (digest, media type, whether the registry's digest agrees).

use crate::components::link::Link;
use lading_shared::{Digest, MediaType, Reference};
use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::sign_in::AuthControl;
use crate::format::{human_size, image_href, repo_href};

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
}

#[component]
pub fn ImageHeader(facts: HeaderFacts) -> impl IntoView {
    let HeaderFacts {
        kind,
        reference,
        input,
        notes,
        digest,
        header_digest,
        media_type,
        content_type,
        size,
    } = facts;
    let full = reference.to_string();
    let typed = (input.trim() != full).then(|| input.trim().to_string());
    let repository = reference.repository();
    let addressed = match (&reference.digest, &reference.tag) {
        (Some(_), _) => view! { <span class="badge badge-digest">"by digest"</span> " immutable: always this exact content" }.into_any(),
        (None, tag) => view! {
            <span class="badge badge-tag">"by tag"</span> " "
            <code>{tag.clone().unwrap_or_default()}</code> " can be moved to other content; pin it to the digest to keep it"
        }.into_any(),
    };
    let pin = reference.tag.is_some().then(|| {
        let href = image_href(&reference.pinned(&digest));
        view! { <Link href=href class="button" testid="pin-link">"Pin to digest"</Link> }
    });
    let sent_type = content_type.filter(|c| MediaType::parse(c) != media_type);
    view! {
        <section class="image-header">
            <p class="eyebrow">{kind}</p>
            <h1 class="reference">
                <span class="mono">{full.clone()}</span>
                <CopyButton text=full what="reference" />
            </h1>
            {typed.map(|t| view! { <p class="muted">"You asked for " <code>{t}</code></p> })}
            {(!notes.is_empty()).then(|| view! {
                <details class="notes">
                    <summary>"How the reference was normalised"</summary>
                    <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </details>
            })}
            <dl class="facts">
                <dt>"Addressed"</dt>
                <dd>{addressed}</dd>
                <dt>"Manifest digest"</dt>
                <dd class="digest-line">
                    <code class="digest" data-testid="manifest-digest">{digest.to_string()}</code>
                    <CopyButton text=digest.to_string() what="digest" />
                </dd>
                <dt>"Registry's digest"</dt>
                <dd><DigestCheck computed=digest header=header_digest /></dd>
                <dt>"Media type"</dt>
                <dd>
                    {media_type.describe().to_string()} " " <code class="small">{media_type.to_string()}</code>
                    {sent_type.map(|t| view! { <div class="muted small">"Content-Type sent: " <code>{t}</code></div> })}
                </dd>
                <dt>"Manifest size"</dt>
                <dd title=format!("{size} bytes")>{human_size(size)}</dd>
            </dl>
            <nav class="actions" aria-label="Image actions">
                {pin}
                <Link href=repo_href(&repository) class="button">"All tags of " {repository.familiar()}</Link>
                <AuthControl registry=reference.registry.clone() />
            </nav>
        </section>
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
