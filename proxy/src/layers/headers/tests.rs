//! Names and extension headers past their caps, and the memory a listing accounts for.

use std::io::Cursor;
use std::sync::{Arc, Mutex};

use tar::{EntryType, Header};

use super::super::budget::Budget;
use super::super::entry::{MAX_LINK_BYTES, MAX_OWNER_NAME_BYTES, MAX_PATH_BYTES};
use super::super::listing::{Batcher, LayerLimits, Listing, list, list_within};
use super::super::source::SourceState;
use super::{MAX_LONG_NAME_BYTES, MAX_PAX_HEADER_BYTES};
use crate::error::ProxyError;

fn list_tar(tar: Vec<u8>) -> Result<Listing, ProxyError> {
    let state = Arc::new(Mutex::new(SourceState::default()));
    list(
        Cursor::new(tar),
        state,
        LayerLimits::default(),
        &mut Batcher::new(None),
    )
}

fn too_large(result: Result<Listing, ProxyError>, says: &str) -> String {
    let error = result.expect_err("refused");
    assert!(matches!(error, ProxyError::TooLarge { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains(says), "{message}");
    message
}

fn header(kind: EntryType, size: u64) -> Header {
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h
}

/// A tar whose one entry is preceded by an extension entry of `kind` holding `body`.
fn with_extension(kind: EntryType, body: &[u8], entry: EntryType) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut ext = header(kind, body.len() as u64);
    ext.set_path("././@LongLink").unwrap();
    ext.set_cksum();
    b.append(&ext, body).unwrap();
    let mut h = header(entry, 0);
    h.set_path("short").unwrap();
    h.set_cksum();
    b.append(&h, &[][..]).unwrap();
    b.into_inner().unwrap()
}

fn pax_body(records: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in records {
        let rest = format!(" {key}={value}\n");
        let mut len = rest.len() + 1;
        while (len.to_string().len() + rest.len()) != len {
            len += 1;
        }
        body.extend(format!("{len}{rest}").as_bytes());
    }
    body
}

#[test]
fn extension_headers_past_their_caps_are_refused_before_they_are_read() {
    let name = vec![b'a'; 32 << 20];
    for (kind, says) in [
        (EntryType::GNULongName, "GNU long name"),
        (EntryType::GNULongLink, "GNU long link"),
        (EntryType::XHeader, "PAX extended header"),
        (EntryType::XGlobalHeader, "PAX extended header"),
    ] {
        let message = too_large(
            list_tar(with_extension(kind, &name, EntryType::Symlink)),
            says,
        );
        assert!(message.contains("at byte 0"), "{message}");
    }
    // Just under the caps they are read (and the names they carry then meet their own caps).
    let long = vec![b'a'; MAX_LONG_NAME_BYTES as usize];
    too_large(
        list_tar(with_extension(
            EntryType::GNULongName,
            &long,
            EntryType::Regular,
        )),
        "the path of tar entry 1",
    );
    let pax = pax_body(&[("comment", &"c".repeat(MAX_PAX_HEADER_BYTES as usize - 64))]);
    let listing = list_tar(with_extension(EntryType::XHeader, &pax, EntryType::Regular)).unwrap();
    assert_eq!(listing.entries[0].path, "/short");
}

#[test]
fn names_past_their_caps_name_the_entry() {
    let at_cap = format!("/{}", "d/".repeat(MAX_PATH_BYTES / 2 - 1) + "f");
    assert!(at_cap.len() <= MAX_PATH_BYTES);
    let pax = pax_body(&[
        ("path", &at_cap),
        ("uname", &"u".repeat(MAX_OWNER_NAME_BYTES)),
    ]);
    let listing = list_tar(with_extension(EntryType::XHeader, &pax, EntryType::Regular)).unwrap();
    assert_eq!(listing.entries[0].path, at_cap);
    let cases = [
        (
            vec![("path", "p".repeat(MAX_PATH_BYTES + 1))],
            "the path of tar entry 1",
        ),
        (
            vec![("linkpath", "l".repeat(MAX_LINK_BYTES + 1))],
            "the link target of tar entry 1",
        ),
        (
            vec![("uname", "u".repeat(MAX_OWNER_NAME_BYTES + 1))],
            "owner name of tar entry 1",
        ),
        (
            vec![("gname", "g".repeat(MAX_OWNER_NAME_BYTES + 1))],
            "owner name of tar entry 1",
        ),
    ];
    for (records, says) in cases {
        let records: Vec<(&str, &str)> = records.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let tar = with_extension(EntryType::XHeader, &pax_body(&records), EntryType::Symlink);
        too_large(list_tar(tar), says);
    }
}

/// A tar of `count` symlinks whose names are `name_len` bytes (through PAX records).
fn wide_tar(count: usize, name_len: usize) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..count {
        let path = format!("{i:08}{}", "p".repeat(name_len - 8));
        let pax = pax_body(&[("path", &path), ("linkpath", &"l".repeat(name_len))]);
        let mut ext = header(EntryType::XHeader, pax.len() as u64);
        ext.set_path("pax").unwrap();
        ext.set_cksum();
        b.append(&ext, pax.as_slice()).unwrap();
        let mut h = header(EntryType::Symlink, 0);
        h.set_path("x").unwrap();
        h.set_cksum();
        b.append(&h, &[][..]).unwrap();
    }
    b.into_inner().unwrap()
}

#[test]
fn a_listing_accounts_its_heap_and_gives_it_back() {
    let budget: &'static Budget = Box::leak(Box::new(Budget::new(64 << 20)));
    let state = Arc::new(Mutex::new(SourceState::default()));
    let listing = list_within(
        Cursor::new(wide_tar(500, 4000)),
        state,
        LayerLimits::default(),
        &mut Batcher::new(None),
        budget,
    )
    .unwrap();
    // 500 entries of two 4000-byte names: 4 MB, all of it counted.
    assert!(listing.weight() > 500 * 8000, "{}", listing.weight());
    assert_eq!(budget.used(), listing.weight());
    assert_eq!(listing.memory.bytes(), listing.weight());
    drop(listing);
    assert_eq!(budget.used(), 0);
}

#[test]
fn listings_past_the_layer_cap_or_the_budget_stop() {
    let limits = LayerLimits {
        listing_bytes: 1 << 20,
        ..LayerLimits::default()
    };
    let state = Arc::new(Mutex::new(SourceState::default()));
    let tar = wide_tar(500, 4000);
    let error = list(
        Cursor::new(tar.clone()),
        state,
        limits,
        &mut Batcher::new(None),
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            ProxyError::TooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{error}"
    );
    // A budget smaller than what the listing needs: busy, retry later.
    let budget: &'static Budget = Box::leak(Box::new(Budget::new(3 << 20)));
    let state = Arc::new(Mutex::new(SourceState::default()));
    let error = list_within(
        Cursor::new(tar),
        state,
        LayerLimits::default(),
        &mut Batcher::new(None),
        budget,
    )
    .unwrap_err();
    assert!(
        matches!(error, ProxyError::Throttled { retry_after: 5, .. }),
        "{error}"
    );
    assert_eq!(budget.used(), 0);
}

/// A GNU sparse entry of `blocks` extension blocks, each of 21 empty regions.
fn sparse_tar(blocks: usize) -> Vec<u8> {
    fn octal(value: u64) -> [u8; 12] {
        let mut field = [0u8; 12];
        field[..11].copy_from_slice(format!("{value:011o}").as_bytes());
        field
    }
    let regions = (blocks * 21) as u64;
    let mut h = Header::new_gnu();
    h.set_entry_type(EntryType::GNUSparse);
    h.set_path("sparse").unwrap();
    h.set_size(0);
    h.set_mode(0o644);
    let gnu = h.as_gnu_mut().unwrap();
    gnu.isextended[0] = 1;
    gnu.realsize = octal(regions);
    h.set_cksum();
    let mut tar = h.as_bytes().to_vec();
    for block in 0..blocks {
        let mut ext = [0u8; 512];
        for region in 0..21 {
            let offset = (block * 21 + region + 1) as u64;
            ext[region * 24..region * 24 + 12].copy_from_slice(&octal(offset));
            ext[region * 24 + 12..region * 24 + 24].copy_from_slice(&octal(0));
        }
        ext[504] = u8::from(block + 1 < blocks);
        tar.extend_from_slice(&ext);
    }
    tar.extend_from_slice(&[0u8; 1024]);
    tar
}

#[test]
fn a_sparse_map_past_its_cap_is_refused_as_it_is_read() {
    let listing = list_tar(sparse_tar(10)).unwrap();
    assert_eq!(listing.entries[0].path, "/sparse");
    let blocks = (super::MAX_SPARSE_MAP_BYTES / 512 + 1) as usize;
    too_large(list_tar(sparse_tar(blocks)), "sparse map");
}
