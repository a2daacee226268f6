//! `/?image=REF&layer=DIGEST&path=/p` and `/?image=REF&fs=merged&path=/p`: one file, its
//! facts and its first 64 KiB — as text when it is text, as a hex dump when not — with a
//! download of its exact bytes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_shared::Reference;
use lading_shared::api::ErrorKind;
use lading_shared::layer::{EntryKind, FilePreview};
use leptos::prelude::*;

use crate::api::{fetch_file_preview, local_error};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::copy_button::CopyButton;
use crate::components::download_link::DownloadLink;
use crate::components::error_view::ErrorView;
use crate::components::link::Link;
use crate::components::listing_row::owner;
use crate::components::loading::Loading;
use crate::components::requests_panel::RequestsPanel;
use crate::credentials::Credentials;
use crate::file_format::{as_text, format_mtime, hex_dump, mode_string};
use crate::format::human_size;
use crate::layer_links::{Download, Source, file_api_url, listing_href};
use crate::pages::set_title;

/// Bytes of a file shown inline; the rest is a download away.
pub const PREVIEW_BYTES: u64 = 64 * 1024;

#[component]
pub fn FilePage(image: String, source: Source, path: String) -> impl IntoView {
    set_title(Some(&format!("{path} in {image}")));
    let reference = Reference::parse(&image);
    let registry = reference.as_ref().ok().map(|r| r.registry.clone());
    let repository = reference.as_ref().ok().map(Reference::repository);
    let invalid = reference.err().map(|e| e.to_string());
    let url = file_api_url(&image, &source, &path, PREVIEW_BYTES);
    let credentials = Credentials::get();
    let resource = LocalResource::new(move || {
        let header = registry.as_ref().and_then(|r| credentials.header_for(r));
        let (url, invalid) = (url.clone(), invalid.clone());
        async move {
            match invalid {
                Some(message) => Err(local_error(ErrorKind::InvalidReference, message)),
                None => fetch_file_preview(&url, header).await,
            }
        }
    });
    let body = {
        let (image, source, path) = (image.clone(), source.clone(), path.clone());
        move || {
            let (image, source, path, repository) = (
                image.clone(),
                source.clone(),
                path.clone(),
                repository.clone(),
            );
            Suspend::new(async move {
                match resource.await {
                    Ok(preview) => view! { <FileBody image source path preview /> }.into_any(),
                    Err(error) => view! { <ErrorView error repository /> }.into_any(),
                }
            })
        }
    };
    view! {
        <Breadcrumbs image source path=Some(path) />
        <Transition fallback=|| view! { <Loading label="Reading the file from its layer…" /> }>{body}</Transition>
    }
}

#[component]
fn FileBody(image: String, source: Source, path: String, preview: FilePreview) -> impl IntoView {
    let FilePreview {
        entry,
        layer,
        layer_digest,
        resolved_from,
        content_base64,
        truncated,
        fetched_bytes,
        trace,
        ..
    } = preview;
    let chain = (!resolved_from.is_empty()).then(|| {
        let mut steps = resolved_from.clone();
        steps.push(entry.path.clone());
        view! {
            <p class="symlink-chain" data-testid="symlink-chain">
                "Followed symlinks: " <code>{steps.join(" → ")}</code>
            </p>
        }
    });
    let digest = layer_digest.to_string();
    let fetched = if fetched_bytes == 0 {
        "nothing (the file is empty)".to_owned()
    } else {
        format!("{} of compressed layer", human_size(fetched_bytes))
    };
    let download = Download::file(&image, &source, &path);
    let file_name = lading_shared::layer::file_name(&entry.path).to_owned();
    let link = entry.link.clone();
    view! {
        <section class="image-header">
            <p class="eyebrow">"File"</p>
            <h1 class="reference">
                <span class="mono">{path.clone()}</span>
                <CopyButton text=path.clone() what="path" />
            </h1>
            {chain}
            <dl class="facts">
                <dt>"Size"</dt>
                <dd title=format!("{} bytes", entry.size)>{human_size(entry.size)}</dd>
                <dt>"Mode"</dt>
                <dd><code>{mode_string(entry.kind, entry.mode)}</code> <span class="muted small">{format!(" {:04o}", entry.mode)}</span></dd>
                <dt>"Owner"</dt>
                <dd>{owner(&entry)}</dd>
                <dt>"Modified"</dt>
                <dd>{format_mtime(entry.mtime)}</dd>
                {link.map(|l| view! { <dt>"Link target"</dt><dd><code>{format!("→ {l}")}</code></dd> })}
                <dt>"Layer"</dt>
                <dd>
                    <Link href=listing_href(&image, &Source::Layer(digest.clone())) class="mono" title=digest.clone()>
                        {format!("#{} {}", layer + 1, layer_digest.short())}
                    </Link>
                </dd>
                <dt>"Fetched"</dt>
                <dd class="muted">{fetched}</dd>
            </dl>
            <nav class="actions" aria-label="File actions">
                <DownloadLink download label="Download" button=true file_name testid="file-download" />
                <Link href=listing_href(&image, &source) class="button">"Back to the listing"</Link>
            </nav>
        </section>
        <RequestsPanel trace />
        <section class="card">
            <FileContent kind=entry.kind size=entry.size content_base64 truncated />
        </section>
    }
}

/// The preview: text inline (a text node, so nothing in it is markup), or a hex dump.
#[component]
fn FileContent(
    kind: EntryKind,
    size: u64,
    content_base64: String,
    truncated: bool,
) -> impl IntoView {
    if !matches!(kind, EntryKind::File | EntryKind::Hardlink) {
        return view! { <p class="muted">"Not a regular file: there are no bytes to show."</p> }
            .into_any();
    }
    let Ok(bytes) = STANDARD.decode(content_base64.as_bytes()) else {
        return view! { <p class="warning">"The server sent a preview that is not valid base64."</p> }.into_any();
    };
    if bytes.is_empty() {
        return view! { <p class="muted" data-testid="file-empty">"This file is empty."</p> }
            .into_any();
    }
    let note = truncated.then(|| view! {
        <p class="notice" data-testid="truncated-note">
            {format!("Truncated: showing the first {} of {}. Download the file for all of it.", human_size(bytes.len() as u64), human_size(size))}
        </p>
    });
    match as_text(&bytes, truncated) {
        Some(text) => view! {
            <h2>"Contents " <span class="badge badge-quiet">"text"</span></h2>
            {note}
            <pre class="file-text" data-testid="file-text">{text.to_owned()}</pre>
        }
        .into_any(),
        None => view! {
            <h2>"Contents " <span class="badge badge-quiet">"binary"</span></h2>
            {note}
            <pre class="hex-dump" data-testid="hex-dump">{hex_dump(&bytes)}</pre>
        }
        .into_any(),
    }
}
