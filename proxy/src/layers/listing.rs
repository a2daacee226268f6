//! Walking a layer's tar once: every entry as an [`Entry`], sent in batches while the blob
//! streams, and kept (with each entry's data offset) as the [`Listing`] the cache holds.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lading_shared::layer::{Compression, Entry, ListingEvent};
use tokio::sync::mpsc;

use super::checkpoint::{Checkpoint, Recorder};
use super::decode;
use super::entry::to_entry;
use super::source::SourceState;
use crate::error::ProxyError;

/// Uncompressed bytes one layer may expand to: a gzip bomb stops here, with an error.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// Tar entries one layer may hold (a listing keeps every entry in memory).
pub const MAX_ENTRIES: usize = 2_000_000;

/// What one layer may hold; past any limit the listing stops with an error.
#[derive(Debug, Clone, Copy)]
pub struct LayerLimits {
    pub uncompressed_bytes: u64,
    pub entries: usize,
    /// The expansion cap: past `bomb_threshold` uncompressed bytes, at most `bomb_ratio` times
    /// the compressed bytes read (see `decode::BOMB_RATIO`).
    pub bomb_threshold: u64,
    pub bomb_ratio: u64,
}

impl Default for LayerLimits {
    fn default() -> LayerLimits {
        LayerLimits {
            uncompressed_bytes: MAX_UNCOMPRESSED_BYTES,
            entries: MAX_ENTRIES,
            bomb_threshold: decode::BOMB_THRESHOLD,
            bomb_ratio: decode::BOMB_RATIO,
        }
    }
}

/// Entries per `Entries` line, and the longest a batch waits: the first entries of a large
/// layer reach the page at once.
pub const BATCH_ENTRIES: usize = 500;
pub const BATCH_EVERY: Duration = Duration::from_millis(100);
/// Entries with at least this much data are slow to skip: what is pending goes out first.
pub const FLUSH_BEFORE_BYTES: u64 = 1024 * 1024;

/// One layer's entries, in archive order, with where each entry's bytes start.
#[derive(Debug, Clone)]
pub struct Listing {
    pub compression: Compression,
    pub entries: Vec<Entry>,
    /// Per entry: offset of its data in the uncompressed tar.
    pub data_offsets: Vec<u64>,
    pub uncompressed_bytes: u64,
    /// The whole blob hashed to its digest.
    pub verified: bool,
    /// Gzip only: where decompression can restart (see `checkpoint`).
    pub checkpoints: Vec<Checkpoint>,
}

impl Listing {
    /// Index of the last entry at `path` (a later entry in one tar replaces an earlier one).
    pub fn find(&self, path: &str) -> Option<usize> {
        self.entries.iter().rposition(|e| e.path == path)
    }

    /// Approximate heap size, for the cache's weigher.
    pub fn weight(&self) -> u64 {
        const PER_ENTRY: u64 = 160;
        let windows: u64 = self
            .checkpoints
            .iter()
            .map(|c| 64 + c.window.len() as u64)
            .sum();
        windows
            + self
                .entries
                .iter()
                .map(|e| {
                    PER_ENTRY + e.path.len() as u64 + e.link.as_ref().map_or(0, |l| l.len() as u64)
                })
                .sum::<u64>()
    }
}

/// Where entries go while a listing is read.
pub struct Batcher {
    events: Option<mpsc::Sender<ListingEvent>>,
    batch: Vec<Entry>,
    started: Instant,
}

impl Batcher {
    /// `None`: collect only (a merged listing sends the merge, not each layer).
    pub fn new(events: Option<mpsc::Sender<ListingEvent>>) -> Batcher {
        Batcher {
            events,
            batch: Vec::new(),
            started: Instant::now(),
        }
    }

    fn push(&mut self, entry: &Entry) -> io::Result<()> {
        if self.events.is_none() {
            return Ok(());
        }
        self.batch.push(entry.clone());
        if self.batch.len() >= BATCH_ENTRIES
            || self.started.elapsed() >= BATCH_EVERY
            || entry.size >= FLUSH_BEFORE_BYTES
        {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.started = Instant::now();
        let (Some(events), false) = (&self.events, self.batch.is_empty()) else {
            return Ok(());
        };
        let entries = std::mem::take(&mut self.batch);
        events
            .blocking_send(ListingEvent::Entries { entries })
            .map_err(|_| io::Error::other("the client went away"))
    }
}

/// Reads a whole layer blob (blocking): sniffs, decompresses, walks the tar, then drains
/// the rest so the digest covers every byte. Upstream failures and limits recorded in
/// `state` win over the decode error they caused.
pub fn list(
    blob: impl Read + Send + 'static,
    state: Arc<Mutex<SourceState>>,
    limits: LayerLimits,
    batcher: &mut Batcher,
) -> Result<Listing, ProxyError> {
    let result = walk(blob, state.clone(), limits, batcher);
    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(mut listing) => {
            listing.verified = state.verified;
            Ok(listing)
        }
        Err(error) => Err(state.failure.take().unwrap_or(error)),
    }
}

fn walk(
    blob: impl Read + Send + 'static,
    state: Arc<Mutex<SourceState>>,
    limits: LayerLimits,
    batcher: &mut Batcher,
) -> Result<Listing, ProxyError> {
    let unreadable =
        |e: io::Error| ProxyError::BadUpstream(format!("the layer cannot be read: {e}"));
    let recorder = Recorder::default();
    let (compression, decoded) =
        decode::open_limited(blob, &limits, state, Some(recorder.clone())).map_err(unreadable)?;
    let mut listing = Listing {
        compression,
        entries: Vec::new(),
        data_offsets: Vec::new(),
        uncompressed_bytes: 0,
        verified: false,
        checkpoints: Vec::new(),
    };
    let mut archive = tar::Archive::new(decoded);
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        let Some(parsed) = to_entry(&mut entry).map_err(unreadable)? else {
            continue;
        };
        if listing.entries.len() >= limits.entries {
            return Err(ProxyError::TooMany {
                what: "entries in the layer".into(),
                limit: limits.entries as u64,
            });
        }
        batcher.push(&parsed).map_err(unreadable)?;
        listing.data_offsets.push(entry.raw_file_position());
        listing.entries.push(parsed);
    }
    batcher.flush().map_err(unreadable)?;
    let mut rest = archive.into_inner();
    // Past the end-of-archive blocks: padding, and the end of the compressed stream (whose
    // checksum and the blob digest are only checked once every byte is read).
    io::copy(&mut rest, &mut io::sink()).map_err(unreadable)?;
    listing.uncompressed_bytes = rest.get_ref().count;
    listing.checkpoints = recorder.take();
    Ok(listing)
}
