//! The compressed side of a decoder: a buffer over a blocking source that knows the blob
//! offset of every byte it holds, which is what a checkpoint records.

use std::io::{self, Read};

use super::decode::read_some;

pub struct Input<R> {
    source: R,
    buf: Box<[u8]>,
    /// Unread bytes are `buf[pos..end]`.
    pub pos: usize,
    pub end: usize,
    /// The source has ended.
    pub eof: bool,
    /// Blob offset of `buf[0]`.
    pub base: u64,
}

impl<R: Read> Input<R> {
    /// Reads `source`, which yields the blob from offset `base` on, `size` bytes at a time.
    pub fn new(source: R, size: usize, base: u64) -> Input<R> {
        Input {
            source,
            buf: vec![0; size].into_boxed_slice(),
            pos: 0,
            end: 0,
            eof: false,
            base,
        }
    }

    /// Blob offset of the next unread byte.
    pub fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub fn unread(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    pub fn has_unread(&self) -> bool {
        self.pos < self.end
    }

    /// Makes at least one unread byte available; `false` at the end of the source.
    pub fn fill(&mut self) -> io::Result<bool> {
        if self.has_unread() {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = read_some(&mut self.source, &mut self.buf)?;
        self.eof = self.end == 0;
        Ok(!self.eof)
    }

    /// Keeps the unread bytes and reads more after them.
    pub fn fill_more(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.pos..self.end, 0);
        self.base += self.pos as u64;
        self.end -= self.pos;
        self.pos = 0;
        let read = read_some(&mut self.source, &mut self.buf[self.end..])?;
        self.end += read;
        self.eof = read == 0;
        Ok(())
    }

    /// Takes one byte (after a successful [`Input::fill`]).
    pub fn take_byte(&mut self) -> u8 {
        self.pos += 1;
        self.buf[self.pos - 1]
    }
}
