//! The in-memory content of a fake registry: repositories, blobs, manifests, tags and when
//! each tag was pushed (registries that give dates for free read them from here).
//!
//! Filled in-process (by [`Store::put_blob`], [`Store::put_manifest`], [`Store::tag`]) or over
//! HTTP through the push receiver so the `fixtures::push_*` builders work unchanged.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use crate::fixtures::sha256_digest;

/// Push times start here (2024-01-02T03:04:05Z, the fixtures' `created`) and step by a minute
/// per push, so "oldest first" and date columns are deterministic.
pub const FIRST_PUSH_MS: u64 = 1_704_164_645_000;
pub const PUSH_STEP_MS: u64 = 60_000;

#[derive(Clone, Debug)]
pub struct StoredManifest {
    pub media_type: String,
    pub bytes: Arc<Vec<u8>>,
    pub digest: String,
    /// When it was first pushed (unix ms).
    pub pushed_ms: u64,
}

impl StoredManifest {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    /// Whether it is an index or a manifest list.
    pub fn is_list(&self) -> bool {
        self.media_type.contains("index") || self.media_type.contains("manifest.list")
    }

    /// Sum of config and layer sizes (what registries call the image size); 0 for lists.
    pub fn content_size(&self) -> u64 {
        let json = self.json();
        let size = |d: &Value| d["size"].as_u64().unwrap_or(0);
        size(&json["config"])
            + json["layers"]
                .as_array()
                .map(|ls| ls.iter().map(size).sum())
                .unwrap_or(0)
    }
}

#[derive(Clone, Debug)]
pub struct StoredTag {
    pub name: String,
    pub digest: String,
    pub pushed_ms: u64,
}

#[derive(Default, Debug, Clone)]
pub struct Repo {
    pub private: bool,
    pub blobs: HashMap<String, Arc<Vec<u8>>>,
    pub manifests: HashMap<String, StoredManifest>,
    /// In push order (a tag pushed again moves to the end with its new time).
    pub tags: Vec<StoredTag>,
}

impl Repo {
    pub fn tag(&self, name: &str) -> Option<&StoredTag> {
        self.tags.iter().find(|t| t.name == name)
    }

    /// A manifest by tag or digest.
    pub fn manifest(&self, reference: &str) -> Option<&StoredManifest> {
        if reference.starts_with("sha256:") {
            return self.manifests.get(reference);
        }
        self.tag(reference)
            .and_then(|t| self.manifests.get(&t.digest))
    }

    /// Tags pointing at `digest`, in push order.
    pub fn tags_of(&self, digest: &str) -> Vec<&StoredTag> {
        self.tags.iter().filter(|t| t.digest == digest).collect()
    }
}

#[derive(Default)]
struct Inner {
    repos: BTreeMap<String, Repo>,
    pushes: u64,
}

/// Shared by every service of a World (registry, CDN, REST APIs).
#[derive(Clone, Default)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
}

impl Store {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the repository, if it exists.
    pub fn read<T>(&self, repo: &str, f: impl FnOnce(&Repo) -> T) -> Option<T> {
        self.lock().repos.get(repo).map(f)
    }

    /// Runs `f` on the repository, creating it (public) if needed.
    pub fn write<T>(&self, repo: &str, f: impl FnOnce(&mut Repo) -> T) -> T {
        f(self.lock().repos.entry(repo.to_owned()).or_default())
    }

    /// Every repository name, sorted byte-wise.
    pub fn repositories(&self) -> Vec<String> {
        self.lock().repos.keys().cloned().collect()
    }

    pub fn set_private(&self, repo: &str, private: bool) {
        self.write(repo, |r| r.private = private);
    }

    pub fn is_private(&self, repo: &str) -> bool {
        self.read(repo, |r| r.private).unwrap_or(false)
    }

    pub fn put_blob(&self, repo: &str, bytes: Vec<u8>) -> String {
        let digest = sha256_digest(&bytes);
        self.write(repo, |r| r.blobs.insert(digest.clone(), Arc::new(bytes)));
        digest
    }

    pub fn blob(&self, repo: &str, digest: &str) -> Option<Arc<Vec<u8>>> {
        self.read(repo, |r| r.blobs.get(digest).cloned()).flatten()
    }

    /// A blob from whichever repository holds it (what a CDN sees: storage is by digest).
    pub fn any_blob(&self, digest: &str) -> Option<Arc<Vec<u8>>> {
        let inner = self.lock();
        inner
            .repos
            .values()
            .find_map(|r| r.blobs.get(digest).cloned())
    }

    fn next_push_ms(inner: &mut Inner) -> u64 {
        inner.pushes += 1;
        FIRST_PUSH_MS + inner.pushes * PUSH_STEP_MS
    }

    /// Stores a manifest (and tags it when `reference` is a tag); returns its digest.
    pub fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> String {
        let digest = sha256_digest(&bytes);
        let mut inner = self.lock();
        let now = Self::next_push_ms(&mut inner);
        let entry = inner.repos.entry(repo.to_owned()).or_default();
        entry
            .manifests
            .entry(digest.clone())
            .or_insert_with(|| StoredManifest {
                media_type: media_type.to_owned(),
                bytes: Arc::new(bytes),
                digest: digest.clone(),
                pushed_ms: now,
            });
        if !reference.starts_with("sha256:") {
            entry.tags.retain(|t| t.name != reference);
            entry.tags.push(StoredTag {
                name: reference.to_owned(),
                digest: digest.clone(),
                pushed_ms: now,
            });
        }
        digest
    }

    /// Points `tag` at an already stored manifest (pushed one push-step after the last push).
    pub fn tag(&self, repo: &str, tag: &str, digest: &str) {
        let mut inner = self.lock();
        let now = Self::next_push_ms(&mut inner);
        let entry = inner.repos.entry(repo.to_owned()).or_default();
        assert!(
            entry.manifests.contains_key(digest),
            "tag {repo}:{tag} → {digest}: no such manifest"
        );
        entry.tags.retain(|t| t.name != tag);
        entry.tags.push(StoredTag {
            name: tag.to_owned(),
            digest: digest.to_owned(),
            pushed_ms: now,
        });
    }

    /// Deletes a tag (the manifest stays, reachable by digest).
    pub fn untag(&self, repo: &str, tag: &str) {
        self.write(repo, |r| r.tags.retain(|t| t.name != tag));
    }
}
