//! Checkpoints round-trip: decompressing from any recorded checkpoint (gzip block boundary,
//! gzip member start, zstd frame start) gives exactly the bytes a full decompression gives
//! at that offset.

use std::io::{BufRead, Cursor, Read, Write};

use super::super::gzip::GzipDecoder;
use super::super::zstd::ZstdDecoder;
use super::{Checkpoint, MAX_CHECKPOINTS, Recorder, SPACING, span};

/// Text-like bytes (words from a small vocabulary) so deflate uses back-references that
/// reach across block boundaries.
fn text(len: usize, seed: u64) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "layer",
        "tar ",
        "gzip",
        "lading ",
        "registry",
        "blob\n",
        "digest ",
        "zran",
        "window ",
        "block",
        "/usr/lib/",
        "checkpoint ",
    ];
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.extend_from_slice(WORDS[(state >> 60) as usize % WORDS.len()].as_bytes());
        if state.is_multiple_of(7) {
            out.extend_from_slice(&state.to_le_bytes());
        }
    }
    out.truncate(len);
    out
}

fn gzip(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(part).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

fn decode_recording(blob: &[u8]) -> (Vec<u8>, Vec<Checkpoint>) {
    let recorder = Recorder::default();
    let mut out = Vec::new();
    GzipDecoder::new(Cursor::new(blob.to_vec()), Some(recorder.clone()))
        .read_to_end(&mut out)
        .unwrap();
    (out, recorder.take())
}

fn read_from(blob: &[u8], checkpoint: &Checkpoint, skip: u64, len: usize) -> Vec<u8> {
    let source = Cursor::new(blob[checkpoint.compressed as usize..].to_vec());
    let mut decoder = GzipDecoder::resume(source, checkpoint);
    std::io::copy(&mut (&mut decoder).take(skip), &mut std::io::sink()).unwrap();
    let mut out = vec![0; len];
    decoder.read_exact(&mut out).unwrap();
    out
}

#[test]
fn inflating_from_a_checkpoint_matches_a_full_inflate() {
    let data = text(14 * 1024 * 1024, 1);
    for blob in [
        gzip(&[&data]),
        gzip(&[&data[..5_000_000], &data[5_000_000..]]),
    ] {
        let (full, checkpoints) = decode_recording(&blob);
        assert_eq!(full, data);
        assert!(checkpoints.len() >= 3, "{} checkpoints", checkpoints.len());
        assert_eq!(
            (checkpoints[0].compressed, checkpoints[0].uncompressed),
            (0, 0)
        );
        for pair in checkpoints.windows(2) {
            assert!(pair[1].uncompressed >= pair[0].uncompressed + SPACING);
        }
        for checkpoint in &checkpoints {
            let at = checkpoint.uncompressed as usize;
            let len = 200_000.min(data.len() - at - 1_000);
            let got = read_from(&blob, checkpoint, 1_000, len);
            assert!(got == data[at + 1_000..at + 1_000 + len], "at {at}");
        }
    }
}

#[test]
fn a_span_reads_only_between_checkpoints() {
    let data = text(13 * 1024 * 1024, 2);
    let blob = gzip(&[&data]);
    let (_, checkpoints) = decode_recording(&blob);
    let start = 9 * 1024 * 1024;
    let end = start + 300_000;
    let (from, to) = span(&checkpoints, start, end, blob.len() as u64).unwrap();
    assert!(from.uncompressed <= start && start - from.uncompressed < SPACING);
    assert!(to < blob.len() as u64, "stops at the next checkpoint");
    // Only the span's bytes are given to the decoder.
    let cut = &blob[..to as usize];
    let got = read_from(cut, from, start - from.uncompressed, (end - start) as usize);
    assert!(got == data[start as usize..end as usize]);
}

#[test]
fn many_members_thin_out_to_the_limit() {
    let recorder = Recorder::default();
    for i in 0..(MAX_CHECKPOINTS as u64 * 3) {
        if i * SPACING >= recorder.next_at() {
            recorder.push(Checkpoint {
                compressed: i,
                uncompressed: i * SPACING,
                bits: 0,
                bit_buf: 0,
                window: Vec::new().into(),
                member_start: true,
            });
        }
    }
    let kept = recorder.take();
    assert!(kept.len() <= MAX_CHECKPOINTS, "{}", kept.len());
    assert_eq!(kept[0].uncompressed, 0);
}

#[test]
fn broken_gzip_is_an_error_not_a_panic() {
    let blob = gzip(&[&text(100_000, 3)]);
    let mut garbage_after = blob.clone();
    garbage_after.extend_from_slice(b"trailing junk");
    let mut flipped = blob.clone();
    for b in &mut flipped[20..60] {
        *b ^= 0x5a;
    }
    for (name, bytes) in [
        ("empty", Vec::new()),
        ("truncated", blob[..blob.len() / 2].to_vec()),
        ("garbage after", garbage_after),
        ("corrupt", flipped),
    ] {
        let mut out = Vec::new();
        let result = GzipDecoder::new(Cursor::new(bytes), None).read_to_end(&mut out);
        assert!(result.is_err(), "{name}");
    }
}

#[test]
fn zstd_frame_starts_are_checkpoints() {
    let data = text(11 * 1024 * 1024, 4);
    let mut blob = Vec::new();
    for part in data.chunks(1024 * 1024) {
        blob.extend(zstd::encode_all(part, 3).unwrap());
    }
    let recorder = Recorder::default();
    let mut full = Vec::new();
    ZstdDecoder::new(Cursor::new(blob.clone()), Some(recorder.clone()))
        .unwrap()
        .read_to_end(&mut full)
        .unwrap();
    assert!(full == data);
    let checkpoints = recorder.take();
    // One frame per MiB, a checkpoint at most every SPACING: 0, 4 and 8 MiB.
    let starts: Vec<u64> = checkpoints.iter().map(|c| c.uncompressed >> 20).collect();
    assert_eq!(starts, [0, 4, 8]);
    let start = 9 * 1024 * 1024 + 77;
    let (from, to) = span(&checkpoints, start, start + 5_000, blob.len() as u64).unwrap();
    let source = Cursor::new(blob[from.compressed as usize..to as usize].to_vec());
    let mut decoder = ZstdDecoder::resume(source, from).unwrap();
    let skip = start - from.uncompressed;
    std::io::copy(&mut (&mut decoder).take(skip), &mut std::io::sink()).unwrap();
    let mut got = vec![0; 5_000];
    decoder.read_exact(&mut got).unwrap();
    assert!(got == data[start as usize..start as usize + 5_000]);
}

/// A source that lends at most `step` bytes at a time, as a download lends its chunks: the
/// decoders read each in place, so gzip headers, deflate symbols and trailers must carry
/// across any boundary.
struct Trickle {
    bytes: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        super::super::decode::read_buffered(self, buf)
    }
}

impl BufRead for Trickle {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let end = (self.pos + self.step).min(self.bytes.len());
        Ok(&self.bytes[self.pos..end])
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
    }
}

#[test]
fn chunks_of_any_size_decode_and_checkpoint_alike() {
    let small = text(300_000, 4);
    let large = text(9 * 1024 * 1024, 5);
    for (data, step) in [
        (&small, 1),
        (&small, 7),
        (&large, 1021),
        (&large, 64 * 1024),
    ] {
        let blob = gzip(&[&data[..data.len() / 3], &data[data.len() / 3..]]);
        let (whole, _) = decode_recording(&blob);
        let recorder = Recorder::default();
        let source = Trickle {
            bytes: blob.clone(),
            pos: 0,
            step,
        };
        let mut out = Vec::new();
        GzipDecoder::new(source, Some(recorder.clone()))
            .read_to_end(&mut out)
            .unwrap();
        assert!(
            out == whole && out == *data,
            "{step}-byte chunks decode differently"
        );
        // Where a block checkpoint falls depends on how much each call inflates; each must
        // still resume to the same bytes.
        let checkpoints = recorder.take();
        let wanted = if data.len() as u64 > SPACING { 2 } else { 1 };
        assert!(
            checkpoints.len() >= wanted,
            "{step}-byte chunks: {checkpoints:?}"
        );
        for checkpoint in &checkpoints {
            let at = checkpoint.uncompressed as usize;
            let len = (whole.len() - at).min(4096);
            let resumed = read_from(&blob, checkpoint, 0, len);
            assert!(
                resumed == whole[at..at + len],
                "{step}-byte chunks, from {at}"
            );
        }
    }
}
