//! Who may see what a cache holds.
//!
//! Everything Lading derives from registry content (manifest bytes, layer listings and their
//! checkpoints) is cached under a [`ContentScope`]: the registry and repository the bytes came
//! from and the identity that reached them there. A digest alone is not a key: a digest names
//! bytes, but *who may read them* is the registry's decision per repository and per person,
//! and a hostile registry can name any digest it likes in its own manifests.
//!
//! A scope is built from a [`Session`]: the registry and repository it asks about and the
//! identity of its credentials. A cached entry is served only to a request of the same scope,
//! and only while that scope is proven (below): a scope held is not yet a right to read.
//!
//! [`AccessProofs`] lets a repeated view cost nothing: a successful, authorised answer from
//! the registry for a scope proves that scope for [`ACCESS_PROOF_TTL`]; while it stands, a
//! request of the same scope may be answered from cache without asking the registry again.
//! A person whose access is revoked keeps seeing what they had already seen for at most that
//! long. Failures never prove anything, and a 401/403/404 withdraws the proof at once.

use std::time::Duration;

use super::Session;

/// How long one authorised answer proves a scope's access.
pub const ACCESS_PROOF_TTL: Duration = Duration::from_secs(120);
/// Scopes remembered at once (each is a few short strings).
pub const MAX_ACCESS_PROOFS: u64 = 100_000;

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

/// Scopes whose access a registry confirmed within [`ACCESS_PROOF_TTL`].
#[derive(Clone)]
pub struct AccessProofs {
    proven: moka::sync::Cache<ContentScope, ()>,
}

impl Default for AccessProofs {
    fn default() -> Self {
        AccessProofs::with_ttl(ACCESS_PROOF_TTL)
    }
}

impl AccessProofs {
    /// Proofs that last `ttl` (tests shrink it to watch one expire).
    pub fn with_ttl(ttl: Duration) -> AccessProofs {
        AccessProofs {
            proven: moka::sync::Cache::builder()
                .max_capacity(MAX_ACCESS_PROOFS)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// The registry just answered `scope` with success: it is proven for the next while.
    pub fn prove(&self, scope: &ContentScope) {
        self.proven.insert(scope.clone(), ());
    }

    /// The registry refused `scope` (401, 403, 404 for the repository): no longer proven.
    pub fn withdraw(&self, scope: &ContentScope) {
        self.proven.invalidate(scope);
    }

    /// Whether `scope` may be answered from cache without asking the registry.
    pub fn proven(&self, scope: &ContentScope) -> bool {
        self.proven.contains_key(scope)
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

    /// The scope of content read from `repository` in this session: the key of its caches,
    /// served from only while [`AccessProofs::proven`] says so (see the module comment).
    pub(crate) fn content_scope(&self, repository: &str) -> ContentScope {
        ContentScope {
            registry: self.registry.clone(),
            repository: repository.to_string(),
            identity: self.identity(),
        }
    }

    /// Whether this session's access to `repository` stands proven (cached content may be
    /// answered without asking the registry).
    pub fn access_proven(&self, repository: &str) -> bool {
        self.upstream.proofs.proven(&self.content_scope(repository))
    }

    /// What a manifest or blob answer of the registry says about access to `repository`:
    /// success proves it, 401/403/404 withdraws it; anything else (429, 5xx) says nothing.
    pub(crate) fn settle_access(&self, repository: &str, status: reqwest::StatusCode) {
        let scope = self.content_scope(repository);
        if status.is_success() {
            self.upstream.proofs.prove(&scope);
        } else if matches!(status.as_u16(), 401 | 403 | 404) {
            self.upstream.proofs.withdraw(&scope);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(identity: Identity) -> ContentScope {
        ContentScope {
            registry: "r.example".into(),
            repository: "team/app".into(),
            identity,
        }
    }

    #[test]
    fn a_proof_covers_its_own_scope_only_and_can_be_withdrawn() {
        let proofs = AccessProofs::default();
        let alice = scope(Identity::Credentials("fp-alice".into()));
        assert!(!proofs.proven(&alice));
        proofs.prove(&alice);
        assert!(proofs.proven(&alice));
        assert!(!proofs.proven(&scope(Identity::Anonymous)));
        assert!(!proofs.proven(&scope(Identity::Credentials("fp-bob".into()))));
        let mut elsewhere = alice.clone();
        elsewhere.repository = "team/other".into();
        assert!(!proofs.proven(&elsewhere));
        proofs.withdraw(&alice);
        assert!(!proofs.proven(&alice));
    }

    #[test]
    fn a_proof_expires_after_its_ttl() {
        let proofs = AccessProofs::with_ttl(Duration::from_millis(20));
        let anyone = scope(Identity::Anonymous);
        proofs.prove(&anyone);
        assert!(proofs.proven(&anyone));
        std::thread::sleep(Duration::from_millis(60));
        assert!(!proofs.proven(&anyone));
    }
}
