//! The engine against tars built in memory: every entry kind, every compression, broken
//! input and the limits.

use std::io::{Cursor, Read, Write};
use std::sync::{Arc, Mutex};

use lading_shared::layer::{Compression, EntryKind, ListingEvent};
use tar::{EntryType, Header};
use tokio::sync::mpsc;

use super::decode;
use super::file::copy_out;
use super::listing::{BATCH_ENTRIES, Batcher, LayerLimits, Listing, list};
use super::source::SourceState;
use crate::error::ProxyError;

const LONG_DIR: &str = "usr/share/a-directory-name-long-enough/to-need/more-than-one-hundred-bytes";

/// A tar holding one of everything, and the bytes of its files.
pub fn sample_tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    dir(&mut b, "./");
    dir(&mut b, "./etc/");
    file(&mut b, "./etc/hostname", b"lading\n", 0o644);
    file(&mut b, "usr/bin/tool", &vec![7u8; 70_000], 0o4755);
    link(&mut b, EntryType::Symlink, "etc/alias", "hostname");
    link(&mut b, EntryType::Link, "usr/bin/tool2", "./usr/bin/tool");
    // GNU long name (tar::Builder writes a ././@LongLink record).
    file(&mut b, &format!("{LONG_DIR}/gnu-file"), b"gnu", 0o600);
    // PAX long name, large uid and a unicode user name.
    let pax_path = format!("{LONG_DIR}/pax-fïle-ünïcode");
    pax(
        &mut b,
        &[
            ("path", pax_path.as_str()),
            ("uid", "3000000000"),
            ("uname", "jürgen"),
            ("mtime", "1700000000.5"),
        ],
    );
    file(&mut b, "placeholder", b"pax", 0o640);
    file(&mut b, "var/.wh.cache", b"", 0o644);
    file(&mut b, "opt/app/.wh..wh..opq", b"", 0o644);
    let mut fifo = Header::new_gnu();
    fifo.set_entry_type(EntryType::Fifo);
    fifo.set_mode(0o10644);
    fifo.set_size(0);
    b.append_data(&mut fifo, "run/pipe", std::io::empty())
        .unwrap();
    b.into_inner().unwrap()
}

fn dir(b: &mut tar::Builder<Vec<u8>>, path: &str) {
    let mut h = Header::new_gnu();
    h.set_entry_type(EntryType::Directory);
    h.set_mode(0o755);
    h.set_size(0);
    b.append_data(&mut h, path, std::io::empty()).unwrap();
}

fn file(b: &mut tar::Builder<Vec<u8>>, path: &str, bytes: &[u8], mode: u32) {
    let mut h = Header::new_gnu();
    h.set_entry_type(EntryType::Regular);
    h.set_mode(mode);
    h.set_uid(1000);
    h.set_gid(100);
    h.set_mtime(1_704_164_645);
    h.set_size(bytes.len() as u64);
    b.append_data(&mut h, path, bytes).unwrap();
}

fn link(b: &mut tar::Builder<Vec<u8>>, kind: EntryType, path: &str, target: &str) {
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(0o777);
    h.set_size(0);
    b.append_link(&mut h, path, target).unwrap();
}

/// A PAX extended header applying `records` to the next entry.
fn pax(b: &mut tar::Builder<Vec<u8>>, records: &[(&str, &str)]) {
    let mut data = Vec::new();
    for (key, value) in records {
        let body = format!(" {key}={value}\n");
        // The length prefix counts itself.
        let mut len = body.len() + 1;
        while format!("{len}{body}").len() != len {
            len += 1;
        }
        data.extend_from_slice(format!("{len}{body}").as_bytes());
    }
    let mut h = Header::new_ustar();
    h.set_entry_type(EntryType::XHeader);
    h.set_path("PaxHeaders/x").unwrap();
    h.set_size(data.len() as u64);
    h.set_cksum();
    b.append(&h, data.as_slice()).unwrap();
}

pub fn gzip_members(tar: &[u8], members: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in tar.chunks(tar.len().div_ceil(members)) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(part).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

fn zstd_frames(tar: &[u8], frames: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in tar.chunks(tar.len().div_ceil(frames)) {
        out.extend(zstd::encode_all(part, 3).unwrap());
    }
    out
}

pub fn list_bytes(blob: Vec<u8>) -> Result<Listing, ProxyError> {
    list_limited(blob, LayerLimits::default())
}

fn list_limited(blob: Vec<u8>, limits: LayerLimits) -> Result<Listing, ProxyError> {
    let state = Arc::new(Mutex::new(SourceState::default()));
    list(Cursor::new(blob), state, limits, &mut Batcher::new(None))
}

fn check_sample(listing: &Listing, tar: &[u8]) {
    let paths: Vec<&str> = listing.entries.iter().map(|e| e.path.as_str()).collect();
    let long = format!("/{LONG_DIR}/gnu-file");
    let pax_path = format!("/{LONG_DIR}/pax-fïle-ünïcode");
    assert_eq!(
        paths,
        [
            "/",
            "/etc",
            "/etc/hostname",
            "/usr/bin/tool",
            "/etc/alias",
            "/usr/bin/tool2",
            long.as_str(),
            pax_path.as_str(),
            "/var/cache",
            "/opt/app",
            "/run/pipe",
        ]
    );
    let by = |p: &str| &listing.entries[listing.find(p).unwrap()];
    let tool = by("/usr/bin/tool");
    assert_eq!(
        (tool.kind, tool.mode, tool.size),
        (EntryKind::File, 0o4755, 70_000)
    );
    assert_eq!((tool.uid, tool.gid, tool.mtime), (1000, 100, 1_704_164_645));
    let alias = by("/etc/alias");
    assert_eq!(
        (alias.kind, alias.link.as_deref()),
        (EntryKind::Symlink, Some("hostname"))
    );
    let hard = by("/usr/bin/tool2");
    assert_eq!(
        (hard.kind, hard.link.as_deref()),
        (EntryKind::Hardlink, Some("/usr/bin/tool"))
    );
    let pax = by(&pax_path);
    assert_eq!(
        (pax.uid, pax.uname.as_deref(), pax.mtime),
        (3_000_000_000, Some("jürgen"), 1_700_000_000)
    );
    assert_eq!(by("/var/cache").kind, EntryKind::Whiteout);
    assert_eq!(by("/opt/app").kind, EntryKind::OpaqueWhiteout);
    assert_eq!(by("/run/pipe").kind, EntryKind::Fifo);
    assert_eq!(by("/run/pipe").mode, 0o644, "type bits are not mode bits");
    // Data offsets point at each file's bytes in the uncompressed tar.
    let at = |p: &str| {
        let i = listing.find(p).unwrap();
        let start = listing.data_offsets[i] as usize;
        &tar[start..start + listing.entries[i].size as usize]
    };
    assert_eq!(at("/etc/hostname"), b"lading\n");
    assert_eq!(at(&pax_path), b"pax");
    assert_eq!(listing.uncompressed_bytes, tar.len() as u64);
}

#[test]
fn every_compression_lists_the_same_entries() {
    let tar = sample_tar();
    let cases = [
        (tar.clone(), Compression::None),
        (gzip_members(&tar, 1), Compression::Gzip),
        // pigz / eStargz style: several gzip members.
        (gzip_members(&tar, 5), Compression::Gzip),
        (zstd_frames(&tar, 1), Compression::Zstd),
        (zstd_frames(&tar, 4), Compression::Zstd),
    ];
    for (blob, compression) in cases {
        let listing = list_bytes(blob).unwrap();
        assert_eq!(listing.compression, compression);
        check_sample(&listing, &tar);
    }
}

#[test]
fn broken_input_is_a_clear_error() {
    let tar = sample_tar();
    let gz = gzip_members(&tar, 1);
    let zst = zstd_frames(&tar, 1);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "garbage",
            b"<html>not a layer</html>".repeat(30),
            "neither gzip, zstd nor a tar",
        ),
        ("empty", Vec::new(), "it is empty"),
        (
            "truncated gzip",
            gz[..gz.len() / 2].to_vec(),
            "cannot be read",
        ),
        (
            "truncated zstd",
            zst[..zst.len() / 2].to_vec(),
            "cannot be read",
        ),
        (
            "truncated tar",
            tar[..tar.len() / 3].to_vec(),
            "cannot be read",
        ),
    ];
    for (name, blob, want) in cases {
        let error = list_bytes(blob).expect_err(name);
        assert!(error.to_string().contains(want), "{name}: {error}");
    }
}

#[test]
fn a_gzip_bomb_stops_at_the_uncompressed_limit() {
    // 64 MiB of zeros inside one file: a ~64 KiB blob.
    let mut b = tar::Builder::new(Vec::new());
    let mut h = Header::new_gnu();
    h.set_size(64 << 20);
    h.set_mode(0o644);
    b.append_data(&mut h, "zeros", std::io::repeat(0).take(64 << 20))
        .unwrap();
    let blob = gzip_members(&b.into_inner().unwrap(), 1);
    assert!(blob.len() < 1 << 20);
    let limits = LayerLimits {
        uncompressed_bytes: 8 << 20,
        ..LayerLimits::default()
    };
    let error = list_limited(blob, limits).unwrap_err();
    assert!(matches!(error, ProxyError::TooLarge { .. }), "{error}");
}

#[test]
fn too_many_entries_stop_the_listing() {
    let limits = LayerLimits {
        entries: 3,
        ..LayerLimits::default()
    };
    let error = list_limited(gzip_members(&sample_tar(), 1), limits).unwrap_err();
    assert!(error.to_string().contains("more than 3 entries"), "{error}");
}

#[test]
fn entries_stream_in_batches_then_the_listing_is_whole() {
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..1_234 {
        file(&mut b, &format!("f/{i}"), b"x", 0o644);
    }
    let blob = gzip_members(&b.into_inner().unwrap(), 1);
    let (tx, mut rx) = mpsc::channel(64);
    let state = Arc::new(Mutex::new(SourceState::default()));
    let listing = std::thread::spawn(move || {
        list(
            Cursor::new(blob),
            state,
            LayerLimits::default(),
            &mut Batcher::new(Some(tx)),
        )
    });
    let mut sizes = Vec::new();
    while let Some(event) = rx.blocking_recv() {
        let ListingEvent::Entries { entries } = event else {
            panic!("only entries: {event:?}")
        };
        sizes.push(entries.len());
    }
    let listing = listing.join().unwrap().unwrap();
    assert_eq!(listing.entries.len(), 1_234);
    assert_eq!(sizes.iter().sum::<usize>(), 1_234);
    assert!(sizes.iter().all(|&n| n <= BATCH_ENTRIES), "{sizes:?}");
}

#[test]
fn a_file_is_read_from_its_offset_in_the_decoded_stream() {
    let tar = sample_tar();
    let listing = list_bytes(tar.clone()).unwrap();
    let i = listing.find("/usr/bin/tool").unwrap();
    let blob = zstd_frames(&tar, 3);
    let state = Arc::new(Mutex::new(SourceState::default()));
    let (_, decoded) = decode::open(Cursor::new(blob), state).unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let offset = listing.data_offsets[i];
    std::thread::spawn(move || copy_out(decoded, offset, 70_000, &tx).unwrap());
    let mut bytes = Vec::new();
    while let Some(chunk) = rx.blocking_recv() {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(bytes, vec![7u8; 70_000]);
}
