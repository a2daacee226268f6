//! The layer benchmark's floor: a layer blob already in memory through the stages a listing
//! is made of, each alone, in process — so `bench/layers.sh` can say how far `/api/layer`
//! is from the machine's limit and which stage it is waiting for.
//!
//!     cargo run --release -p lading-proxy --example inflate -- BLOB [inflate|sha256|list]
//!
//! - `inflate` (the default): Lading's own decoder (`layers::decode::open`: the sniff, then
//!   the gzip or zstd reader, without checkpoints), drained where it lends its output, as
//!   the tar walk skips file data.
//! - `sha256`: the blob's digest, as `Session::blob_stream` verifies it.
//! - `list`: the whole blocking listing (`layers::listing::list`: decoder, checkpoints, tar
//!   walk, limits, memory budget), without the network and without the digest.
//!
//! The file is read before the clock starts; prints `seconds=… cpu=… bytes=…` (cpu: the
//! thread's time on a CPU, from Linux's schedstat, so a busy machine's share shows apart;
//! bytes: decoded, hashed, or the uncompressed tar) and, for `list`, `entries=…`.

use std::io::{self, BufRead, Cursor};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use lading::layers::decode;
use lading::layers::listing::{Batcher, LayerLimits, list};
use lading::layers::source::SourceState;
use lading_shared::digest::{Algorithm, Digester};

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: inflate BLOB [inflate|sha256|list]";
    let path = args.next().ok_or_else(|| io::Error::other(usage))?;
    let mode = args.next().unwrap_or_else(|| "inflate".into());
    let blob = Bytes::from(std::fs::read(&path)?);
    let (started, cpu0) = (Instant::now(), on_cpu());
    let (bytes, entries) = match mode.as_str() {
        "inflate" => (inflate(blob)?, None),
        "sha256" => (sha256(&blob), None),
        "list" => {
            let (bytes, entries) = listing(blob)?;
            (bytes, Some(entries))
        }
        _ => return Err(io::Error::other(usage)),
    };
    let seconds = started.elapsed().as_secs_f64();
    let cpu = on_cpu()
        .zip(cpu0)
        .map_or(f64::NAN, |(b, a)| (b - a) as f64 / 1e9);
    let timing = format!("seconds={seconds:.4} cpu={cpu:.4} bytes={bytes}");
    match entries {
        Some(entries) => println!("{timing} entries={entries}"),
        None => println!("{timing}"),
    }
    Ok(())
}

/// Nanoseconds this thread has spent on a CPU (`None` off Linux).
fn on_cpu() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn inflate(blob: Bytes) -> io::Result<u64> {
    let state = Arc::new(Mutex::new(SourceState::default()));
    let (_, mut decoded) = decode::open(Cursor::new(blob), state)?;
    let mut total = 0;
    loop {
        let n = decoded.fill_buf()?.len();
        if n == 0 {
            return Ok(total);
        }
        decoded.consume(n);
        total += n as u64;
    }
}

fn sha256(blob: &[u8]) -> u64 {
    let mut hasher = Digester::new(Algorithm::Sha256);
    // In the chunk sizes a download arrives in, not one call over the whole blob.
    for chunk in blob.chunks(64 * 1024) {
        hasher.update(chunk);
    }
    std::hint::black_box(hasher.finish());
    blob.len() as u64
}

fn listing(blob: Bytes) -> io::Result<(u64, usize)> {
    let state = Arc::new(Mutex::new(SourceState::default()));
    let limits = LayerLimits::default();
    let listing = list(Cursor::new(blob), state, limits, &mut Batcher::new(None))
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok((listing.uncompressed_bytes, listing.entries.len()))
}
