//! Lading's own cache of registry content: manifests and configs by the scope that read them
//! and their digest, and short-lived hints of which digest a tag named.
//!
//! Digest-addressed content never changes, so its bytes may be kept; who may read them may
//! change, so every entry is keyed by [`ContentScope`] and served without asking the registry
//! only while that scope's access is proven (`access::AccessProofs`). A tag is mutable: its
//! hint is never served as an answer, only used to decide whether a `HEAD` (to learn the
//! tag's digest now) can save the `GET` — one round trip either way, but a `HEAD` whose digest
//! is cached ends the conversation there.
//!
//! All of it is bounded: content by bytes, hints by entries and time.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use lading_shared::Digest;

use super::access::ContentScope;
use super::manifests::RawManifest;
use super::single_flight::SingleFlight;
use crate::error::ProxyError;

/// Manifest bytes (with their decoded form) kept, by weight.
pub const MANIFEST_CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// Config blobs kept, by their bytes (a typical config is 1–20 KiB).
pub const CONFIG_CACHE_BYTES: u64 = 32 * 1024 * 1024;
/// Content nobody read this long is dropped (a signed-in person's entries do not outlive
/// their visit by much).
pub const CONTENT_IDLE: Duration = Duration::from_secs(3600);
/// Tag hints kept, and for how long: long enough for a person's repeated views, short
/// enough that a moved tag costs at most one wasted `HEAD`.
pub const MAX_TAG_HINTS: u64 = 100_000;
pub const TAG_HINT_TTL: Duration = Duration::from_secs(300);

/// Manifests by the scope that read them and their digest.
pub type ManifestCache = moka::future::Cache<(ContentScope, Digest), Arc<RawManifest>>;
/// Config blobs (digest-verified) by scope and digest.
pub type ConfigCache = moka::future::Cache<(ContentScope, Digest), Bytes>;
/// The digest a tag named when it was last read, by scope and tag.
pub type TagHints = moka::sync::Cache<(ContentScope, String), Digest>;
/// One tag resolution in flight per scope and tag.
pub type TagFlights = SingleFlight<(ContentScope, String), Result<Fetched, ProxyError>>;
/// A manifest and the digest computed over its bytes.
pub type Fetched = (Arc<RawManifest>, Digest);

/// Every content cache of the registry client.
pub struct ContentCache {
    pub manifests: ManifestCache,
    pub configs: ConfigCache,
    pub tag_hints: TagHints,
    pub tag_flights: TagFlights,
}

impl Default for ContentCache {
    fn default() -> ContentCache {
        ContentCache {
            manifests: manifest_cache(),
            configs: config_cache(),
            tag_hints: moka::sync::Cache::builder()
                .max_capacity(MAX_TAG_HINTS)
                .time_to_live(TAG_HINT_TTL)
                .build(),
            tag_flights: SingleFlight::default(),
        }
    }
}

impl ContentCache {
    /// Whether a `HEAD` of `tag` would probably end in cached bytes: its last digest is still
    /// held for this scope.
    pub fn tag_probably_cached(&self, scope: &ContentScope, tag: &str) -> bool {
        self.tag_hints
            .get(&(scope.clone(), tag.to_string()))
            .is_some_and(|digest| self.manifests.contains_key(&(scope.clone(), digest)))
    }

    pub fn hint(&self, scope: &ContentScope, tag: &str, digest: &Digest) {
        self.tag_hints
            .insert((scope.clone(), tag.to_string()), digest.clone());
    }
}

fn manifest_cache() -> ManifestCache {
    moka::future::Cache::builder()
        .weigher(|_, m: &Arc<RawManifest>| m.weight().try_into().unwrap_or(u32::MAX))
        .max_capacity(MANIFEST_CACHE_BYTES)
        .time_to_idle(CONTENT_IDLE)
        .build()
}

fn config_cache() -> ConfigCache {
    moka::future::Cache::builder()
        .weigher(|_, b: &Bytes| b.len().try_into().unwrap_or(u32::MAX))
        .max_capacity(CONFIG_CACHE_BYTES)
        .time_to_idle(CONTENT_IDLE)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::access::Identity;

    fn scope(repository: &str) -> ContentScope {
        ContentScope {
            registry: "r".to_string(),
            repository: repository.to_string(),
            identity: Identity::Anonymous,
        }
    }

    fn empty_index() -> lading_shared::Manifest {
        let (_, manifest) = lading_shared::Manifest::decode(br#"{"manifests":[]}"#, None).unwrap();
        manifest
    }

    #[tokio::test]
    async fn content_caches_are_bounded_by_bytes() {
        let cache = ContentCache::default();
        // One shared 1 MiB buffer: the weigher counts it per entry, memory holds it once.
        let bytes = Bytes::from(vec![b'{'; 1024 * 1024]);
        let entries = MANIFEST_CACHE_BYTES / (1024 * 1024) + 16;
        for i in 0..entries {
            let raw = Arc::new(RawManifest {
                bytes: bytes.clone(),
                content_type: None,
                header_digest: None,
                media_type: lading_shared::MediaType::OciIndex,
                manifest: empty_index(),
            });
            let key = (scope("a"), Digest::sha256(&i.to_be_bytes()));
            cache.manifests.insert(key.clone(), raw).await;
            cache.configs.insert(key, bytes.clone()).await;
        }
        cache.manifests.run_pending_tasks().await;
        cache.configs.run_pending_tasks().await;
        assert!(cache.manifests.weighted_size() <= MANIFEST_CACHE_BYTES);
        assert!(cache.manifests.entry_count() < entries);
        assert!(cache.configs.weighted_size() <= CONFIG_CACHE_BYTES);
    }

    #[tokio::test]
    async fn a_tag_hint_counts_only_while_its_bytes_are_held_in_its_own_scope() {
        let cache = ContentCache::default();
        let digest = Digest::sha256(b"index");
        assert!(!cache.tag_probably_cached(&scope("a"), "v1"));
        cache.hint(&scope("a"), "v1", &digest);
        assert!(
            !cache.tag_probably_cached(&scope("a"), "v1"),
            "no bytes yet"
        );
        let raw = Arc::new(RawManifest {
            bytes: Bytes::from_static(br#"{"manifests":[]}"#),
            content_type: None,
            header_digest: None,
            media_type: lading_shared::MediaType::OciIndex,
            manifest: empty_index(),
        });
        cache
            .manifests
            .insert((scope("a"), digest.clone()), raw)
            .await;
        assert!(cache.tag_probably_cached(&scope("a"), "v1"));
        assert!(!cache.tag_probably_cached(&scope("b"), "v1"));
        assert!(!cache.tag_probably_cached(&scope("a"), "v2"));
    }
}
