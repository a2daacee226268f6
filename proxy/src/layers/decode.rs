//! Decompression by sniffing, not by media type: registries and build tools label layers
//! wrongly often enough (a `tar.gzip` type over zstd bytes, or an uncompressed tar) that the
//! first bytes are the only truth.

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lading_shared::layer::Compression;

use super::checkpoint::Recorder;
use super::gzip::GzipDecoder;
use super::listing::LayerLimits;
use super::source::SourceState;
use super::zstd::ZstdDecoder;
use crate::error::ProxyError;

/// Bytes read before sniffing: a tar header's magic sits at 257..262.
pub const SNIFF_BYTES: usize = 512;
/// An uncompressed tar's read buffer. Compressed layers need none: the decoders lend their
/// own output (`BufRead`), so the tar walk skips file data where it was inflated, uncopied.
pub const DECODED_BUFFER: usize = 256 * 1024;

/// The expansion cap's threshold: below 1 GiB of output no layer is refused for its ratio, so
/// small sparse or zero-filled layers (which deflate 1000:1) still list.
pub const BOMB_THRESHOLD: u64 = 1024 * 1024 * 1024;
/// Past [`BOMB_THRESHOLD`], output may be at most this many times the compressed bytes read.
/// Real layers of text, binaries and packages deflate 2–10:1 (a 64 MiB text layer ~4–10:1);
/// 100:1 leaves room for logs and JSON, while a bomb (zeros, ~1000:1 for gzip and more for
/// zstd) is refused after 1 GiB of work instead of the 16 GiB absolute cap.
pub const BOMB_RATIO: u64 = 100;

/// A decompressed tar stream, buffered, counting (and capping) the bytes it yields.
pub type Decoded = Counted<Box<dyn BufRead + Send>>;

/// Reads the first bytes of `reader`, then decompresses whatever they say it is.
/// Uncapped, for reads that stop by themselves (a file's bytes, in a layer that listed).
pub fn open(
    reader: impl BufRead + Send + 'static,
    state: Arc<Mutex<SourceState>>,
) -> io::Result<(Compression, Decoded)> {
    let unlimited = LayerLimits {
        uncompressed_bytes: u64::MAX,
        entries: usize::MAX,
        listing_bytes: u64::MAX,
        bomb_threshold: u64::MAX,
        bomb_ratio: u64::MAX,
    };
    open_limited(reader, &unlimited, state, None)
}

/// [`open`] with caps on the uncompressed size and the expansion ratio (a hit is recorded in
/// `state` as the failure to report); `recorder` collects checkpoints.
pub fn open_limited(
    reader: impl BufRead + Send + 'static,
    limits: &LayerLimits,
    state: Arc<Mutex<SourceState>>,
    recorder: Option<Recorder>,
) -> io::Result<(Compression, Decoded)> {
    let compressed = Arc::new(AtomicU64::new(0));
    let mut reader = Compressed {
        inner: reader,
        count: compressed.clone(),
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    let Some(compression) = Compression::sniff(&head) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the layer is neither gzip, zstd nor a tar (it starts with {})",
                hex_prefix(&head)
            ),
        ));
    };
    let whole = Cursor::new(head).chain(reader);
    let inner: Box<dyn BufRead + Send> = match compression {
        // Multi-member: pigz and eStargz write one gzip member per chunk.
        Compression::Gzip => Box::new(GzipDecoder::new(whole, recorder)),
        Compression::Zstd => Box::new(ZstdDecoder::new(whole, recorder)?),
        Compression::None => Box::new(BufReader::with_capacity(DECODED_BUFFER, whole)),
    };
    let counted = Counted {
        inner,
        limit: limits.uncompressed_bytes,
        bomb_threshold: limits.bomb_threshold,
        bomb_ratio: limits.bomb_ratio,
        compressed,
        count: 0,
        state,
    };
    Ok((compression, counted))
}

/// `Read` over a `BufRead` (the decoders, [`Counted`]): one copy out of what it lends.
pub fn read_buffered(reader: &mut impl BufRead, buf: &mut [u8]) -> io::Result<usize> {
    let ready = reader.fill_buf()?;
    let n = ready.len().min(buf.len());
    buf[..n].copy_from_slice(&ready[..n]);
    reader.consume(n);
    Ok(n)
}

/// A decoder's complaint about its input.
pub fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

fn hex_prefix(bytes: &[u8]) -> String {
    let shown: String = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if bytes.is_empty() {
        "nothing: it is empty".into()
    } else {
        format!("0x{shown}")
    }
}

/// Counts the compressed bytes the decompressor takes (for the expansion ratio).
struct Compressed<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: BufRead> BufRead for Compressed<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.count.fetch_add(n as u64, Ordering::Relaxed);
    }
}

impl<R: BufRead> Read for Compressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buf)
    }
}

/// Counts the bytes read through it and fails past `limit`, or past `bomb_threshold` when
/// they outgrow the compressed bytes by more than `bomb_ratio`: checked on what the decoder
/// has produced (read or lent), so nothing past a limit is ever handed on.
pub struct Counted<R> {
    inner: R,
    limit: u64,
    bomb_threshold: u64,
    bomb_ratio: u64,
    compressed: Arc<AtomicU64>,
    pub count: u64,
    state: Arc<Mutex<SourceState>>,
}

impl<R> Counted<R> {
    /// The limit `produced` bytes break, if any.
    fn exceeded(&self, produced: u64) -> Option<ProxyError> {
        if produced > self.limit {
            return Some(ProxyError::TooLarge {
                what: "the layer's uncompressed tar".into(),
                limit: self.limit,
            });
        }
        let compressed = self.compressed.load(Ordering::Relaxed);
        let allowed = compressed.saturating_mul(self.bomb_ratio);
        (produced > self.bomb_threshold && produced > allowed).then(|| ProxyError::TooLarge {
            what: format!(
                "the layer's uncompressed tar, over {}× its {compressed} compressed bytes \
                 (a compression bomb?),",
                self.bomb_ratio
            ),
            limit: allowed,
        })
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let available = self.inner.fill_buf()?.len() as u64;
        if let Some(error) = self.exceeded(self.count.saturating_add(available)) {
            let message = error.to_string();
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.failure.get_or_insert(error);
            return Err(io::Error::other(message));
        }
        // Lent again without work: the bytes just counted.
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.count += n as u64;
    }
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A gzip stream of `len` zeros (deflate's best case, ~1000:1).
    fn zeros_gz(len: u64) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        io::copy(&mut io::repeat(0).take(len), &mut gz).unwrap();
        gz.flush().unwrap();
        gz.finish().unwrap()
    }

    fn drain(blob: Vec<u8>, limits: LayerLimits) -> Result<u64, ProxyError> {
        let state = Arc::new(Mutex::new(SourceState::default()));
        let (_, mut decoded) = open_limited(Cursor::new(blob), &limits, state.clone(), None)
            .map_err(|e| ProxyError::BadUpstream(e.to_string()))?;
        match io::copy(&mut decoded, &mut io::sink()) {
            Ok(n) => Ok(n),
            Err(e) => Err(state
                .lock()
                .unwrap()
                .failure
                .take()
                .unwrap_or_else(|| ProxyError::BadUpstream(e.to_string()))),
        }
    }

    #[test]
    fn the_ratio_cap_applies_only_past_its_threshold() {
        let limits = |threshold| LayerLimits {
            bomb_threshold: threshold,
            bomb_ratio: 100,
            ..LayerLimits::default()
        };
        // 16 MiB of zeros is ~1000:1: refused past an 8 MiB threshold…
        let error = drain(zeros_gz(16 << 20), limits(8 << 20)).unwrap_err();
        assert!(matches!(error, ProxyError::TooLarge { .. }), "{error}");
        assert!(error.to_string().contains("compression bomb"), "{error}");
        // …and read whole below a 32 MiB one.
        assert_eq!(
            drain(zeros_gz(16 << 20), limits(32 << 20)).unwrap(),
            16 << 20
        );
    }
}
