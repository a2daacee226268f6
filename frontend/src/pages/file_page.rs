//! `/?image=REF&layer=DIGEST&path=/p` and `/?image=REF&fs=merged&path=/p`: whatever is at a
//! path. A file: its facts and first 64 KiB (text as text, anything else as a hex dump) with
//! a download of its exact bytes. A directory: its children. A broken symlink: where it
//! points. A path that is not there: which image or layer was searched, and near paths.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_shared::api::ErrorKind;
use lading_shared::layer::{EntryKind, FilePreview, file_name};
use lading_shared::reproduce::Subject as Reproduced;
use leptos::prelude::*;

use crate::api::fetch_file_preview;
use crate::components::auth_control::AuthControl;
use crate::components::back_to_listing::BackToListing;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::copy_button::CopyButton;
use crate::components::directory_view::DirectoryView;
use crate::components::download_link::DownloadLink;
use crate::components::error_view::ErrorView;
use crate::components::flow_panels::FlowPanels;
use crate::components::layer_link::LayerLink;
use crate::components::link::Link;
use crate::components::link_notice::{LinkNotice, WhiteoutNotice};
use crate::components::listing_row::owner;
use crate::components::loading::Loading;
use crate::components::missing_path::MissingPath;
use crate::components::registry_notes::RegistryNotesView;
use crate::components::reproduce_panel::image_target;
use crate::credentials::Credentials;
use crate::file_format::{as_text, format_mtime, hex_dump, mode_string};
use crate::format::human_size;
use crate::layer_links::{Download, Source, Subject};
use crate::links::file_href;
use crate::pages::set_title;

/// Bytes of a file shown inline; the rest is a download away.
pub const PREVIEW_BYTES: u64 = 64 * 1024;

#[component]
pub fn FilePage(subject: Subject, path: String) -> impl IntoView {
    set_title(Some(&format!("{path} in {}", subject.reference)));
    let credentials = Credentials::get();
    let resource = LocalResource::new({
        let (subject, path) = (subject.clone(), path.clone());
        move || {
            // Tracks the credentials: signing in reads the path again with them.
            let header = credentials.header_for(subject.registry());
            let (subject, path) = (subject.clone(), path.clone());
            async move { fetch_file_preview(&subject, &path, PREVIEW_BYTES, header).await }
        }
    });
    let body = {
        let (subject, path) = (subject.clone(), path.clone());
        move || {
            let (subject, path) = (subject.clone(), path.clone());
            Suspend::new(async move {
                match resource.await {
                    Ok(preview) => entry_body(subject, path, preview),
                    Err(error) if error.kind == ErrorKind::NotInImage => {
                        view! { <MissingPath subject path error /> }.into_any()
                    }
                    Err(error) => {
                        let repository = Some(subject.reference.repository());
                        let retry = Some(Callback::new(move |()| resource.refetch()));
                        let reproduced = attempted_file(&subject, &path);
                        view! { <ErrorView error repository subject=reproduced on_retry=retry /> }
                            .into_any()
                    }
                }
            })
        }
    };
    let label = format!("Reading {path} from the image…");
    view! {
        <Breadcrumbs subject path=Some(path) />
        <Suspense fallback=move || view! { <Loading label=label.clone() /> }>{body}</Suspense>
    }
}

/// What a failed file view was about: the path in its layer (a merged view's layer is
/// not known until the path is found).
pub fn attempted_file(subject: &Subject, path: &str) -> Option<Reproduced> {
    match &subject.source {
        Source::Layer(layer) => Some(Reproduced::File {
            image: image_target(subject),
            layer: layer.clone(),
            path: path.to_owned(),
        }),
        Source::Merged => None,
    }
}

fn entry_body(subject: Subject, path: String, preview: FilePreview) -> AnyView {
    if preview.entry.kind == EntryKind::Dir {
        view! { <DirectoryView subject path preview /> }.into_any()
    } else {
        view! { <FileBody subject path preview /> }.into_any()
    }
}

/// What an entry is, for the eyebrow above its path.
fn kind_label(kind: EntryKind, dangling: bool) -> &'static str {
    match kind {
        EntryKind::Symlink if dangling => "Broken symlink",
        EntryKind::Symlink => "Symlink",
        EntryKind::Hardlink => "Hard link",
        EntryKind::Dir => "Directory",
        EntryKind::CharDevice => "Character device",
        EntryKind::BlockDevice => "Block device",
        EntryKind::Fifo => "Named pipe (FIFO)",
        EntryKind::File => "File",
        EntryKind::Whiteout => "Whiteout",
        EntryKind::OpaqueWhiteout => "Opaque whiteout",
        EntryKind::Other => "Entry",
    }
}

#[component]
fn FileBody(subject: Subject, path: String, preview: FilePreview) -> impl IntoView {
    let FilePreview {
        entry,
        dangling,
        symlink_loop,
        layer,
        layer_digest,
        resolved_from,
        content_base64,
        truncated,
        fetched_bytes,
        registry_notes,
        trace,
        ..
    } = preview;
    // The bytes came from one layer, at the resolved path: that is what the scripts fetch.
    let reproduced = Reproduced::File {
        image: image_target(&subject),
        layer: layer_digest.clone(),
        path: entry.path.clone(),
    };
    let chain = (!resolved_from.is_empty() && !symlink_loop).then(|| {
        let mut steps = resolved_from.clone();
        steps.push(entry.path.clone());
        view! {
            <p class="symlink-chain" data-testid="symlink-chain">
                "Followed symlinks: " <code>{steps.join(" → ")}</code>
            </p>
        }
    });
    let broken = dangling.clone().map(|missing| {
        let (subject, path, entry) = (subject.clone(), path.clone(), entry.clone());
        view! { <LinkNotice subject path entry missing looped=symlink_loop resolved_from=resolved_from.clone() /> }
    });
    let whiteout = matches!(entry.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout);
    let whiteout_notice =
        whiteout.then(|| view! { <WhiteoutNotice subject=subject.clone() entry=entry.clone() /> });
    let fetched = if fetched_bytes == 0 {
        "nothing".to_owned()
    } else {
        format!("{} of compressed layer", human_size(fetched_bytes))
    };
    // A hard link whose target is in an earlier layer has no bytes here to download.
    let regular = matches!(entry.kind, EntryKind::File | EntryKind::Hardlink) && dangling.is_none();
    let download = regular.then(|| {
        let download = Download::file(&subject, &path);
        let file_name = file_name(&entry.path).to_owned();
        view! { <DownloadLink download label="Download" button=true file_name testid="file-download" /> }
    });
    let kind = match symlink_loop {
        true => "Symlink loop",
        false => kind_label(entry.kind, broken.is_some()),
    };
    let link = entry.link.clone().map(|target| {
        let label = if entry.kind == EntryKind::Hardlink {
            "Same file as"
        } else {
            "Link target"
        };
        let target_view = if entry.kind == EntryKind::Hardlink {
            // A target an earlier layer wrote is not in this layer: the merged view has it.
            let at = match dangling.is_some() {
                true => subject.with_source(Source::Merged),
                false => subject.clone(),
            };
            view! { <Link href=file_href(&at, &target) class="mono">{target}</Link> }.into_any()
        } else {
            view! { <code>{format!("→ {target}")}</code> }.into_any()
        };
        view! { <dt>{label}</dt><dd>{target_view}</dd> }
    });
    view! {
        <section class="image-header">
            <p class="eyebrow" data-testid="entry-kind" data-kind=kind.replace(' ', "-").to_lowercase()>{kind}</p>
            <h1 class="reference">
                <span class="mono">{path.clone()}</span>
                <CopyButton text=path.clone() what="path" />
            </h1>
            {chain}
            {broken}
            {whiteout_notice}
            <dl class="facts">
                <dt>"Size"</dt>
                <dd title=format!("{} bytes", entry.size)>{human_size(entry.size)}</dd>
                <dt>"Mode"</dt>
                <dd><code>{mode_string(entry.kind, entry.mode)}</code> <span class="muted small">{format!(" {:04o}", entry.mode)}</span></dd>
                <dt>"Owner"</dt>
                <dd>{owner(&entry)}</dd>
                <dt>"Modified"</dt>
                <dd>{format_mtime(entry.mtime)}</dd>
                {link}
                <dt>"Layer"</dt>
                <dd>
                    <LayerLink subject=subject.clone() index=layer digest=layer_digest />
                </dd>
                <dt>"Fetched"</dt>
                <dd class="muted">{fetched}</dd>
            </dl>
            <nav class="actions" aria-label="File actions">
                {download}
                <BackToListing subject=subject.clone() />
                <AuthControl registry=subject.registry().to_owned() />
            </nav>
        </section>
        <RegistryNotesView notes=registry_notes registry=subject.registry().to_owned() />
        <FlowPanels subject=reproduced trace />
        {(!whiteout).then(|| view! {
            <section class="card">
                <FileContent kind=entry.kind size=entry.size content_base64 truncated />
            </section>
        })}
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
        let text = match kind {
            EntryKind::Symlink => "A symlink has no bytes of its own.",
            _ => "Not a regular file: there are no bytes to show.",
        };
        return view! { <p class="muted" data-testid="no-content">{text}</p> }.into_any();
    }
    let Ok(bytes) = STANDARD.decode(content_base64.as_bytes()) else {
        return view! { <p class="warning">"The server sent a preview that is not valid base64."</p> }.into_any();
    };
    if bytes.is_empty() && kind == EntryKind::Hardlink {
        return view! { <p class="muted" data-testid="no-content">"A hard link shares its bytes with the file it names."</p> }
            .into_any();
    }
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
