//! Docker Hub's pull rate limit: `ratelimit-limit: 100;w=21600` on manifest GET and HEAD
//! answers, only GETs of image manifests counting (a multi-platform pull costs one per
//! platform manifest), 429 TOOMANYREQUESTS once nothing remains.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue};

/// Six hours: the `w=` of every limit header.
pub const WINDOW_SECS: u64 = 21_600;
pub const ANONYMOUS_LIMIT: u64 = 100;
/// A free account's limit.
pub const SIGNED_IN_LIMIT: u64 = 200;

/// Who pulls: an address (anonymous) or an account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Puller {
    Anonymous { ip: String },
    User { name: String, id: String },
}

impl Puller {
    pub fn source(&self) -> &str {
        match self {
            Puller::Anonymous { ip } => ip,
            Puller::User { id, .. } => id,
        }
    }

    fn limit(&self) -> u64 {
        match self {
            Puller::Anonymous { .. } => ANONYMOUS_LIMIT,
            Puller::User { .. } => SIGNED_IN_LIMIT,
        }
    }

    /// The 429 body, in the wording Docker Hub uses for each.
    pub fn too_many_requests_body(&self) -> String {
        let message = match self {
            Puller::Anonymous { .. } => "You have reached your unauthenticated pull rate limit. \
                 https://www.docker.com/increase-rate-limit"
                .to_owned(),
            Puller::User { name, .. } => format!(
                "You have reached your pull rate limit as '{name}': {}. You may increase the \
                 limit by upgrading. https://www.docker.com/increase-rate-limit",
                self.source()
            ),
        };
        serde_json::json!({ "errors": [{ "code": "TOOMANYREQUESTS", "message": message }] })
            .to_string()
    }
}

/// Remaining pulls per bucket. A bucket is the puller; for a repository listed as exhausted
/// it is the puller *and* that repository, empty from the start (the fixture for "a repository
/// over its rate limit" while the rest of the world still pulls).
#[derive(Debug, Default)]
pub struct PullLimits {
    remaining: HashMap<(Puller, Option<String>), u64>,
    pub exhausted_repos: Vec<String>,
    /// No headers at all (a paid plan): pulls are unlimited.
    pub unlimited: bool,
    /// Whether a GET of a manifest list / index counts too (Docker documents "up to two GET
    /// requests" per pull; counting only platform manifests is the default).
    pub count_index_gets: bool,
}

/// What one manifest request is allowed: the headers to send, or 429.
pub struct Decision {
    pub allowed: bool,
    pub headers: HeaderMap,
}

impl PullLimits {
    pub fn new(exhausted_repos: Vec<String>, count_index_gets: bool) -> Self {
        Self {
            exhausted_repos,
            count_index_gets,
            ..Self::default()
        }
    }

    fn key(&self, puller: &Puller, repo: &str) -> (Puller, Option<String>) {
        let repo = self
            .exhausted_repos
            .iter()
            .any(|r| r == repo)
            .then(|| repo.to_owned());
        (puller.clone(), repo)
    }

    /// Sets how many pulls `puller` has left outside the exhausted repositories.
    pub fn set_remaining(&mut self, puller: &Puller, remaining: u64) {
        self.remaining.insert((puller.clone(), None), remaining);
    }

    /// Accounts one manifest request: `counts` for a GET of something that is pulled.
    pub fn request(&mut self, puller: &Puller, repo: &str, counts: bool) -> Decision {
        let mut headers = HeaderMap::new();
        if self.unlimited {
            return Decision {
                allowed: true,
                headers,
            };
        }
        let key = self.key(puller, repo);
        let initial = if key.1.is_some() { 0 } else { puller.limit() };
        let remaining = self.remaining.entry(key).or_insert(initial);
        let allowed = !counts || *remaining > 0;
        if counts && allowed {
            *remaining -= 1;
        }
        let limit = puller.limit();
        let value = |s: String| HeaderValue::from_str(&s).expect("ASCII header");
        headers.insert("ratelimit-limit", value(format!("{limit};w={WINDOW_SECS}")));
        headers.insert(
            "ratelimit-remaining",
            value(format!("{remaining};w={WINDOW_SECS}")),
        );
        headers.insert("docker-ratelimit-source", value(puller.source().to_owned()));
        Decision { allowed, headers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anonymous() -> Puller {
        Puller::Anonymous {
            ip: "127.0.0.1".into(),
        }
    }

    #[test]
    fn only_counted_requests_decrement_and_zero_refuses() {
        let mut limits = PullLimits::default();
        let puller = anonymous();
        let head = limits.request(&puller, "library/alpine", false);
        assert_eq!(head.headers["ratelimit-remaining"], "100;w=21600");
        let get = limits.request(&puller, "library/alpine", true);
        assert_eq!(get.headers["ratelimit-remaining"], "99;w=21600");
        assert_eq!(get.headers["ratelimit-limit"], "100;w=21600");
        limits.set_remaining(&puller, 0);
        assert!(!limits.request(&puller, "library/alpine", true).allowed);
        assert!(limits.request(&puller, "library/alpine", false).allowed);
    }

    #[test]
    fn an_exhausted_repository_refuses_while_others_pull() {
        let mut limits = PullLimits {
            exhausted_repos: vec!["ns/throttled".into()],
            ..PullLimits::default()
        };
        let puller = anonymous();
        let refused = limits.request(&puller, "ns/throttled", true);
        assert!(!refused.allowed);
        assert_eq!(refused.headers["ratelimit-remaining"], "0;w=21600");
        assert!(limits.request(&puller, "ns/other", true).allowed);
    }

    #[test]
    fn signed_in_wording_names_the_account() {
        let user = Puller::User {
            name: "bob".into(),
            id: "uuid-1".into(),
        };
        let body = user.too_many_requests_body();
        assert!(body.contains("as 'bob'"), "{body}");
        assert!(
            anonymous()
                .too_many_requests_body()
                .contains("unauthenticated pull rate limit")
        );
    }
}
