//! The table in `mod.rs` says what the code enforces: each row's value is checked against the
//! constant it names, so a limit changed in its module fails here until the table says so.

use std::time::Duration;

use crate::layers::{cache, decode, entry, headers, index_cache, listing, merged, suggest, zstd};
use crate::registry::{blobs, catalog, retry, tag_details, tags, token, view};
use crate::{extract, serve};
use crate::{hub, tls};

const TABLE: &str = include_str!("mod.rs");

/// How the table writes a size: the largest unit that divides it.
fn size(bytes: u64) -> String {
    for (unit, name) in [
        (1u64 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    format!("{bytes} B")
}

/// How the table writes a count: thousands separated past 9,999.
fn count(n: u64) -> String {
    let digits = n.to_string();
    if n < 10_000 {
        return digits;
    }
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs())
}

#[test]
fn the_table_matches_the_constants() {
    let rows: [(&str, String); 34] = [
        (
            "MAX_MANIFEST_BYTES",
            size(lading_shared::manifest::MAX_MANIFEST_BYTES as u64),
        ),
        ("MAX_CONFIG_BYTES", size(view::MAX_CONFIG_BYTES as u64)),
        ("MAX_TOKEN_BODY", size(token::MAX_TOKEN_BODY as u64)),
        (
            "MAX_TAGS_PAGE_BYTES",
            size(tags::MAX_TAGS_PAGE_BYTES as u64),
        ),
        ("MAX_TAG_PAGES", count(super::MAX_TAG_PAGES.into())),
        ("MAX_TAGS", count(super::MAX_TAGS as u64)),
        ("MAX_TAG_CHARS", count(tags::MAX_TAG_CHARS as u64)),
        (
            "MAX_SKIPPED_SAMPLES",
            count(tags::MAX_SKIPPED_SAMPLES as u64),
        ),
        ("MAX_SAMPLE_CHARS", count(tags::MAX_SAMPLE_CHARS as u64)),
        ("MAX_REDIRECTS", count(blobs::MAX_REDIRECTS as u64)),
        ("MAX_ENTRIES", count(listing::MAX_ENTRIES as u64)),
        (
            "MAX_PATH_BYTES",
            format!("{} B", entry::MAX_PATH_BYTES as u64),
        ),
        (
            "MAX_LINK_BYTES",
            format!("{} B", entry::MAX_LINK_BYTES as u64),
        ),
        (
            "MAX_OWNER_NAME_BYTES",
            format!("{} B", entry::MAX_OWNER_NAME_BYTES as u64),
        ),
        ("MAX_PAX_HEADER_BYTES", size(headers::MAX_PAX_HEADER_BYTES)),
        (
            "MAX_LONG_NAME_BYTES",
            format!("{} B", headers::MAX_LONG_NAME_BYTES),
        ),
        ("MAX_LISTING_BYTES", size(listing::MAX_LISTING_BYTES)),
        (
            "LISTING_MEMORY_BYTES",
            size(super::budget::LISTING_MEMORY_BYTES),
        ),
        ("LISTING_CACHE_BYTES", size(cache::LISTING_CACHE_BYTES)),
        ("INDEX_CACHE_BYTES", size(index_cache::INDEX_CACHE_BYTES)),
        (
            "MAX_SYMLINK_HOPS",
            count(lading_shared::layer::MAX_SYMLINK_HOPS as u64),
        ),
        (
            "MAX_PREVIEW_CHILDREN",
            count(lading_shared::layer::MAX_PREVIEW_CHILDREN as u64),
        ),
        ("MAX_SUGGESTIONS", count(suggest::MAX_SUGGESTIONS as u64)),
        ("MAX_WINDOW_LOG", size(zstd::MAX_WINDOW_BYTES)),
        ("BATCH_ENTRIES", count(listing::BATCH_ENTRIES as u64)),
        ("BATCH_BYTES", size(listing::BATCH_BYTES)),
        ("MAX_MERGED_LAYERS", count(merged::MAX_MERGED_LAYERS as u64)),
        ("MAX_MERGED_ROWS", count(merged::MAX_MERGED_ROWS as u64)),
        (
            "MAX_UNCOMPRESSED_BYTES",
            size(listing::MAX_UNCOMPRESSED_BYTES),
        ),
        ("BOMB_RATIO", format!("{}:1", decode::BOMB_RATIO)),
        ("BOMB_THRESHOLD", size(decode::BOMB_THRESHOLD)),
        ("CONNECT_TIMEOUT", seconds(super::CONNECT_TIMEOUT)),
        ("READ_TIMEOUT", seconds(super::READ_TIMEOUT)),
        ("REQUEST_TIMEOUT", seconds(super::REQUEST_TIMEOUT)),
    ];
    let more: [(&str, String); 7] = [
        ("ANSWER_TIMEOUT", seconds(super::ANSWER_TIMEOUT)),
        ("HEADER_TIMEOUT", seconds(serve::HEADER_TIMEOUT)),
        ("SEND_TIMEOUT", seconds(serve::SEND_TIMEOUT)),
        ("MAX_CONNECTIONS", count(serve::MAX_CONNECTIONS.into())),
        (
            "MAX_CONNECTIONS_PER_CLIENT",
            count(serve::MAX_CONNECTIONS_PER_CLIENT.into()),
        ),
        ("MAX_FORM_BYTES", size(extract::MAX_FORM_BYTES as u64)),
        ("FORM_READ_TIMEOUT", seconds(extract::FORM_READ_TIMEOUT)),
    ];
    let issue9: [(&str, String); 18] = [
        (
            "MAX_CATALOG_PAGE_BYTES",
            size(catalog::MAX_CATALOG_PAGE_BYTES as u64),
        ),
        (
            "MAX_CATALOG_PAGES",
            count(catalog::MAX_CATALOG_PAGES.into()),
        ),
        (
            "MAX_CATALOG_ENTRIES",
            count(catalog::MAX_CATALOG_ENTRIES as u64),
        ),
        (
            "MAX_DETAIL_PAGES",
            count(tag_details::MAX_DETAIL_PAGES.into()),
        ),
        (
            "MAX_REST_PAGE_BYTES",
            size(tag_details::MAX_REST_PAGE_BYTES as u64),
        ),
        ("MAX_HUB_PAGE_BYTES", size(hub::MAX_HUB_PAGE_BYTES as u64)),
        (
            "MAX_HUB_REPOSITORY_PAGES",
            count(hub::namespace::MAX_HUB_REPOSITORY_PAGES.into()),
        ),
        (
            "MAX_HUB_TAG_PAGES",
            count(hub::tags::MAX_HUB_TAG_PAGES.into()),
        ),
        (
            "MAX_SIGN_IN_BODY",
            size(hub::sign_in::MAX_SIGN_IN_BODY as u64),
        ),
        (
            "MAX_CACHED_HUB_JWTS",
            count(hub::sign_in::MAX_CACHED_HUB_JWTS),
        ),
        ("HUB_JWT_TTL", seconds(hub::sign_in::HUB_JWT_TTL)),
        ("MAX_TRIES", count(retry::MAX_TRIES.into())),
        ("MAX_RETRY_WAIT", seconds(retry::MAX_RETRY_WAIT)),
        ("MAX_CA_FILE", size(tls::MAX_CA_FILE)),
        (
            "MAX_CACHED_TOKEN_BYTES",
            size(token::MAX_CACHED_TOKEN_BYTES),
        ),
        ("MAX_DETAILS", count(tag_details::MAX_DETAILS as u64)),
        (
            "MAX_DETAIL_TEXT",
            format!("{} B", tag_details::MAX_DETAIL_TEXT),
        ),
        ("MAX_TAG_IMAGES", count(tag_details::MAX_TAG_IMAGES as u64)),
    ];
    for (name, value) in rows.into_iter().chain(more).chain(issue9) {
        let row = TABLE
            .lines()
            .find(|line| line.starts_with("//! |") && line.contains(&format!("`{name}`")))
            .unwrap_or_else(|| panic!("no row of the table names {name}"));
        assert!(
            row.contains(&value),
            "{name} is {value}, the table says: {row}"
        );
    }
}
