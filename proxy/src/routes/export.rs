//! `GET /api/export?ref=REFERENCE[&platform=DIGEST]`: one image as one tar that is both an
//! OCI image layout (`oci-layout`, `index.json`, `blobs/`) and `docker load`-able
//! (`manifest.json` pointing into the same `blobs/`), streamed as the blobs arrive. `POST`
//! takes the same fields as a form (see [`Download`]).
//!
//! Every size is known from the descriptors before a byte is fetched, so each tar header is
//! written before its data and the whole length is sent as `Content-Length`. Each blob is
//! digest-verified as it passes; a mismatch or a broken upstream aborts the response, so a
//! download is either complete and verified or visibly broken.
//!
//! Those sizes are the registry's word, so every sum and padding is checked: a manifest
//! naming `2^64 - 1` bytes, or two blobs of `2^63`, is refused with a clear error before the
//! first byte, never answered with a wrapped `Content-Length` and a broken stream.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt, TryStreamExt};
use lading_shared::{Descriptor, Digest, Manifest, Reference};
use serde_json::json;

use super::blob::open_image;
use crate::AppState;
use crate::error::{Failure, ProxyError};
use crate::extract::Download;
use crate::redact;
use crate::registry::Session;
use crate::registry::image::ResolvedImage;
use crate::trace::Trace;

/// Tar's unit: headers are one block, data is padded to whole blocks.
const BLOCK: u64 = 512;
/// Two zero blocks end an archive.
const END_OF_ARCHIVE: [u8; 1024] = [0; 1024];
/// ustar's name field; longer paths (sha512 blobs) get a PAX `path` record.
const USTAR_NAME_MAX: usize = 100;
/// The OCI layout's annotation keys: the tag, and the full name containerd imports under.
const REF_NAME: &str = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME: &str = "io.containerd.image.name";
/// Largest archive promised in a `Content-Length`: 4 TiB. Far above any real image (ECR caps
/// a layer at 52,000 MiB, ACR at 200 GiB, GHCR at 10 GB) and far below 2^64, so a manifest's
/// absurd sizes are refused up front while sums of real ones can never overflow.
pub const MAX_EXPORT_BYTES: u64 = 4 << 40;

pub async fn export_image(
    State(state): State<AppState>,
    Download { query, credentials }: Download,
) -> Result<Response, Failure> {
    let trace = Trace::default();
    let fail = |error| Failure {
        error,
        trace: trace.exchanges(),
    };
    let (session, reference, image) = open_image(&state, credentials, &query, &trace)
        .await
        .map_err(fail)?;
    let entries = layout(&reference, &image).map_err(fail)?;
    let length = archive_len(&entries).map_err(fail)?;
    // The layout files (the manifest as received, up to 4 MiB, and what is made from it)
    // stay in memory until a possibly slow client has read past them.
    let held = entries.iter().map(Entry::held_bytes).sum();
    let memory = super::json::charge(held).map_err(fail)?;
    let body = archive(entries, Arc::new(session), image.repository.clone());
    let body = body.map(move |chunk| {
        let _held = &memory;
        chunk
    });
    let mut headers = HeaderMap::new();
    let disposition = format!("attachment; filename=\"{}.tar\"", file_stem(&reference));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-tar"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition)
            .map_err(|e| fail(ProxyError::BadRequest(e.to_string())))?,
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let what = query.reference.clone();
    // The error may quote a registry's text (a token realm, a URL): shown redacted.
    let body = body.inspect_err(move |e| {
        tracing::warn!(
            "export of {} aborted: {}",
            redact::text(&what),
            redact::error(e)
        );
    });
    Ok((StatusCode::OK, headers, Body::from_stream(body)).into_response())
}

/// One file of the archive.
struct Entry {
    path: String,
    content: Content,
}

enum Content {
    /// Written by the proxy (layout files, the manifest as received).
    Inline(Bytes),
    /// Streamed from the registry; the header's size comes from the descriptor.
    Blob(Box<Descriptor>),
}

impl Entry {
    fn size(&self) -> u64 {
        match &self.content {
            Content::Inline(bytes) => bytes.len() as u64,
            Content::Blob(descriptor) => descriptor.size,
        }
    }

    /// Header(s), data and padding; `None` past 64 bits.
    fn archived_len(&self) -> Option<u64> {
        let pax = match pax_path(&self.path) {
            Some(record) => BLOCK.checked_add(padded(record.len() as u64)?)?,
            None => 0,
        };
        pax.checked_add(BLOCK)?.checked_add(padded(self.size())?)
    }

    /// Memory it holds until it is sent: inline bytes, or a descriptor (with its
    /// annotations and URLs, roughly as long as their JSON).
    fn held_bytes(&self) -> u64 {
        let held = match &self.content {
            Content::Inline(bytes) => bytes.len(),
            Content::Blob(descriptor) => {
                serde_json::to_vec(descriptor).map_or(0, |json| json.len())
            }
        };
        (held + self.path.len()) as u64
    }

    /// How an error names it: the blob's digest, or the layout file's path.
    fn name(&self) -> String {
        match &self.content {
            Content::Blob(descriptor) => format!("blob {}", descriptor.digest),
            Content::Inline(_) => self.path.clone(),
        }
    }
}

/// `size` rounded up to whole blocks; `None` past 64 bits (a size near `u64::MAX`).
fn padded(size: u64) -> Option<u64> {
    size.checked_next_multiple_of(BLOCK)
}

/// The whole archive's length, end blocks included, or which entry takes it past
/// [`MAX_EXPORT_BYTES`] (or past 64 bits).
fn archive_len(entries: &[Entry]) -> Result<u64, ProxyError> {
    let mut total = END_OF_ARCHIVE.len() as u64;
    for entry in entries {
        total = entry
            .archived_len()
            .and_then(|len| total.checked_add(len))
            .filter(|&total| total <= MAX_EXPORT_BYTES)
            .ok_or_else(|| ProxyError::TooLarge {
                what: format!(
                    "the export, with {} ({} bytes in the manifest),",
                    entry.name(),
                    entry.size()
                ),
                limit: MAX_EXPORT_BYTES,
            })?;
    }
    Ok(total)
}

fn blob_path(digest: &Digest) -> String {
    format!("blobs/{}/{}", digest.algorithm().name(), digest.hex())
}

/// The archive's files: layout metadata first (small, and readers that stream find it
/// early), then the manifest, config and layers, each blob once.
fn layout(reference: &Reference, image: &ResolvedImage) -> Result<Vec<Entry>, ProxyError> {
    let (media_type, _) = Manifest::decode(&image.raw.bytes, image.raw.content_type.as_deref())
        .map_err(|e| ProxyError::BadUpstream(e.to_string()))?;
    let name = match &reference.tag {
        Some(tag) => format!("{}/{}:{tag}", reference.registry, reference.repository),
        None => format!(
            "{}/{}@{}",
            reference.registry, reference.repository, image.digest
        ),
    };
    let mut annotations = serde_json::Map::new();
    annotations.insert(CONTAINERD_NAME.into(), json!(name));
    if let Some(tag) = &reference.tag {
        annotations.insert(REF_NAME.into(), json!(tag));
    }
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": media_type.as_str(),
            "digest": image.digest.to_string(),
            "size": image.raw.bytes.len(),
            "annotations": annotations,
        }],
    });
    let manifest = &image.manifest;
    let docker = json!([{
        "Config": blob_path(&manifest.config.digest),
        "RepoTags": if reference.tag.is_some() { vec![name] } else { Vec::new() },
        "Layers": manifest.layers.iter().map(|l| blob_path(&l.digest)).collect::<Vec<_>>(),
    }]);
    let inline = |path: &str, bytes: Vec<u8>| Entry {
        path: path.to_string(),
        content: Content::Inline(Bytes::from(bytes)),
    };
    let mut entries = vec![
        inline("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
        inline("index.json", json_bytes(&index)),
        inline("manifest.json", json_bytes(&docker)),
        inline(&blob_path(&image.digest), image.raw.bytes.to_vec()),
    ];
    let mut seen = BTreeSet::from([image.digest.clone()]);
    for descriptor in std::iter::once(&manifest.config).chain(&manifest.layers) {
        if !seen.insert(descriptor.digest.clone()) {
            continue;
        }
        // A header needs the size up front; 0 is what a missing `size` decodes to.
        if descriptor.size == 0 && !descriptor.digest.verifies(b"") {
            return Err(ProxyError::BadUpstream(format!(
                "blob {} has no size in the manifest: it cannot be exported",
                descriptor.digest
            )));
        }
        entries.push(Entry {
            path: blob_path(&descriptor.digest),
            content: Content::Blob(Box::new(descriptor.clone())),
        });
    }
    Ok(entries)
}

fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON values serialise")
}

/// `team_app-v1` for `registry/team/app:v1`; a digest stands in for a missing tag.
fn file_stem(reference: &Reference) -> String {
    let repo = reference.repository.replace('/', "_");
    match (&reference.tag, &reference.digest) {
        (Some(tag), _) => format!("{repo}-{tag}"),
        (None, Some(digest)) => format!("{repo}-{}-{}", digest.algorithm().name(), digest.hex()),
        (None, None) => repo,
    }
}

/// The whole tar as a stream. Hand-written glue around `tar::Header`: the `tar` crate's
/// `Builder` writes to a blocking `Write` and would need the whole blob in hand (or a thread
/// per download); here each blob's bytes are passed on as they arrive.
fn archive(
    entries: Vec<Entry>,
    session: Arc<Session>,
    repository: String,
) -> BoxStream<'static, Result<Bytes, ProxyError>> {
    stream::iter(entries)
        .flat_map(move |entry| entry_stream(entry, session.clone(), repository.clone()))
        .chain(stream::once(async {
            Ok(Bytes::from_static(&END_OF_ARCHIVE))
        }))
        // After the first error nothing more is sent: the response is already broken.
        .scan(false, |failed, item| {
            let next = (!*failed).then(|| {
                *failed = item.is_err();
                item
            });
            async move { next }
        })
        .boxed()
}

fn entry_stream(
    entry: Entry,
    session: Arc<Session>,
    repository: String,
) -> BoxStream<'static, Result<Bytes, ProxyError>> {
    let size = entry.size();
    let head = match entry_headers(&entry.path, size) {
        Ok(bytes) => bytes,
        Err(error) => return stream::once(async { Err(error) }).boxed(),
    };
    // Less than a block: `archive_len` checked every size before the first byte.
    let padding = match padded(size) {
        Some(padded) => Bytes::from(vec![0u8; (padded - size) as usize]),
        None => return stream::once(async move { Err(unpaddable(size)) }).boxed(),
    };
    let data = match entry.content {
        Content::Inline(bytes) => stream::once(async { Ok(bytes) }).boxed(),
        // Opened only when the archive reaches it, so no connection idles meanwhile.
        Content::Blob(descriptor) => stream::once(async move {
            session
                .blob_stream(&repository, &descriptor, None)
                .await
                .map(|blob| blob.body)
        })
        .map(|opened| opened.unwrap_or_else(|error| stream::once(async { Err(error) }).boxed()))
        .flatten()
        .boxed(),
    };
    stream::once(async { Ok(head) })
        .chain(data)
        .chain(stream::once(async { Ok(padding) }))
        .boxed()
}

/// The header block(s) of a regular file: a PAX `path` record first when the path does not
/// fit ustar's name field.
fn entry_headers(path: &str, size: u64) -> Result<Bytes, ProxyError> {
    let mut out = Vec::with_capacity(3 * BLOCK as usize);
    let short = match pax_path(path) {
        Some(record) => {
            let pax = file_header(
                "PaxHeaders/path",
                record.len() as u64,
                tar::EntryType::XHeader,
            )?;
            out.extend_from_slice(pax.as_bytes());
            out.extend_from_slice(record.as_bytes());
            out.resize(out.len().next_multiple_of(BLOCK as usize), 0);
            // Readers without PAX support still get a unique, recognisable name.
            &path[path.len() - USTAR_NAME_MAX..]
        }
        None => path,
    };
    out.extend_from_slice(file_header(short, size, tar::EntryType::Regular)?.as_bytes());
    Ok(Bytes::from(out))
}

fn unpaddable(size: u64) -> ProxyError {
    ProxyError::TooLarge {
        what: format!("a blob of {size} bytes"),
        limit: MAX_EXPORT_BYTES,
    }
}

fn file_header(path: &str, size: u64, kind: tar::EntryType) -> Result<tar::Header, ProxyError> {
    let mut header = tar::Header::new_ustar();
    header
        .set_path(path)
        .map_err(|e| ProxyError::BadRequest(format!("tar path {path:?}: {e}")))?;
    header.set_size(size);
    header.set_entry_type(kind);
    header.set_mode(0o644);
    // A fixed time: the same image exports to the same bytes.
    header.set_mtime(0);
    header.set_cksum();
    Ok(header)
}

/// `"NN path=…\n"` when `path` is too long for ustar, where NN counts the whole record.
fn pax_path(path: &str) -> Option<String> {
    if path.len() <= USTAR_NAME_MAX {
        return None;
    }
    let body = format!(" path={path}\n");
    let mut length = body.len();
    while length.to_string().len() + body.len() != length {
        length = length.to_string().len() + body.len();
    }
    Some(format!("{length}{body}"))
}

#[cfg(test)]
mod tests;
