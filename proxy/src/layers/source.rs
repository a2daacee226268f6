//! From an async blob body to a blocking `Read`: a feeder task forwards chunks through a
//! bounded channel (so a slow reader pushes back on the download instead of buffering it), and
//! [`BlobReader`] lends each chunk to the decoder in place and counts the compressed bytes. Digests are checked by
//! `Session::blob_stream`, which ends a whole blob's stream in an error on a mismatch.

use std::io::{self, BufRead, Read};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use lading_shared::layer::ListingEvent;
use tokio::sync::mpsc;

use super::decode::read_buffered;
use crate::error::ProxyError;

/// Chunks in flight between the download and the decoder (each at most a few hundred KiB).
pub const CHUNKS_IN_FLIGHT: usize = 16;
/// Progress lines are sent at most this often.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

pub type ByteStream = BoxStream<'static, Result<Bytes, ProxyError>>;

/// Forwards `body` into a bounded channel; stops when the reader goes away. A clean end of
/// the body is marked by an empty chunk, so a feeder that died (runtime shutdown) is never
/// mistaken for a complete, verified blob.
pub fn spawn_feeder(mut body: ByteStream) -> mpsc::Receiver<Result<Bytes, ProxyError>> {
    let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
    tokio::spawn(async move {
        while let Some(chunk) = body.next().await {
            let failed = chunk.is_err();
            if matches!(&chunk, Ok(bytes) if bytes.is_empty()) {
                continue;
            }
            if tx.send(chunk).await.is_err() || failed {
                return;
            }
        }
        let _ = tx.send(Ok(Bytes::new())).await;
    });
    rx
}

/// What the reader learnt, readable after the decoder (which owns the reader) is gone.
#[derive(Debug, Default)]
pub struct SourceState {
    pub read_bytes: u64,
    /// The upstream failure that ended the stream (network, timeout, digest mismatch).
    pub failure: Option<ProxyError>,
    /// Set at the end of the stream: the bytes hashed to the expected digest.
    pub verified: bool,
}

/// Progress reporting: `base` is added so several layers count as one total.
pub struct Progress {
    pub events: mpsc::Sender<ListingEvent>,
    pub base: u64,
    last: Instant,
}

impl Progress {
    pub fn new(events: mpsc::Sender<ListingEvent>, base: u64) -> Progress {
        Progress {
            events,
            base,
            last: Instant::now(),
        }
    }
}

/// A blocking reader over the chunks of one blob.
pub struct BlobReader {
    chunks: mpsc::Receiver<Result<Bytes, ProxyError>>,
    current: Bytes,
    /// The stream is a whole blob that `blob_stream` verifies: a clean end means verified.
    whole: bool,
    progress: Option<Progress>,
    state: Arc<Mutex<SourceState>>,
    done: bool,
}

impl BlobReader {
    /// `whole`: the chunks are a whole, digest-checked blob (not a range).
    pub fn new(
        chunks: mpsc::Receiver<Result<Bytes, ProxyError>>,
        whole: bool,
        progress: Option<Progress>,
    ) -> BlobReader {
        BlobReader {
            chunks,
            current: Bytes::new(),
            whole,
            progress,
            state: Arc::default(),
            done: false,
        }
    }

    pub fn state(&self) -> Arc<Mutex<SourceState>> {
        self.state.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SourceState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fail(&mut self, error: ProxyError) -> io::Error {
        let message = error.to_string();
        self.lock().failure = Some(error);
        self.done = true;
        io::Error::other(message)
    }

    fn report(&mut self, read: u64) -> io::Result<()> {
        let Some(progress) = &mut self.progress else {
            return Ok(());
        };
        if progress.last.elapsed() < PROGRESS_EVERY {
            return Ok(());
        }
        progress.last = Instant::now();
        let event = ListingEvent::Progress {
            read_bytes: progress.base.saturating_add(read),
        };
        progress
            .events
            .blocking_send(event)
            .map_err(|_| io::Error::other("the client went away"))
    }
}

/// Lends each chunk as it came from the download: the decoder reads it in place.
impl BufRead for BlobReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.current.is_empty() {
            if self.done {
                return Ok(&[]);
            }
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) if chunk.is_empty() => {
                    self.done = true;
                    self.lock().verified = self.whole;
                    return Ok(&[]);
                }
                Some(Ok(chunk)) => {
                    let read = {
                        let mut state = self.lock();
                        state.read_bytes += chunk.len() as u64;
                        state.read_bytes
                    };
                    self.current = chunk;
                    self.report(read)?;
                }
                Some(Err(error)) => return Err(self.fail(error)),
                None => {
                    let stopped = "the download stopped before the blob's end";
                    return Err(self.fail(ProxyError::BadUpstream(stopped.into())));
                }
            }
        }
        Ok(&self.current)
    }

    fn consume(&mut self, n: usize) {
        self.current.advance(n.min(self.current.len()));
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buf)
    }
}
