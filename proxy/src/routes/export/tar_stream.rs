//! The archive as a stream: each file's header (built by the `tar` crate), its bytes as they
//! arrive, its padding; then the end blocks.
//!
//! Every size is known from the descriptors before a byte is fetched, so each header is
//! written before its data and the whole length is known up front. Those sizes are the
//! registry's word, so every sum and padding is checked: a manifest naming `2^64 - 1` bytes,
//! or two blobs of `2^63`, is refused before the first byte, never answered with a wrapped
//! `Content-Length` and a broken stream.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};

use super::layout::{ArchiveEntry, Content};
use crate::error::ProxyError;
use crate::registry::Session;

/// Tar's unit: headers are one block, data is padded to whole blocks.
const BLOCK: u64 = 512;
/// Two zero blocks end an archive.
const END_OF_ARCHIVE: [u8; 1024] = [0; 1024];
/// ustar's name field; longer paths (sha512 blobs) get a PAX `path` record.
const USTAR_NAME_MAX: usize = 100;
/// Largest archive promised in a `Content-Length`: 4 TiB. Far above any real image (ECR caps
/// a layer at 52,000 MiB, ACR at 200 GiB, GHCR at 10 GB) and far below 2^64, so a manifest's
/// absurd sizes are refused up front while sums of real ones can never overflow.
pub const MAX_EXPORT_BYTES: u64 = 4 << 40;

/// `size` rounded up to whole blocks; `None` past 64 bits (a size near `u64::MAX`).
pub fn padded(size: u64) -> Option<u64> {
    size.checked_next_multiple_of(BLOCK)
}

/// The whole archive's length, end blocks included, or which entry takes it past
/// [`MAX_EXPORT_BYTES`] (or past 64 bits).
pub fn archive_len(entries: &[ArchiveEntry]) -> Result<u64, ProxyError> {
    let mut total = END_OF_ARCHIVE.len() as u64;
    for entry in entries {
        let head = entry_headers(&entry.path, entry.size())?.len() as u64;
        total = padded(entry.size())
            .and_then(|data| data.checked_add(head))
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

/// The header block(s) of a regular file of `size` bytes: a PAX `path` record first when the
/// path does not fit ustar's name field. Built by `tar::Builder` into memory; hand-written
/// only in that the data is not in hand yet (it streams from the registry, see [`archive`]).
pub fn entry_headers(path: &str, size: u64) -> Result<Bytes, ProxyError> {
    let mut builder = tar::Builder::new(Vec::with_capacity(3 * BLOCK as usize));
    let short = if path.len() > USTAR_NAME_MAX {
        builder
            .append_pax_extensions([("path", path.as_bytes())])
            .map_err(|e| tar_failure(path, e))?;
        // Readers without PAX support still get a unique, recognisable name.
        &path[path.len() - USTAR_NAME_MAX..]
    } else {
        path
    };
    let mut header = tar::Header::new_ustar();
    header.set_path(short).map_err(|e| tar_failure(path, e))?;
    header.set_size(size);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mode(0o644);
    // A fixed time: the same image exports to the same bytes.
    header.set_mtime(0);
    header.set_cksum();
    // The header alone: its data follows as it streams.
    builder
        .append(&header, std::io::empty())
        .map_err(|e| tar_failure(path, e))?;
    let mut bytes = builder.into_inner().map_err(|e| tar_failure(path, e))?;
    // `into_inner` ends the archive with two zero blocks; this is one entry of a larger one.
    bytes.truncate(bytes.len() - END_OF_ARCHIVE.len());
    Ok(Bytes::from(bytes))
}

/// Paths are this server's own (`blobs/sha256/…`): a failure here is not the client's.
fn tar_failure(path: &str, error: std::io::Error) -> ProxyError {
    ProxyError::Internal(format!("the tar header of {path:?}: {error}"))
}

/// The whole tar as a stream. Each blob's bytes are passed on as they arrive: the `tar`
/// crate's `Builder` writes to a blocking `Write` and would need the whole blob in hand (or a
/// thread per download), so only the headers go through it.
pub fn archive(
    entries: Vec<ArchiveEntry>,
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
    entry: ArchiveEntry,
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

fn unpaddable(size: u64) -> ProxyError {
    ProxyError::TooLarge {
        what: format!("a blob of {size} bytes"),
        limit: MAX_EXPORT_BYTES,
    }
}
