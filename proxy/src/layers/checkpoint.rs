//! Gzip checkpoints (zlib's "zran" technique): places in a gzip layer where decompression can
//! start again without reading what came before, so a file in a listed layer is read with
//! one byte range instead of the whole blob.
//!
//! A checkpoint is either the start of a gzip member (pigz and eStargz write many; nothing
//! before it is needed) or a deflate block boundary, which needs the bit position inside the
//! byte and the last 32 KiB of output (the most a back-reference can reach).

use std::sync::{Arc, Mutex};

/// Uncompressed bytes between checkpoints: a file read decompresses at most this much that it
/// does not need, and each block checkpoint costs [`WINDOW`] bytes of memory.
pub const SPACING: u64 = 4 * 1024 * 1024;
/// Checkpoints kept per layer; past this the spacing doubles (a 16 GiB layer still costs at
/// most 32 MiB of windows).
pub const MAX_CHECKPOINTS: usize = 1024;
/// Deflate's window: how far back a match may reach.
pub const WINDOW: usize = 32 * 1024;
/// Bytes fetched past the next checkpoint, so the decoder never runs dry at the boundary.
pub const RANGE_SLACK: u64 = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Blob offset of the first byte to feed the decoder.
    pub compressed: u64,
    /// Offset in the uncompressed stream.
    pub uncompressed: u64,
    /// At a block boundary: how many high bits of the byte before `compressed` are still
    /// unread (0..=7), and those bits (in the low bits).
    pub bits: u8,
    pub bit_buf: u8,
    /// The output before `uncompressed` (up to [`WINDOW`] bytes); empty at a member start.
    pub window: Arc<[u8]>,
    /// A gzip member header starts at `compressed`.
    pub member_start: bool,
}

/// Collects checkpoints while a layer is decoded for the first time.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    inner: Arc<Mutex<Recorded>>,
}

#[derive(Debug)]
struct Recorded {
    checkpoints: Vec<Checkpoint>,
    spacing: u64,
}

impl Default for Recorded {
    fn default() -> Recorded {
        Recorded {
            checkpoints: Vec::new(),
            spacing: SPACING,
        }
    }
}

impl Recorder {
    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The uncompressed offset from which the next checkpoint is wanted.
    pub fn next_at(&self) -> u64 {
        let recorded = self.lock();
        recorded
            .checkpoints
            .last()
            .map_or(0, |c| c.uncompressed + recorded.spacing)
    }

    pub fn push(&self, checkpoint: Checkpoint) {
        let mut recorded = self.lock();
        recorded.checkpoints.push(checkpoint);
        if recorded.checkpoints.len() > MAX_CHECKPOINTS {
            // Keep every other one: the first (the blob's start) always stays.
            let mut index = 0;
            recorded.checkpoints.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            recorded.spacing *= 2;
        }
    }

    pub fn take(&self) -> Vec<Checkpoint> {
        std::mem::take(&mut self.lock().checkpoints)
    }
}

/// The compressed span to fetch to read uncompressed bytes `start..end`: from the last
/// checkpoint at or before `start` to just past the first one at or after `end` (or the
/// blob's end). `None` when no checkpoint precedes `start`.
pub fn span(
    checkpoints: &[Checkpoint],
    start: u64,
    end: u64,
    blob_size: u64,
) -> Option<(&Checkpoint, u64)> {
    let from = checkpoints.iter().rev().find(|c| c.uncompressed <= start)?;
    let to = checkpoints
        .iter()
        .find(|c| c.uncompressed >= end && c.compressed > from.compressed)
        .map_or(blob_size, |c| (c.compressed + RANGE_SLACK).min(blob_size));
    Some((from, to.max(from.compressed + 1)))
}

#[cfg(test)]
mod tests;
