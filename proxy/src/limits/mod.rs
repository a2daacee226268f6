//! Every limit Lading enforces, in one place: how much a registry may send, how long it may
//! take, and how much one client may ask of this server.
//!
//! One source for each value, and dependencies one way (everything may import `limits`;
//! `limits` imports nothing it bounds):
//! - what a deployment or a test may change is a field of [`Limits`] (registry time and tag
//!   limits) or of `layers::listing::LayerLimits` (what one layer may expand to); the defaults
//!   of [`Limits`] are the constants here, and the registry client reads only the fields
//!   (tests shrink the time limits to milliseconds instead of waiting 20–60 s);
//! - every fixed limit is a constant at the top of the module that enforces it (house style),
//!   and this table is the audit of all of them: `tests.rs` checks each row's value against
//!   its constant, so the table cannot drift from the code.
//!
//! | limit | value | enforced in | error |
//! | --- | --- | --- | --- |
//! | manifest body | 4 MiB (`MAX_MANIFEST_BYTES`) | `registry::manifests` | `TooLarge` |
//! | config body | 4 MiB (`MAX_CONFIG_BYTES`) | `registry::view` | `TooLarge` (as `config_error`) |
//! | token response | 1 MiB (`MAX_TOKEN_BODY`) | `registry::token` | `TooLarge` |
//! | tag list page | 8 MiB (`MAX_TAGS_PAGE_BYTES`) | `registry::tags` | `TooLarge` |
//! | tag list pages | 1000 (`MAX_TAG_PAGES`) | `registry::tags` | `TooMany` |
//! | tags in all pages | 200,000 entries, junk included (`MAX_TAGS`) | `registry::tags` | `TooMany` |
//! | one tag | 128 chars (`MAX_TAG_CHARS`, the spec's grammar) | `registry::tags` | skipped |
//! | skipped tag entries echoed | 20 samples of 64 chars (`MAX_SKIPPED_SAMPLES`, `MAX_SAMPLE_CHARS`) | `registry::tags` | counted only |
//! | redirect hops | 5 (`MAX_REDIRECTS`) | `registry::blobs` | `TooMany` |
//! | catalog page | 8 MiB (`MAX_CATALOG_PAGE_BYTES`) | `registry::catalog` | `TooLarge` |
//! | catalog pages | 1000 (`MAX_CATALOG_PAGES`) | `registry::catalog` | `TooMany` |
//! | repositories in a catalog | 200,000 (`MAX_CATALOG_ENTRIES`) | `registry::catalog` | `TooMany` |
//! | tag-detail pages (Quay, Harbor REST) | 100 (`MAX_DETAIL_PAGES`) | `registry::tag_details` | cut, `detail_error` |
//! | one REST API page | 4 MiB (`MAX_REST_PAGE_BYTES`) | `registry::tag_details` | `detail_error` |
//! | one Hub API page | 4 MiB (`MAX_HUB_PAGE_BYTES`) | `hub` | `TooLarge` |
//! | Hub namespace pages | 100 of 100 (`MAX_HUB_REPOSITORY_PAGES`) | `hub::namespace` | `TooMany` |
//! | Hub tag pages | 100 (`MAX_HUB_TAG_PAGES`) | `hub::tags` | cut, `detail_error` |
//! | Hub sign-in answer | 64 KiB (`MAX_SIGN_IN_BODY`) | `hub::sign_in` | `TooLarge` |
//! | Hub JWTs kept | 10,000, 540 s each (`MAX_CACHED_HUB_JWTS`, `HUB_JWT_TTL`) | `hub::sign_in` | evicted |
//! | tries of one registry request | 2, a wait of at most 2 s (`MAX_TRIES`, `MAX_RETRY_WAIT`) | `registry::retry` | the last answer |
//! | one `--ca-cert` file | 4 MiB (`MAX_CA_FILE`) | `tls` | start-up error |
//! | cached tokens | 16 MiB with their keys (`MAX_CACHED_TOKEN_BYTES`) | `registry::token` | evicted |
//! | tag details kept | 20,000, registry strings ≤ 256 B, 64 platforms a tag (`MAX_DETAILS`, `MAX_DETAIL_TEXT`, `MAX_TAG_IMAGES`) | `registry::tag_details` | cut, `detail_error` |
//! | entries per layer | 2,000,000 (`MAX_ENTRIES`) | `layers::listing` | `TooMany` |
//! | path in a layer | 4096 B (`MAX_PATH_BYTES`, `PATH_MAX`) | `layers::entry` | `TooLarge` |
//! | link target | 4096 B (`MAX_LINK_BYTES`) | `layers::entry` | `TooLarge` |
//! | user or group name | 256 B (`MAX_OWNER_NAME_BYTES`) | `layers::entry` | `TooLarge` |
//! | PAX header body | 1 MiB (`MAX_PAX_HEADER_BYTES`, as Go's `archive/tar`), before it is read | `layers::headers` | `TooLarge` |
//! | GNU long name or link | 4608 B (`MAX_LONG_NAME_BYTES`), before it is read | `layers::headers` | `TooLarge` |
//! | one layer's listing | 96 MiB of heap (`MAX_LISTING_BYTES`) | `layers::listing` | `TooLarge` |
//! | all listings (read, cached, merged, indexed) and tag lists | 256 MiB (`LISTING_MEMORY_BYTES`) | [`budget`] | 429 `Throttled`, `Retry-After: 5` |
//! | listing cache | 120 MiB of the above (`LISTING_CACHE_BYTES`) | `layers::cache` | evicted |
//! | path-index cache | 16 MiB of the above (`INDEX_CACHE_BYTES`, 1,000,000 paths) | `layers::index_cache` | evicted |
//! | symlinks followed in one path | 40 (`MAX_SYMLINK_HOPS`) | `lading_shared::layer` | answered as a broken link |
//! | children in a directory preview | 1000 (`MAX_PREVIEW_CHILDREN`) | `layers::locate` | cut, `children_total` says how many |
//! | near paths suggested | 5 (`MAX_SUGGESTIONS`) | `layers::suggest` | — |
//! | zstd window | 16 MiB (`MAX_WINDOW_LOG`) | `layers::zstd` | `BadUpstream` |
//! | one NDJSON batch | 500 entries or 64 KiB (`BATCH_ENTRIES`, `BATCH_BYTES`) | `layers::listing`, `layers::ndjson` | split |
//! | layers per merged view | 128, repeats counted (`MAX_MERGED_LAYERS`) | `layers::merged` | `TooMany` |
//! | entries in a merged view | 2,000,000 (`MAX_MERGED_ROWS`) | `layers::merged` | `TooMany` |
//! | malloc arenas | 2 (`MALLOC_ARENAS`, unless `MALLOC_ARENA_MAX` is set) | [`memory`] | — |
//! | uncompressed layer | 16 GiB (`MAX_UNCOMPRESSED_BYTES`) | `layers::decode` | `TooLarge` |
//! | expansion ratio | 100:1 past 1 GiB (`BOMB_RATIO`, `BOMB_THRESHOLD`) | `layers::decode` | `TooLarge` |
//! | file preview | 1 MiB (`MAX_PREVIEW_BYTES`) | `routes::layer::file` | cut, `truncated: true` |
//! | one export archive | 4 TiB (`MAX_EXPORT_BYTES`), sizes summed checked, before a byte | `routes::export::tar_stream` | `TooLarge` |
//! | connect | 10 s (`CONNECT_TIMEOUT`) | `registry::transport` | `Timeout` |
//! | idle read | 20 s (`READ_TIMEOUT`) | `registry::transport` | `Timeout` |
//! | one upstream request | 60 s (`REQUEST_TIMEOUT`, not for blob bodies) | `registry::transport` | `Timeout` |
//! | whole JSON answer | 60 s ([`ANSWER_TIMEOUT`]; image, tags) | [`within`] | `Timeout` |
//! | requests per client | 10/s, burst 30 (`--rate-limit`) | [`client`] | 429 `Throttled` |
//! | in flight per client | 8 (`--max-concurrent`) | [`client`] | 429 `Throttled` |
//! | in flight in all | 256 (`--max-concurrent-total`) | [`client`] | 429 `Throttled` |
//! | request head, keep-alive idle | 10 s (`HEADER_TIMEOUT`, `--header-timeout`) | `serve` | connection closed |
//! | client not reading an answer | 60 s (`SEND_TIMEOUT`, `--send-timeout`) | `serve` | connection closed |
//! | open connections | 1024 (`MAX_CONNECTIONS`, `--max-connections`; under `ulimit -n`) | `serve` | 429, closed |
//! | connections per client | 64 (`MAX_CONNECTIONS_PER_CLIENT`, `--max-connections-per-client`) | `serve` | 429, closed |
//! | download form body | 16 KiB, 10 s (`MAX_FORM_BYTES`, `FORM_READ_TIMEOUT`) | `extract` | 400 `BadRequest` |
//!
//! Caches are bounded too: challenges and tokens by entries, manifests and listings by weight
//! (see `registry::Upstream`), listings and path indexes by weight (`layers::Engine`),
//! per-client state by entries ([`client`]). The RSS ceiling these make, 512 MiB whatever
//! hostile registries send, is measured in `tests/it/attacks/memory.rs`.

pub mod budget;
pub mod client;
pub mod memory;

use std::future::Future;
use std::time::Duration;

use crate::error::ProxyError;

/// Longest wait for a TCP (and TLS) connection to a registry: the default of
/// [`Limits::connect`].
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for the next bytes of a response, blobs included ([`Limits::idle_read`]).
pub const READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest any one non-blob upstream request may take, body included
/// ([`Limits::upstream_request`]).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Tag list pages followed: a registry paging 1 tag at a time must not make Lading loop for
/// ever ([`Limits::tag_pages`]).
pub const MAX_TAG_PAGES: u32 = 1000;
/// Entries accepted over all tag pages, tags or junk: the answer holds every tag
/// ([`Limits::tags`]).
pub const MAX_TAGS: usize = 200_000;

/// Longest a JSON answer (image, tags) may take in all, however many upstream requests it
/// makes: past it the person gets a clear timeout instead of a spinner. Streams (listings,
/// downloads) are exempt: they show progress and only a stalled read ends them.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// The limits a deployment or a test may change; [`Limits::default`] is what `lading` runs
/// with.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest wait for a TCP (and TLS) connection to a registry.
    pub connect: Duration,
    /// Longest wait for the next bytes of any upstream response, blobs included.
    pub idle_read: Duration,
    /// Longest one non-blob upstream request may take, body included.
    pub upstream_request: Duration,
    /// Longest a whole JSON answer may take ([`within`]).
    pub answer: Duration,
    /// Tag list pages followed before giving up.
    pub tag_pages: u32,
    /// Tag entries accepted over all pages.
    pub tags: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connect: CONNECT_TIMEOUT,
            idle_read: READ_TIMEOUT,
            upstream_request: REQUEST_TIMEOUT,
            answer: ANSWER_TIMEOUT,
            tag_pages: MAX_TAG_PAGES,
            tags: MAX_TAGS,
        }
    }
}

/// Runs `work` for at most `limit`; past it, a typed timeout naming `registry`.
pub async fn within<T>(
    limit: Duration,
    registry: &str,
    work: impl Future<Output = Result<T, ProxyError>>,
) -> Result<T, ProxyError> {
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) => Err(ProxyError::Timeout {
            host: registry.to_string(),
            what: format!(
                "the answer took longer than {}, Lading's limit for one request",
                seconds(limit)
            ),
        }),
    }
}

/// `60 s`, `0.3 s`: durations as a person reads them.
pub fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests;
