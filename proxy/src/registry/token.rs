//! Bearer token exchange and the token cache.
//!
//! Tokens are cached by (realm, service, scopes, credential fingerprint): two people with
//! different credentials never share one, and an anonymous token never answers for a
//! signed-in person.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use serde::Deserialize;
use url::Url;

use super::credentials::{Credentials, Secret};

/// The spec's default when `expires_in` is absent, and the floor for smaller values.
pub const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// Tokens are dropped this long before they expire, so none expires in flight.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(10);
/// Upper bound on cached tokens.
pub const MAX_CACHED_TOKENS: u64 = 10_000;
/// Token responses are small JSON documents.
pub const MAX_TOKEN_BODY: usize = 1024 * 1024;

/// What a token is for: one realm/service and a sorted set of scopes, for one identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    pub realm: String,
    pub service: Option<String>,
    pub scopes: Vec<String>,
    /// `anonymous` or a credential fingerprint.
    pub identity: String,
}

#[derive(Clone)]
pub struct Token {
    pub value: Secret,
    /// How long to keep it: `expires_in` (at least 60 s) minus the refresh margin.
    pub keep_for: Duration,
}

/// The token endpoint's answer. Some servers send `access_token` instead of `token`.
#[derive(Debug, Deserialize)]
struct TokenBody {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// Parses a token response body.
pub fn parse_token_body(body: &[u8]) -> Option<Token> {
    let parsed: TokenBody = serde_json::from_slice(body).ok()?;
    let value = [parsed.token, parsed.access_token]
        .into_iter()
        .flatten()
        .find(|t| !t.is_empty())?;
    let lifetime = parsed
        .expires_in
        .and_then(|s| u64::try_from(s).ok())
        .map(Duration::from_secs)
        .unwrap_or(MIN_TOKEN_LIFETIME)
        .max(MIN_TOKEN_LIFETIME);
    Some(Token {
        value: Secret::new(value),
        keep_for: lifetime.saturating_sub(REFRESH_MARGIN),
    })
}

/// The token request URL: `realm?service=…&scope=…&scope=…[&account=…]`. The scope the
/// caller needs comes first: some servers read only the first.
pub fn token_url(
    realm: &Url,
    service: Option<&str>,
    scopes: &[String],
    creds: Option<&Credentials>,
) -> Url {
    let mut url = realm.clone();
    {
        let mut query = url.query_pairs_mut();
        if let Some(service) = service {
            query.append_pair("service", service);
        }
        for scope in scopes {
            query.append_pair("scope", scope);
        }
        if let Some(user) = creds.and_then(Credentials::username) {
            query.append_pair("account", user);
        }
    }
    url
}

struct TokenExpiry;

impl Expiry<TokenKey, Arc<Token>> for TokenExpiry {
    fn expire_after_create(
        &self,
        _: &TokenKey,
        token: &Arc<Token>,
        _: Instant,
    ) -> Option<Duration> {
        Some(token.keep_for)
    }
}

#[derive(Clone)]
pub struct TokenCache {
    cache: moka::future::Cache<TokenKey, Arc<Token>>,
}

impl Default for TokenCache {
    fn default() -> Self {
        TokenCache {
            cache: moka::future::Cache::builder()
                .max_capacity(MAX_CACHED_TOKENS)
                .expire_after(TokenExpiry)
                .build(),
        }
    }
}

impl TokenCache {
    pub async fn get(&self, key: &TokenKey) -> Option<Arc<Token>> {
        self.cache.get(key).await
    }

    pub async fn insert(&self, key: TokenKey, token: Token) {
        self.cache.insert(key, Arc::new(token)).await;
    }

    pub async fn invalidate(&self, key: &TokenKey) {
        self.cache.invalidate(key).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_token_or_access_token_and_floors_lifetime() {
        let t = parse_token_body(br#"{"token":"a","expires_in":300}"#).unwrap();
        assert_eq!(t.value.expose(), "a");
        assert_eq!(t.keep_for, Duration::from_secs(290));
        let t = parse_token_body(br#"{"access_token":"b","expires_in":5}"#).unwrap();
        assert_eq!(t.value.expose(), "b");
        assert_eq!(t.keep_for, Duration::from_secs(50));
        let t = parse_token_body(br#"{"token":"","access_token":"c"}"#).unwrap();
        assert_eq!(t.value.expose(), "c");
        assert_eq!(t.keep_for, MIN_TOKEN_LIFETIME - REFRESH_MARGIN);
        assert!(parse_token_body(br#"{"expires_in":300}"#).is_none());
        assert!(parse_token_body(b"<html>").is_none());
        let t = parse_token_body(br#"{"token":"x","expires_in":-5}"#).unwrap();
        assert_eq!(t.keep_for, MIN_TOKEN_LIFETIME - REFRESH_MARGIN);
    }

    #[test]
    fn token_url_puts_needed_scope_first_and_names_the_account() {
        let realm = Url::parse("https://auth.example/token?x=1").unwrap();
        let creds = Credentials::Password {
            username: "me".into(),
            password: Secret::new("pw".into()),
        };
        let scopes = vec![
            "repository:a/b:pull".to_string(),
            "repository:c:pull".to_string(),
        ];
        let url = token_url(&realm, Some("reg"), &scopes, Some(&creds));
        assert_eq!(
            url.as_str(),
            "https://auth.example/token?x=1&service=reg&scope=repository%3Aa%2Fb%3Apull&scope=repository%3Ac%3Apull&account=me"
        );
        assert!(!url.as_str().contains("pw"));
    }

    #[tokio::test]
    async fn token_cache_is_bounded_by_entries() {
        let cache = TokenCache::default();
        for i in 0..MAX_CACHED_TOKENS + 500 {
            let key = TokenKey {
                realm: "https://auth.example/token".into(),
                service: None,
                scopes: vec![format!("repository:r{i}:pull")],
                identity: "anonymous".into(),
            };
            let token = Token {
                value: Secret::new("t".into()),
                keep_for: Duration::from_secs(300),
            };
            cache.insert(key, token).await;
        }
        cache.cache.run_pending_tasks().await;
        let count = cache.cache.entry_count();
        assert!(count <= MAX_CACHED_TOKENS, "{count}");
    }

    #[tokio::test]
    async fn cache_keys_separate_identities() {
        let cache = TokenCache::default();
        let key = |identity: &str| TokenKey {
            realm: "r".into(),
            service: None,
            scopes: vec!["s".into()],
            identity: identity.into(),
        };
        let token = Token {
            value: Secret::new("t".into()),
            keep_for: Duration::from_secs(60),
        };
        cache.insert(key("alice"), token).await;
        assert!(cache.get(&key("alice")).await.is_some());
        assert!(cache.get(&key("bob")).await.is_none());
        assert!(cache.get(&key("anonymous")).await.is_none());
    }
}
