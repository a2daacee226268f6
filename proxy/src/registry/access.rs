//! Who may see what a cache holds.
//!
//! Everything Lading derives from registry content (manifest bytes, layer listings and their
//! checkpoints) is cached under a [`ContentScope`]: the registry and repository the bytes came
//! from and the identity that reached them there. A digest alone is not a key: a digest names
//! bytes, but *who may read them* is the registry's decision per repository and per person,
//! and a hostile registry can name any digest it likes in its own manifests.
//!
//! A scope is only ever built from a [`Session`] that has just spoken to the registry with the
//! request's own credentials (see `registry::image::ResolvedImage`), so holding one is the
//! proof that this request may read that repository right now; a cached entry is served only
//! to a request holding the same scope.

use super::Session;

/// The identity a request reaches a registry with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    /// No credentials: what anyone may read. Anonymous visitors share this identity, so a
    /// cache hit among them can only ever reveal that someone looked at public content.
    Anonymous,
    /// A salted fingerprint of the credentials (`Credentials::fingerprint`): never shared
    /// between two people, and revealing nothing about the secret.
    Credentials(String),
}

impl Identity {
    /// The key word token caches use for it.
    pub fn as_key(&self) -> &str {
        match self {
            Identity::Anonymous => "anonymous",
            Identity::Credentials(fingerprint) => fingerprint,
        }
    }
}

/// Where cached content came from, and who reached it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentScope {
    /// Normalised registry name (`docker.io`).
    pub registry: String,
    pub repository: String,
    pub identity: Identity,
}

impl Session {
    /// The identity this session speaks with (browser credentials, else the server's).
    pub fn identity(&self) -> Identity {
        match &self.credentials {
            Some(credentials) => {
                Identity::Credentials(credentials.fingerprint(&self.upstream.salt))
            }
            None => Identity::Anonymous,
        }
    }

    /// The scope of content read from `repository` in this session. Only code that has just
    /// had an answer from the registry for that repository should build one (the manifest
    /// fetch in `resolve_image`); see the module comment.
    pub(super) fn content_scope(&self, repository: &str) -> ContentScope {
        ContentScope {
            registry: self.registry.clone(),
            repository: repository.to_string(),
            identity: self.identity(),
        }
    }
}
