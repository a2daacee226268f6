//! The serialised bytes of whole answers, so a warm answer costs a lookup instead of a view
//! and its serialisation.
//!
//! Only an answer that is the same for everyone of its scope is kept: addressed by digest,
//! complete, successful, and made with no exchange at all (built from Lading's own content
//! cache), so its trace is empty and nothing in it belongs to one request. It is keyed like
//! the content it was made from ([`AnswerKey`]: the request's [`ContentScope`], the route,
//! the canonical query, the API revision) and, like that content, served only while the
//! scope's access is proven (`registry::access`): otherwise the request takes the normal
//! path, which asks the registry and so proves (or withdraws) it.

use std::time::Duration;

use bytes::Bytes;
use lading_shared::api::{API_REVISION, REVISION_PARAM};

use crate::registry::access::ContentScope;

/// Answers kept, by their bytes (an index answer is a few KiB, a large image's tens).
pub const ANSWER_CACHE_BYTES: u64 = 32 * 1024 * 1024;
/// Larger answers are not kept: a reader still sending one holds it after it is evicted,
/// so the cache's bound holds only if no entry is a large part of it.
pub const MAX_KEPT_ANSWER_BYTES: usize = 1024 * 1024;
/// An answer nobody asked for this long is dropped (content addressed by digest never
/// changes, so only disuse ends an entry).
pub const ANSWER_IDLE: Duration = Duration::from_secs(3600);

/// What one kept answer answers: who asked (the scope), which route, the question.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    scope: ContentScope,
    route: &'static str,
    /// The query's pairs decoded, without `rev`, sorted (spelling and order do not matter).
    query: String,
    revision: u32,
}

impl AnswerKey {
    pub fn new(scope: ContentScope, route: &'static str, query: &str) -> AnswerKey {
        AnswerKey {
            scope,
            route,
            query: canonical_query(query),
            revision: API_REVISION,
        }
    }

    pub fn scope(&self) -> &ContentScope {
        &self.scope
    }

    fn weight(&self, body: &Bytes) -> u32 {
        let scope = &self.scope;
        let key = scope.registry.len() + scope.repository.len() + scope.identity.as_key().len();
        (key + self.query.len() + body.len())
            .try_into()
            .unwrap_or(u32::MAX)
    }
}

/// `query`'s pairs decoded, without [`REVISION_PARAM`], sorted and encoded again.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(key, _)| key != REVISION_PARAM)
        .collect();
    pairs.sort();
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish()
}

/// Whole answers' bytes by [`AnswerKey`], bounded by bytes, dropped when idle.
#[derive(Clone)]
pub struct AnswerCache {
    answers: moka::sync::Cache<AnswerKey, Bytes>,
}

impl Default for AnswerCache {
    fn default() -> AnswerCache {
        AnswerCache::with_capacity(ANSWER_CACHE_BYTES)
    }
}

impl AnswerCache {
    pub fn with_capacity(bytes: u64) -> AnswerCache {
        AnswerCache {
            answers: moka::sync::Cache::builder()
                .weigher(AnswerKey::weight)
                .max_capacity(bytes)
                .time_to_idle(ANSWER_IDLE)
                .build(),
        }
    }

    /// The answer kept for `key`, if its scope's access stands `proven` (a refusal since
    /// must be seen by asking the registry, never hidden by what was kept).
    pub fn get(
        &self,
        key: &AnswerKey,
        proven: impl FnOnce(&ContentScope) -> bool,
    ) -> Option<Bytes> {
        if !proven(&key.scope) {
            return None;
        }
        self.answers.get(key)
    }

    /// Keeps `body` as the answer for `key` (the caller has checked it is one for everyone of
    /// the scope: see the module comment); a large one is not kept.
    pub fn keep(&self, key: AnswerKey, body: Bytes) {
        if body.len() <= MAX_KEPT_ANSWER_BYTES {
            self.answers.insert(key, body);
        }
    }

    /// Bytes held (after pending evictions are applied).
    pub fn weighed_bytes(&self) -> u64 {
        self.answers.run_pending_tasks();
        self.answers.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::access::Identity;

    fn scope(repository: &str, identity: Identity) -> ContentScope {
        ContentScope {
            registry: "r.example".into(),
            repository: repository.into(),
            identity,
        }
    }

    fn key(repository: &str, query: &str) -> AnswerKey {
        AnswerKey::new(scope(repository, Identity::Anonymous), "/api/image", query)
    }

    #[test]
    fn the_key_is_the_question_not_its_spelling_or_the_revision_parameter() {
        let a = key(
            "app",
            "ref=r.example%2Fapp%40sha256%3Aab&platform=sha256%3Acd&rev=1",
        );
        let b = key(
            "app",
            "platform=sha256:cd&rev=7&ref=r.example/app@sha256:ab",
        );
        assert_eq!(a, b);
        assert_ne!(a, key("app", "ref=r.example/app@sha256:ab"));
        assert_ne!(a.query, "");
    }

    #[test]
    fn an_answer_is_served_within_its_scope_and_only_while_proven() {
        let cache = AnswerCache::default();
        let query = "ref=r.example/app@sha256:ab";
        cache.keep(key("app", query), Bytes::from_static(b"{}"));
        let proven = |_: &ContentScope| true;
        assert_eq!(
            cache.get(&key("app", query), proven).as_deref(),
            Some(&b"{}"[..])
        );
        assert_eq!(cache.get(&key("app", query), |_| false), None);
        assert_eq!(cache.get(&key("other", query), proven), None);
        let someone = Identity::Credentials("f1".into());
        let theirs = AnswerKey::new(scope("app", someone), "/api/image", query);
        assert_eq!(cache.get(&theirs, proven), None);
        let layer = AnswerKey::new(scope("app", Identity::Anonymous), "/api/layer", query);
        assert_eq!(cache.get(&layer, proven), None);
    }

    #[test]
    fn answers_are_bounded_by_bytes_and_large_ones_are_not_kept() {
        let cache = AnswerCache::with_capacity(64 * 1024);
        let body = Bytes::from(vec![b' '; 1024]);
        for i in 0..500 {
            cache.keep(key("app", &format!("ref=x{i}")), body.clone());
        }
        assert!(
            cache.weighed_bytes() <= 64 * 1024,
            "{}",
            cache.weighed_bytes()
        );
        let large = AnswerCache::default();
        let big = Bytes::from(vec![b' '; MAX_KEPT_ANSWER_BYTES + 1]);
        large.keep(key("app", "ref=big"), big);
        assert_eq!(large.get(&key("app", "ref=big"), |_| true), None);
    }
}
