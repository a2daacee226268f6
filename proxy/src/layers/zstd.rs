//! A zstd reader (multi-frame) that records each frame start it passes as a [`Checkpoint`]
//! and can start again from one. Frames are independent (no window crosses them), so a
//! frame start needs no state; a single-frame layer has only the blob's start.

use super::decode::{invalid, read_buffered};
use super::input::Input;
use std::io::{self, BufRead, Read};

use zstd::stream::raw::{DParameter, Decoder, InBuffer, Operation, OutBuffer};

use super::checkpoint::{Checkpoint, Recorder};

/// Decompressed bytes per call (zstd's suggested size).
const OUTPUT_BUFFER: usize = 128 * 1024;
/// Largest window a frame may ask the decoder to hold (libzstd's own default allows 128 MiB,
/// which a few bytes of frame header could make every listing allocate). 16 MiB is twice
/// what `zstd -19` and the Go encoder BuildKit and containerd use ask for; only `--ultra` or
/// `--long` layers need more, and they are refused with zstd's "frame requires too much
/// memory".
pub const MAX_WINDOW_LOG: u32 = 24;
pub const MAX_WINDOW_BYTES: u64 = 1 << MAX_WINDOW_LOG;

pub struct ZstdDecoder<R> {
    input: Input<R>,
    decoder: Decoder<'static>,
    output: Box<[u8]>,
    ready: (usize, usize),
    produced: u64,
    frames: u64,
    /// Inside a frame (its first byte was fed, its end not yet seen).
    in_frame: bool,
    recorder: Option<Recorder>,
}

impl<R: BufRead> ZstdDecoder<R> {
    /// Decodes a whole zstd blob; with `recorder`, records frame starts.
    pub fn new(source: R, recorder: Option<Recorder>) -> io::Result<ZstdDecoder<R>> {
        let mut decoder = Decoder::new()?;
        decoder.set_parameter(DParameter::WindowLogMax(MAX_WINDOW_LOG))?;
        Ok(ZstdDecoder {
            input: Input::new(source, 0),
            decoder,
            output: vec![0; OUTPUT_BUFFER].into_boxed_slice(),
            ready: (0, 0),
            produced: 0,
            frames: 0,
            in_frame: false,
            recorder,
        })
    }

    /// Decodes from a frame start; `source` yields the blob from `checkpoint.compressed` on.
    pub fn resume(source: R, checkpoint: &Checkpoint) -> io::Result<ZstdDecoder<R>> {
        let mut decoder = ZstdDecoder::new(source, None)?;
        decoder.input.base = checkpoint.compressed;
        decoder.produced = checkpoint.uncompressed;
        decoder.frames = 1;
        Ok(decoder)
    }

    /// At a frame boundary: records it (when due) or finds the clean end.
    fn frame_start(&mut self) -> io::Result<bool> {
        if !self.input.fill()? {
            if self.frames == 0 {
                return Err(invalid("the zstd stream is empty"));
            }
            return Ok(false);
        }
        if let Some(recorder) = &self.recorder
            && self.produced >= recorder.next_at()
        {
            recorder.push(Checkpoint {
                compressed: self.input.position(),
                uncompressed: self.produced,
                bits: 0,
                bit_buf: 0,
                window: Vec::new().into(),
                member_start: true,
            });
        }
        self.in_frame = true;
        Ok(true)
    }

    fn decompress(&mut self) -> io::Result<()> {
        let has_input = self.input.fill()?;
        let mut input = InBuffer::around(self.input.unread()?);
        let mut output = OutBuffer::around(&mut self.output[..]);
        let hint = self.decoder.run(&mut input, &mut output)?;
        let (consumed, written) = (input.pos(), output.pos());
        self.input.consume(consumed);
        self.ready = (0, written);
        self.produced += written as u64;
        if hint == 0 {
            // The frame is decoded and flushed: the next byte starts another frame.
            self.in_frame = false;
            self.frames += 1;
        } else if !has_input && consumed == 0 && written == 0 {
            return Err(invalid("the zstd stream is truncated"));
        }
        Ok(())
    }
}

/// Lends the decoded bytes where zstd wrote them (see `GzipDecoder`).
impl<R: BufRead> BufRead for ZstdDecoder<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.ready.0 >= self.ready.1 {
            if !self.in_frame && !self.frame_start()? {
                break;
            }
            self.decompress()?;
        }
        Ok(&self.output[self.ready.0..self.ready.1])
    }

    fn consume(&mut self, n: usize) {
        self.ready.0 = (self.ready.0 + n).min(self.ready.1);
    }
}

impl<R: BufRead> Read for ZstdDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buf)
    }
}
