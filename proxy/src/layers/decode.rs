//! Decompression by sniffing, not by media type: registries and build tools label layers
//! wrongly often enough (a `tar.gzip` type over zstd bytes, or an uncompressed tar) that the
//! first bytes are the only truth.

use std::io::{self, BufReader, Cursor, Read};
use std::sync::{Arc, Mutex};

use lading_shared::layer::Compression;

use super::checkpoint::Recorder;
use super::gzip::GzipDecoder;
use super::source::SourceState;
use super::zstd::ZstdDecoder;
use crate::error::ProxyError;

/// Bytes read before sniffing: a tar header's magic sits at 257..262.
pub const SNIFF_BYTES: usize = 512;
/// The tar parser reads 512-byte headers and skips file data: a large buffer between it and
/// the decompressor turns those into few, large decompression calls.
pub const DECODED_BUFFER: usize = 256 * 1024;

/// A decompressed tar stream, buffered, counting (and capping) the bytes it yields.
pub type Decoded = BufReader<Counted<Box<dyn Read + Send>>>;

/// Reads the first bytes of `reader`, then decompresses whatever they say it is.
/// Uncapped, for reads that stop by themselves (a file's bytes).
pub fn open(
    reader: impl Read + Send + 'static,
    state: Arc<Mutex<SourceState>>,
) -> io::Result<(Compression, Decoded)> {
    open_limited(reader, u64::MAX, state, None)
}

/// [`open`] with a cap on the uncompressed size (a hit is recorded in `state` as the failure
/// to report); `recorder` collects checkpoints.
pub fn open_limited(
    mut reader: impl Read + Send + 'static,
    limit: u64,
    state: Arc<Mutex<SourceState>>,
    recorder: Option<Recorder>,
) -> io::Result<(Compression, Decoded)> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    let compression = Compression::sniff(&head);
    let whole = Cursor::new(head).chain(reader);
    let inner: Box<dyn Read + Send> = match compression {
        // Multi-member: pigz and eStargz write one gzip member per chunk.
        Compression::Gzip => Box::new(GzipDecoder::new(whole, recorder)),
        Compression::Zstd => Box::new(ZstdDecoder::new(whole, recorder)?),
        Compression::None => Box::new(whole),
        Compression::Unknown => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the layer is neither gzip, zstd nor a tar (it starts with {})",
                    hex_prefix(whole.get_ref().0.get_ref())
                ),
            ));
        }
    };
    let counted = Counted {
        inner,
        limit,
        count: 0,
        state,
    };
    Ok((
        compression,
        BufReader::with_capacity(DECODED_BUFFER, counted),
    ))
}

/// The decoders' read step: copies decoded bytes not yet read (`output[ready.0..ready.1]`)
/// into `buf`, or `None` when there are none and more must be decoded.
pub fn take_ready(output: &[u8], ready: &mut (usize, usize), buf: &mut [u8]) -> Option<usize> {
    let (start, end) = *ready;
    if start >= end {
        return None;
    }
    let n = buf.len().min(end - start);
    buf[..n].copy_from_slice(&output[start..start + n]);
    ready.0 += n;
    Some(n)
}

fn hex_prefix(bytes: &[u8]) -> String {
    let shown: String = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if bytes.is_empty() {
        "nothing: it is empty".into()
    } else {
        format!("0x{shown}")
    }
}

/// Counts the bytes read through it and fails past `limit`.
pub struct Counted<R> {
    inner: R,
    limit: u64,
    pub count: u64,
    state: Arc<Mutex<SourceState>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            let error = ProxyError::TooLarge {
                what: "the layer's uncompressed tar".into(),
                limit: self.limit,
            };
            let message = error.to_string();
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.failure.get_or_insert(error);
            return Err(io::Error::other(message));
        }
        Ok(n)
    }
}
