//! Reading one entry's bytes out of a layer, fetching as little as the layer allows: an
//! uncompressed tar is read with one exact byte range; a gzip or multi-frame zstd layer from
//! the checkpoint before the entry to the one after it; a single zstd frame from the start.
//! Every download stops as soon as the entry's last byte is out.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use lading_shared::Descriptor;
use lading_shared::layer::Compression;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::checkpoint::{Checkpoint, span};
use super::decode;
use super::gzip::GzipDecoder;
use super::listing::Listing;
use super::source::{BlobReader, SourceState, spawn_feeder};
use super::zstd::ZstdDecoder;
use crate::error::ProxyError;
use crate::registry::Session;
use crate::registry::image::ResolvedImage;

/// Bytes per chunk handed to the response.
pub const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks waiting for a slow client.
const CHUNKS_IN_FLIGHT: usize = 8;

/// An entry's bytes on their way out.
pub struct FileBody {
    /// Exactly the asked-for bytes, or an `Err` as the last item.
    pub chunks: mpsc::Receiver<Result<Bytes, ProxyError>>,
    /// `read_bytes` is what was fetched from the registry (final once `task` is done).
    pub state: Arc<Mutex<SourceState>>,
    pub task: Option<JoinHandle<()>>,
}

impl FileBody {
    /// Collects the whole body (for previews, which are small).
    pub async fn collect(mut self) -> Result<(Vec<u8>, u64), ProxyError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = self.chunks.recv().await {
            bytes.extend_from_slice(&chunk?);
        }
        if let Some(task) = self.task {
            let _ = task.await;
        }
        let fetched = self
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .read_bytes;
        Ok((bytes, fetched))
    }
}

/// Starts reading the first `len` bytes of the data of entry `index` of `listing`, which was
/// read (or found in the cache) through `image`.
///
/// A checkpoint's window is plaintext of the layer, and the bytes fetched here are a `Range`
/// no digest can check: resumed over bytes from anywhere else, crafted deflate data copies
/// the window out. So the bytes come from exactly the scope the listing is cached under —
/// the same registry, repository and identity — and nowhere else.
pub async fn read_data(
    session: &Session,
    image: &ResolvedImage,
    descriptor: &Descriptor,
    listing: &Listing,
    index: usize,
    len: u64,
) -> Result<FileBody, ProxyError> {
    let scope = image.scope();
    if session.registry != scope.registry || session.identity() != scope.identity {
        // Unreachable through the routes (both come from one `open_image`); kept as a refusal
        // so a future caller cannot pair them wrongly.
        return Err(ProxyError::Forbidden(
            "a layer's listing is only read with bytes from where it came from".into(),
        ));
    }
    let repository = image.repository.as_str();
    let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let offset = listing.data_offsets[index];
    if len == 0 {
        return Ok(FileBody {
            chunks: rx,
            state: Arc::default(),
            task: None,
        });
    }
    // A tar header may claim any size; a listing that completed cannot hold one past the
    // stream, but the sum is checked rather than trusted.
    let end = offset.checked_add(len).ok_or_else(|| {
        ProxyError::BadUpstream("the entry's size runs past the end of any layer".into())
    })?;
    let blob_size = if descriptor.size > 0 {
        descriptor.size
    } else {
        u64::MAX
    };
    let plan = match listing.compression {
        Compression::None => Plan::Exact,
        Compression::Gzip | Compression::Zstd => {
            match span(&listing.checkpoints, offset, end, blob_size) {
                Some((checkpoint, to)) => Plan::Checkpoint(checkpoint.clone(), to),
                None => Plan::FromStart,
            }
        }
    };
    let range = match &plan {
        Plan::Exact => Some(offset..end),
        Plan::Checkpoint(checkpoint, to) => Some(checkpoint.compressed..*to),
        Plan::FromStart => None,
    };
    let body = session
        .blob_stream(repository, descriptor, range)
        .await?
        .body;
    let reader = BlobReader::new(spawn_feeder(body), false, None);
    let zstd = listing.compression == Compression::Zstd;
    let state = reader.state();
    let task_state = state.clone();
    let task = tokio::task::spawn_blocking(move || {
        let result = match plan {
            Plan::Exact => copy_out(reader, 0, len, &tx),
            Plan::Checkpoint(checkpoint, _) => {
                let skip = offset - checkpoint.uncompressed;
                if zstd {
                    ZstdDecoder::resume(reader, &checkpoint)
                        .and_then(|decoder| copy_out(decoder, skip, len, &tx))
                } else {
                    copy_out(GzipDecoder::resume(reader, &checkpoint), skip, len, &tx)
                }
            }
            Plan::FromStart => decode::open(reader, task_state.clone())
                .and_then(|(_, decoded)| copy_out(decoded, offset, len, &tx)),
        };
        if let Err(error) = result {
            let failure = task_state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .failure
                .take();
            let error = failure.unwrap_or_else(|| {
                ProxyError::BadUpstream(format!("the layer cannot be read: {error}"))
            });
            let _ = tx.blocking_send(Err(error));
        }
    });
    Ok(FileBody {
        chunks: rx,
        state,
        task: Some(task),
    })
}

/// How to reach an entry's bytes.
enum Plan {
    /// Uncompressed tar: the bytes themselves, by range.
    Exact,
    /// Gzip or zstd: decompress from this checkpoint, fetching up to the given blob offset.
    Checkpoint(Checkpoint, u64),
    /// Decompress from the blob's first byte.
    FromStart,
}

/// Skips `skip` bytes, then sends the next `len` in chunks. A client that went away ends it
/// quietly.
pub fn copy_out(
    mut reader: impl Read,
    skip: u64,
    len: u64,
    out: &mpsc::Sender<Result<Bytes, ProxyError>>,
) -> io::Result<()> {
    let skipped = io::copy(&mut (&mut reader).take(skip), &mut io::sink())?;
    if skipped < skip {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the layer ended before the entry",
        ));
    }
    let mut left = len;
    while left > 0 {
        let mut chunk = vec![0; left.min(CHUNK_BYTES as u64) as usize];
        reader.read_exact(&mut chunk)?;
        left -= chunk.len() as u64;
        if out.blocking_send(Ok(Bytes::from(chunk))).is_err() {
            return Ok(());
        }
    }
    Ok(())
}
