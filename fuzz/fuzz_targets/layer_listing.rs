//! The proxy's layer engine on an arbitrary blob: sniff → gzip / zstd / plain tar → entries
//! (`layers::listing::list`), with small limits so a decompression bomb is cut short, then
//! the checkpoint path: decompression resumed from every recorded checkpoint.
//!
//! Asserts: no panic, no hang, memory bounded by the limits; a listing has one data offset
//! per entry, at most `ENTRIES` entries and at most `UNCOMPRESSED` bytes, normalised
//! absolute paths; the uncompressed size equals a plain decode's; resuming from any
//! checkpoint yields exactly the bytes a full decode yields from that offset.

#![no_main]

use std::io::{Cursor, Read};
use std::sync::{Arc, Mutex};

use lading::layers::checkpoint::Checkpoint;
use lading::layers::gzip::GzipDecoder;
use lading::layers::listing::{Batcher, LayerLimits, Listing, list};
use lading::layers::source::SourceState;
use lading::layers::zstd::ZstdDecoder;
use lading_shared::layer::{Compression, normalize_path};
use libfuzzer_sys::fuzz_target;

/// Above the 4 MiB checkpoint spacing, so a small, highly compressible input can reach a
/// deflate block-boundary checkpoint (with its 32 KiB window) and not only member starts.
const UNCOMPRESSED: u64 = 12 * 1024 * 1024;
/// Past this, the production expansion ratio (`decode::BOMB_RATIO`) applies.
const BOMB_THRESHOLD: u64 = 8 * 1024 * 1024;
const ENTRIES: usize = 2_000;

fuzz_target!(|data: &[u8]| {
    let limits = LayerLimits {
        uncompressed_bytes: UNCOMPRESSED,
        entries: ENTRIES,
        bomb_threshold: BOMB_THRESHOLD,
        ..LayerLimits::default()
    };
    let state = Arc::new(Mutex::new(SourceState::default()));
    let blob = Cursor::new(data.to_vec());
    let Ok(listing) = list(blob, state, limits, &mut Batcher::new(None)) else {
        return;
    };
    assert_eq!(listing.entries.len(), listing.data_offsets.len());
    assert!(listing.entries.len() <= ENTRIES);
    assert!(listing.uncompressed_bytes <= UNCOMPRESSED);
    for entry in &listing.entries {
        assert_eq!(normalize_path(&entry.path), entry.path);
    }
    check_checkpoints(data, &listing);
});

fn check_checkpoints(data: &[u8], listing: &Listing) {
    let full = match listing.compression {
        Compression::Gzip => decoded(GzipDecoder::new(Cursor::new(data), None)),
        Compression::Zstd => decoded(ZstdDecoder::new(Cursor::new(data), None).unwrap()),
        Compression::None => data.to_vec(),
        Compression::Unknown => panic!("an unknown compression was listed"),
    };
    assert_eq!(full.len() as u64, listing.uncompressed_bytes);
    for checkpoint in &listing.checkpoints {
        let rest = Cursor::new(&data[checkpoint.compressed as usize..]);
        let resumed = match listing.compression {
            Compression::Gzip => decoded(GzipDecoder::resume(rest, checkpoint)),
            _ => decoded(ZstdDecoder::resume(rest, checkpoint).unwrap()),
        };
        let from = checkpoint.uncompressed as usize;
        assert!(
            resumed == full[from..],
            "{} bytes resumed at {} ≠ {} bytes decoded",
            resumed.len(),
            describe(checkpoint),
            full.len() - from,
        );
    }
}

/// A stream the listing read to its end without error decodes the same way again.
fn decoded(mut reader: impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .expect("a listed layer decodes again");
    out
}

fn describe(c: &Checkpoint) -> String {
    format!(
        "compressed {} uncompressed {} bits {} member start {}",
        c.compressed, c.uncompressed, c.bits, c.member_start
    )
}
