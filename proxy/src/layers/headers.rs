//! Tar extension headers (PAX `x`/`g`, GNU long name `L` and long link `K`) capped before
//! they are read: the `tar` crate reads each one's whole body into a `Vec`, whatever size its
//! header claims, so a 32 KB layer could make it hold a 32 MiB file name (and a stack of
//! them, hundreds of MiB).
//!
//! [`HeaderGuard`] sits between the decompressed stream and the `tar` crate, which iterates
//! with `entries_with_seek`: it then skips over every entry's data by seeking, and reads each
//! header right after a seek (tar 0.4 `EntriesFields::next_entry_raw` calls `skip` before
//! every header, with a delta of 0 too). So the first 512 bytes read after a seek are a header,
//! in step with the crate's own parse by construction; the guard reads its type and size with
//! the crate's `Header` and fails the read before an oversized body is read. The tests in
//! `headers/tests.rs` pin that behaviour of the crate.

use std::io::{self, BufRead, Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};

use tar::Header;

use super::entry::MAX_PATH_BYTES;
use super::source::SourceState;
use crate::error::ProxyError;

/// One PAX header's body (`path`, `linkpath`, owner names, times, xattrs): 1 MiB, the limit Go's
/// `archive/tar` (what Docker, containerd and BuildKit read layers with) puts on it, so no
/// layer a runtime accepts is refused.
pub const MAX_PAX_HEADER_BYTES: u64 = 1024 * 1024;
/// One GNU long name or long link body: a path as long as [`MAX_PATH_BYTES`], with room for a
/// `./` prefix, a trailing `/` and the NUL GNU tar ends it with. A longer one can only name a
/// path past that cap, which the listing refuses anyway.
pub const MAX_LONG_NAME_BYTES: u64 = MAX_PATH_BYTES as u64 + 512;
/// The blocks an old-style GNU sparse entry may chain after its header (21 regions each; the
/// `tar` crate keeps two records per region): 43,000 holes and data runs, ~3 MiB of records.
pub const MAX_SPARSE_MAP_BYTES: u64 = 1024 * 1024;

const BLOCK: usize = 512;

/// A `Read + Seek` over the decompressed tar that refuses oversized extension headers.
pub struct HeaderGuard<R> {
    inner: R,
    /// Bytes consumed so far (read or skipped): the position the `tar` crate tracks too.
    position: u64,
    /// A header is due: the bytes of it read so far.
    header: Option<Vec<u8>>,
    /// Since the last header: the bytes the `tar` crate may still read before it seeks (an
    /// extension's body, or a sparse entry's map), and where that header was.
    allowed: Option<(u64, u64)>,
    state: Arc<Mutex<SourceState>>,
}

impl<R: BufRead> HeaderGuard<R> {
    pub fn new(inner: R, state: Arc<Mutex<SourceState>>) -> HeaderGuard<R> {
        HeaderGuard {
            inner,
            position: 0,
            header: None,
            allowed: None,
            state,
        }
    }

    pub fn position(&self) -> u64 {
        self.position
    }

    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Skips `amount` bytes without copying them (the buffered reader hands out its buffer).
    fn skip(&mut self, mut amount: u64) -> io::Result<()> {
        while amount > 0 {
            let available = self.inner.fill_buf()?.len();
            if available == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the tar ends inside an entry's data",
                ));
            }
            let n = available.min(usize::try_from(amount).unwrap_or(usize::MAX));
            self.inner.consume(n);
            amount -= n as u64;
            self.position += n as u64;
        }
        Ok(())
    }

    /// A whole header has been read: refuses it if it announces an oversized extension, else
    /// notes what may be read after it.
    fn check(&mut self, block: &[u8]) -> io::Result<()> {
        let offset = self.position - BLOCK as u64;
        match oversized(block, offset) {
            Ok(allowed) => {
                self.allowed = Some((allowed, offset));
                Ok(())
            }
            Err(error) => self.fail(error),
        }
    }

    /// Bytes read since the last header, past what it allows.
    fn count(&mut self, n: usize) -> io::Result<()> {
        let (allowed, offset) = self.allowed.unwrap_or((0, self.position));
        match allowed.checked_sub(n as u64) {
            Some(left) => {
                self.allowed = Some((left, offset));
                Ok(())
            }
            None => self.fail(ProxyError::TooLarge {
                what: format!(
                    "the sparse map (GNU extension blocks) of the tar entry at byte {offset}"
                ),
                limit: MAX_SPARSE_MAP_BYTES,
            }),
        }
    }

    fn fail(&mut self, error: ProxyError) -> io::Result<()> {
        let message = error.to_string();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.failure.get_or_insert(error);
        Err(io::Error::new(io::ErrorKind::InvalidData, message))
    }
}

/// What may be read after a header at `offset` before the next seek: an extension's body, or
/// (any other header) a sparse map; the limit it breaks if it is an oversized extension.
fn oversized(block: &[u8], offset: u64) -> Result<u64, ProxyError> {
    let header = Header::from_byte_slice(block);
    let kind = header.entry_type();
    let (what, limit) = if kind.is_pax_local_extensions() || kind.is_pax_global_extensions() {
        ("PAX extended header", MAX_PAX_HEADER_BYTES)
    } else if kind.is_gnu_longname() {
        ("GNU long name", MAX_LONG_NAME_BYTES)
    } else if kind.is_gnu_longlink() {
        ("GNU long link target", MAX_LONG_NAME_BYTES)
    } else {
        return Ok(MAX_SPARSE_MAP_BYTES);
    };
    // A size that does not parse is the `tar` crate's error to report (it reads nothing).
    let size = header.entry_size().unwrap_or(0);
    if size > limit {
        return Err(ProxyError::TooLarge {
            what: format!("the {what} at byte {offset} of the layer's tar ({size} bytes)"),
            limit,
        });
    }
    Ok(size)
}

impl<R: BufRead> Read for HeaderGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let Some(mut header) = self.header.take() else {
            let n = self.inner.read(buf)?;
            self.position += n as u64;
            self.count(n)?;
            return Ok(n);
        };
        // Only the header's own bytes: its body must not be read before it is checked.
        let want = (BLOCK - header.len()).min(buf.len());
        let n = self.inner.read(&mut buf[..want])?;
        self.position += n as u64;
        header.extend_from_slice(&buf[..n]);
        if header.len() == BLOCK {
            self.check(&header)?;
        } else if n > 0 {
            self.header = Some(header);
        }
        Ok(n)
    }
}

impl<R: BufRead> Seek for HeaderGuard<R> {
    /// Forward only, as the `tar` crate seeks (`SeekFrom::Current` over entry data).
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let SeekFrom::Current(delta) = to else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a layer stream only seeks forward",
            ));
        };
        let delta = u64::try_from(delta).map_err(|_| {
            io::Error::new(
                io::ErrorKind::Unsupported,
                "a layer stream only seeks forward",
            )
        })?;
        self.skip(delta)?;
        // The tar crate reads a header after every skip; headers start on block boundaries.
        if !self.position.is_multiple_of(BLOCK as u64) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the tar's next header is not on a 512-byte boundary",
            ));
        }
        self.header = Some(Vec::with_capacity(BLOCK));
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests;
