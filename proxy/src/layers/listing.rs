//! Walking a layer's tar once: every entry as an [`Entry`], sent in batches while the blob
//! streams, and kept (with each entry's data offset) as the [`Listing`] the cache holds.
//!
//! A listing accounts for the heap it holds as it grows (names, vectors, checkpoint windows,
//! and while it is read the decoder's buffers) against the process-wide budget
//! ([`super::budget`]), and gives it back when dropped.

use std::io::{self, BufRead};
use std::mem::size_of;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lading_shared::layer::{Compression, Entry, ListingEvent};
use tokio::sync::mpsc;

use super::budget::{Budget, LISTING_MEMORY, Reservation};
use super::checkpoint::{self, Checkpoint, Recorder};
use super::decode;
use super::entry::{EntryError, to_entry};
use super::headers::{HeaderGuard, MAX_PAX_HEADER_BYTES};
use super::source::SourceState;
use crate::error::ProxyError;

/// Uncompressed bytes one layer may expand to: a gzip bomb stops here, with an error.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// Tar entries one layer may hold (a listing keeps every entry in memory).
pub const MAX_ENTRIES: usize = 2_000_000;
/// Heap one layer's entries may hold (the entries, their names and offsets): about 400,000
/// entries of ordinary names (a large real layer has 100,000–200,000), or 11,000 whose every
/// name is as long as the caps allow. Checkpoint windows come on top (at most 32 MiB).
pub const MAX_LISTING_BYTES: u64 = 96 * 1024 * 1024;
/// What reading a layer holds besides its listing, charged to the budget while it reads: the
/// decompressor's and tar reader's buffers (~1 MiB), the chunks in flight from the download
/// (`source::CHUNKS_IN_FLIGHT`), and one extension header being read (twice, as a `Vec` grows).
pub const READ_OVERHEAD_BYTES: u64 = 2 * 1024 * 1024 + 2 * MAX_PAX_HEADER_BYTES;
/// What malloc adds to each allocation it hands out (its header, rounding).
const ALLOC_OVERHEAD: u64 = 16;
/// Past this many entries the vectors grow by this many at a time instead of doubling, so the
/// capacity charged runs at most this far ahead of what the listing holds.
const GROWTH_STEP: usize = 64 * 1024;

/// What one layer may hold; past any limit the listing stops with an error.
#[derive(Debug, Clone, Copy)]
pub struct LayerLimits {
    pub uncompressed_bytes: u64,
    pub entries: usize,
    /// Heap of the listing ([`Listing::weight`]).
    pub listing_bytes: u64,
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
            listing_bytes: MAX_LISTING_BYTES,
            bomb_threshold: decode::BOMB_THRESHOLD,
            bomb_ratio: decode::BOMB_RATIO,
        }
    }
}

/// Entries per `Entries` line, and the longest a batch waits: the first entries of a large
/// layer reach the page at once.
pub const BATCH_ENTRIES: usize = 500;
/// Heap of the entries of one batch ([`entry_weight`]): with names at their caps a batch of
/// [`BATCH_ENTRIES`] would be 4.5 MiB (and its JSON up to six times that), times the lines
/// queued for a slow client.
pub const BATCH_BYTES: u64 = 64 * 1024;
pub const BATCH_EVERY: Duration = Duration::from_millis(100);
/// Entries with at least this much data are slow to skip: what is pending goes out first.
pub const FLUSH_BEFORE_BYTES: u64 = 1024 * 1024;

/// One layer's entries, in archive order, with where each entry's bytes start.
#[derive(Debug)]
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
    /// The budget this listing's memory is drawn from ([`Reservation::none`] for one built by
    /// hand).
    pub memory: Reservation,
}

impl Listing {
    pub fn new(compression: Compression, memory: Reservation) -> Listing {
        Listing {
            compression,
            entries: Vec::new(),
            data_offsets: Vec::new(),
            uncompressed_bytes: 0,
            verified: false,
            checkpoints: Vec::new(),
            memory,
        }
    }

    /// Index of the last entry at `path` (a later entry in one tar replaces an earlier one).
    pub fn find(&self, path: &str) -> Option<usize> {
        self.entries.iter().rposition(|e| e.path == path)
    }

    /// The heap this listing holds: what the cache weighs and the budget is charged. Counts
    /// capacity, not length, and every name and window allocation.
    pub fn weight(&self) -> u64 {
        let names: u64 = self.entries.iter().map(entry_heap).sum();
        let windows: u64 = self
            .checkpoints
            .iter()
            .map(|c| window_heap(c.window.len()))
            .sum();
        self.vectors_weight(self.entries.capacity()) + names + windows
    }

    /// The struct and its vectors, were the entries' capacity `entries`.
    fn vectors_weight(&self, entries: usize) -> u64 {
        let per_entry = size_of::<Entry>() + size_of::<u64>();
        (size_of::<Listing>()
            + entries.max(self.data_offsets.capacity()) * per_entry
            + self.checkpoints.capacity() * size_of::<Checkpoint>()) as u64
    }

    /// Makes room for one more entry, charging the budget before any vector grows: `names` is
    /// the heap of every entry's names with the new one, `reading` what the read holds
    /// besides the listing.
    fn make_room(
        &mut self,
        names: u64,
        reading: u64,
        limits: &LayerLimits,
    ) -> Result<(), ProxyError> {
        let len = self.entries.len();
        let capacity = match self.entries.capacity() {
            full if full == len && len < GROWTH_STEP => (len * 2).max(64),
            full if full == len => len + GROWTH_STEP,
            room => room,
        };
        let weight = self.vectors_weight(capacity) + names;
        if weight > limits.listing_bytes {
            return Err(ProxyError::TooLarge {
                what: format!(
                    "the layer's listing in memory (its first {len} entries' names and offsets)"
                ),
                limit: limits.listing_bytes,
            });
        }
        self.memory.resize(weight + reading)?;
        self.entries.reserve_exact(capacity - len);
        self.data_offsets.reserve_exact(capacity - len);
        Ok(())
    }
}

/// Heap of one entry's names (its strings' capacities and their allocations).
pub fn entry_heap(entry: &Entry) -> u64 {
    let string = |s: &String| match s.capacity() {
        0 => 0,
        n => n as u64 + ALLOC_OVERHEAD,
    };
    string(&entry.path)
        + [&entry.uname, &entry.gname, &entry.link]
            .into_iter()
            .flatten()
            .map(string)
            .sum::<u64>()
}

/// An entry with its names, as a batch holds it.
pub fn entry_weight(entry: &Entry) -> u64 {
    size_of::<Entry>() as u64 + entry_heap(entry)
}

/// One checkpoint window (`Arc<[u8]>`: two counters before the bytes).
fn window_heap(len: usize) -> u64 {
    (2 * size_of::<usize>() + len) as u64 + ALLOC_OVERHEAD
}

/// What a read holds besides its listing once `uncompressed` bytes are decoded: buffers, the
/// zstd window, and the checkpoints recorded so far (at most one per `SPACING` bytes, and at
/// most `MAX_CHECKPOINTS` and one before they are thinned).
fn reading_weight(compression: Compression, uncompressed: u64) -> u64 {
    let (window, decoder) = match compression {
        Compression::Gzip => (checkpoint::WINDOW, 0),
        Compression::Zstd => (0, super::zstd::MAX_WINDOW_BYTES),
        Compression::None => return READ_OVERHEAD_BYTES,
    };
    let checkpoints =
        (uncompressed / checkpoint::SPACING + 2).min(checkpoint::MAX_CHECKPOINTS as u64 + 1);
    let per_checkpoint = size_of::<Checkpoint>() as u64 + window_heap(window);
    READ_OVERHEAD_BYTES + decoder + checkpoints * per_checkpoint
}

/// Where entries go while a listing is read.
pub struct Batcher {
    events: Option<mpsc::Sender<ListingEvent>>,
    batch: Vec<Entry>,
    /// [`entry_weight`] of the batch.
    bytes: u64,
    started: Instant,
}

impl Batcher {
    /// `None`: collect only (a merged listing sends the merge, not each layer).
    pub fn new(events: Option<mpsc::Sender<ListingEvent>>) -> Batcher {
        Batcher {
            events,
            batch: Vec::new(),
            bytes: 0,
            started: Instant::now(),
        }
    }

    fn push(&mut self, entry: &Entry) -> io::Result<()> {
        if self.events.is_none() {
            return Ok(());
        }
        self.batch.push(entry.clone());
        self.bytes += entry_weight(entry);
        if self.batch.len() >= BATCH_ENTRIES
            || self.bytes >= BATCH_BYTES
            || self.started.elapsed() >= BATCH_EVERY
            || entry.size >= FLUSH_BEFORE_BYTES
        {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.started = Instant::now();
        self.bytes = 0;
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
/// `state` win over the decode error they caused. Memory is drawn from [`LISTING_MEMORY`].
pub fn list(
    blob: impl BufRead + Send + 'static,
    state: Arc<Mutex<SourceState>>,
    limits: LayerLimits,
    batcher: &mut Batcher,
) -> Result<Listing, ProxyError> {
    list_within(blob, state, limits, batcher, &LISTING_MEMORY)
}

/// [`list`], drawing from `budget`.
pub fn list_within(
    blob: impl BufRead + Send + 'static,
    state: Arc<Mutex<SourceState>>,
    limits: LayerLimits,
    batcher: &mut Batcher,
    budget: &'static Budget,
) -> Result<Listing, ProxyError> {
    let result = walk(blob, state.clone(), limits, batcher, budget);
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
    blob: impl BufRead + Send + 'static,
    state: Arc<Mutex<SourceState>>,
    limits: LayerLimits,
    batcher: &mut Batcher,
    budget: &'static Budget,
) -> Result<Listing, ProxyError> {
    let unreadable =
        |e: io::Error| ProxyError::BadUpstream(format!("the layer cannot be read: {e}"));
    let recorder = Recorder::default();
    let (compression, decoded) =
        decode::open_limited(blob, &limits, state.clone(), Some(recorder.clone()))
            .map_err(unreadable)?;
    let mut listing = Listing::new(compression, Reservation::new(budget));
    // Before a byte is decoded: a busy process says so at once.
    listing.memory.resize(reading_weight(compression, 0))?;
    let mut archive = tar::Archive::new(HeaderGuard::new(decoded, state));
    let mut names = 0;
    // With seeking, every header is read right after a seek: what `HeaderGuard` relies on.
    for entry in archive.entries_with_seek().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        let parsed = match to_entry(&mut entry, listing.entries.len() + 1) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => continue,
            Err(EntryError::Io(e)) => return Err(unreadable(e)),
            Err(EntryError::Limit(e)) => return Err(e),
        };
        if listing.entries.len() >= limits.entries {
            return Err(ProxyError::TooMany {
                what: "entries in the layer".into(),
                limit: limits.entries as u64,
            });
        }
        names += entry_heap(&parsed);
        let decoded = entry.raw_file_position().saturating_add(entry.size());
        listing.make_room(names, reading_weight(compression, decoded), &limits)?;
        batcher.push(&parsed).map_err(unreadable)?;
        listing.data_offsets.push(entry.raw_file_position());
        listing.entries.push(parsed);
    }
    batcher.flush().map_err(unreadable)?;
    let mut rest = archive.into_inner().into_inner();
    // Past the end-of-archive blocks: padding, and the end of the compressed stream (whose
    // checksum and the blob digest are only checked once every byte is read).
    io::copy(&mut rest, &mut io::sink()).map_err(unreadable)?;
    listing.uncompressed_bytes = rest.count;
    listing.checkpoints = recorder.take();
    listing.entries.shrink_to_fit();
    listing.data_offsets.shrink_to_fit();
    listing.checkpoints.shrink_to_fit();
    let weight = listing.weight();
    listing.memory.resize(weight)?;
    Ok(listing)
}
