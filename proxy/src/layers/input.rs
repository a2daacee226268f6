//! The compressed side of a decoder: a buffered source (the download's chunks, or bytes in
//! memory) read where it holds its bytes, with the blob offset of the next unread byte,
//! which is what a checkpoint records. Nothing is copied into a buffer of its own: the
//! inflater reads each chunk in place.

use std::io::{self, BufRead};

pub struct Input<R> {
    source: R,
    /// The source has ended.
    pub eof: bool,
    /// Blob offset of the next unread byte.
    pub base: u64,
}

impl<R: BufRead> Input<R> {
    /// Reads `source`, which yields the blob from offset `base` on.
    pub fn new(source: R, base: u64) -> Input<R> {
        Input {
            source,
            eof: false,
            base,
        }
    }

    /// Blob offset of the next unread byte.
    pub fn position(&self) -> u64 {
        self.base
    }

    /// Makes at least one unread byte available; `false` at the end of the source.
    pub fn fill(&mut self) -> io::Result<bool> {
        Ok(!self.unread()?.is_empty())
    }

    /// The unread bytes the source holds now (empty only at its end).
    pub fn unread(&mut self) -> io::Result<&[u8]> {
        if self.eof {
            return Ok(&[]);
        }
        // The sources (download chunks, bytes in memory) are never interrupted.
        let bytes = self.source.fill_buf()?;
        self.eof = bytes.is_empty();
        Ok(bytes)
    }

    /// Marks `n` unread bytes as read.
    pub fn consume(&mut self, n: usize) {
        self.source.consume(n);
        self.base += n as u64;
    }

    /// Takes one byte; `None` at the end of the source.
    pub fn take_byte(&mut self) -> io::Result<Option<u8>> {
        let Some(&byte) = self.unread()?.first() else {
            return Ok(None);
        };
        self.consume(1);
        Ok(Some(byte))
    }
}
