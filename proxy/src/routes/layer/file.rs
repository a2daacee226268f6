//! `GET /api/file?ref=…&path=…[&digest=LAYER][&preview=N]`: what one path is in the merged
//! filesystem (or in one layer), and its bytes. As a download also a `POST` form (see
//! [`Download`]).
//!
//! With `preview`, every path that is there gets a [`FilePreview`]: a file its first bytes, a
//! directory its children, a symlink is followed (a broken one is answered as itself, with
//! `dangling`), anything else its metadata. A path that is not there is `NotInImage` with near
//! paths. Without `preview` only files (and hard links to them) have bytes to download.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lading_shared::Digest;
use lading_shared::layer::{EntryKind, FilePreview, LayerQuery, file_name, normalize_path};
use tokio::sync::mpsc;

use super::super::attachment;
use super::super::cacheable::{Audience, Completeness, Conditional, ImageOrHeld};
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::Download;
use crate::layers::Engine;
use crate::layers::fetch::{all_listings, layer_index, listing_of};
use crate::layers::file;
use crate::layers::locate::{Located, View, children, data_entry, kind_noun, locate};
use crate::registry::Session;
use crate::registry::image::ResolvedImage;
use crate::trace::Trace;

/// Largest preview answered as JSON (base64 grows it by a third).
pub const MAX_PREVIEW_BYTES: u64 = 1024 * 1024;

pub async fn get_file(
    State(state): State<AppState>,
    conditional: Conditional,
    Download { query, credentials }: Download,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let answer = async {
        let path = query
            .path
            .as_deref()
            .map(normalize_path)
            .ok_or_else(|| ProxyError::BadRequest("`path` is required".into()))?;
        let upstream = &state.upstream;
        let opened = conditional
            .open_image(upstream, credentials, &query, &trace)
            .await?;
        let (session, _, image) = match opened {
            ImageOrHeld::Held(held) => return Ok(held),
            ImageOrHeld::Image(opened) => *opened,
        };
        let audience = Audience::of(&session);
        if let Some(held) = conditional.shown(audience) {
            return Ok(held);
        }
        let view = view_of(&state.engine, &session, &image, &query).await?;
        let located = locate(&view, &path)?;
        let file = File {
            session: &session,
            image: &image,
            view: &view,
            located,
        };
        // A preview is whole when sent; a download's Content-Length shows a cut-off one.
        let answer = match query.preview {
            Some(preview) => file.preview(preview, &trace).await?,
            None => file.download().await?,
        };
        Ok(conditional.stamp(answer, audience, Completeness::Complete))
    };
    answer.await.map_err(|error| trace.fail(error))
}

/// The layer `digest` names, or the merged filesystem without it.
async fn view_of(
    engine: &Engine,
    session: &Session,
    image: &ResolvedImage,
    query: &LayerQuery,
) -> Result<View, ProxyError> {
    match &query.digest {
        Some(digest) => {
            let layer = layer_index(image, digest)?;
            let descriptor = &image.manifest.layers[layer];
            let listing = listing_of(engine, session, image, descriptor, None).await?;
            View::layer(engine, image, layer, listing).await
        }
        None => {
            let listings = all_listings(engine, session, image, None).await?;
            View::merged(engine, image, listings).await
        }
    }
}

/// A path found, with what reading it needs.
struct File<'a> {
    session: &'a Session,
    image: &'a ResolvedImage,
    view: &'a View,
    located: Located,
}

impl File<'_> {
    /// Whether this entry has bytes: a file, or a hard link (to a file) not left dangling.
    fn has_bytes(&self) -> bool {
        let kind = self.located.entry.kind;
        self.located.dangling.is_none() && matches!(kind, EntryKind::File | EntryKind::Hardlink)
    }

    async fn preview(self, preview: u64, trace: &Trace) -> Result<Response, ProxyError> {
        let located = &self.located;
        let descriptor = self.view.descriptor(self.image, located.layer);
        let mut answer = FilePreview {
            entry: located.entry.clone(),
            children: Vec::new(),
            children_total: 0,
            dangling: located.dangling.clone(),
            symlink_loop: located.looped,
            implied: located.row.is_none() && located.entry.kind == EntryKind::Dir,
            layer: self.view.image_layer(located.layer),
            layer_digest: descriptor.digest.clone(),
            resolved_from: located.resolved_from.clone(),
            content_base64: String::new(),
            truncated: false,
            fetched_bytes: 0,
            registry_notes: Default::default(),
            trace: Vec::new(),
        };
        if located.entry.kind == EntryKind::Dir && located.dangling.is_none() {
            let (shown, total) = children(self.view, &located.entry.path);
            answer.children = shown;
            answer.children_total = total;
        } else if self.has_bytes() {
            match self.open(Some(preview)).await {
                Ok(opened) => {
                    let (bytes, fetched) = opened.body.collect().await?;
                    answer.layer = opened.layer;
                    answer.layer_digest = opened.digest;
                    answer.truncated = (bytes.len() as u64) < opened.size;
                    answer.content_base64 = base64_encode(&bytes);
                    answer.fetched_bytes = fetched;
                }
                // A hard link into a lower layer, seen in its layer alone: there, but its
                // bytes are not in this layer; the page offers the merged filesystem.
                Err(ProxyError::Unsupported(_)) if answer.entry.kind == EntryKind::Hardlink => {
                    answer.dangling = answer.entry.link.clone();
                }
                Err(error) => return Err(error),
            }
        }
        answer.trace = trace.exchanges();
        answer.registry_notes = trace.registry_notes();
        Ok(Json(answer).into_response())
    }

    /// Starts reading the bytes (the first `preview` of them, or all).
    async fn open(&self, preview: Option<u64>) -> Result<Opened, ProxyError> {
        let row = self.located.row.ok_or_else(|| {
            ProxyError::Internal(format!("{} has no row", self.located.entry.path))
        })?;
        let data = data_entry(self.view, row)?;
        let size = data.listing.entries[data.index].size;
        let len = match preview {
            Some(preview) => size.min(preview.min(MAX_PREVIEW_BYTES)),
            None => size,
        };
        let descriptor = &self.image.manifest.layers[data.layer];
        let (listing, index) = (&data.listing, data.index);
        let body =
            file::read_data(self.session, self.image, descriptor, listing, index, len).await?;
        Ok(Opened {
            size,
            body,
            layer: data.layer,
            digest: descriptor.digest.clone(),
        })
    }

    async fn download(self) -> Result<Response, ProxyError> {
        if !self.has_bytes() {
            return Err(self.no_bytes());
        }
        let opened = self.open(None).await?;
        let name = file_name(&self.located.entry.path);
        let mut response = stream(opened.body.chunks);
        let headers = response.headers_mut();
        let octets = HeaderValue::from_static("application/octet-stream");
        headers.insert(header::CONTENT_TYPE, octets);
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(opened.size));
        headers.insert(header::CONTENT_DISPOSITION, attachment::header(name)?);
        Ok(response)
    }

    /// Why a path that is there has nothing to download, and what to do instead.
    fn no_bytes(&self) -> ProxyError {
        let entry = &self.located.entry;
        let path = &entry.path;
        ProxyError::Unsupported(match (&self.located.dangling, entry.kind) {
            (Some(missing), _) => format!(
                "{path} is a {} to {missing}, which is not in the image: there are no bytes \
                 to download (open it to see the link itself)",
                kind_noun(entry.kind)
            ),
            (None, EntryKind::Dir) => format!(
                "{path} is a directory: there are no bytes to download (open it to see its \
                 children, or export the whole image as a tar)"
            ),
            (None, kind) => format!(
                "{path} is a {}: it has no bytes to download (open it to see its metadata)",
                kind_noun(kind)
            ),
        })
    }
}

/// A file's bytes on their way: from which layer, how many in all.
struct Opened {
    /// The file's size (the body may hold fewer: a preview).
    size: u64,
    body: file::FileBody,
    /// The image layer the bytes are in (a hard link's target may be lower).
    layer: usize,
    digest: Digest,
}

/// The exact bytes as a body. An error mid-way aborts it: with `Content-Length` set, the
/// client sees it short.
fn stream(chunks: mpsc::Receiver<Result<bytes::Bytes, ProxyError>>) -> Response {
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        let chunk = chunks.recv().await?;
        Some((chunk, chunks))
    });
    Response::new(axum::body::Body::from_stream(stream))
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
