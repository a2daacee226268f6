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
/// Upper bound on the cached tokens' bytes (key and token): a hostile token server may
/// answer 1 MiB tokens for as many scopes as it likes.
pub const MAX_CACHED_TOKEN_BYTES: u64 = 16 * 1024 * 1024;
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

/// The token endpoint's answer. Some servers send `access_token` instead of `token` (ACR),
/// some only `token` with no expiry at all (GHCR, GitLab, public.ecr.aws); Docker Hub sends
/// both, the same token. `issued_at` is read past on purpose: the lifetime counts from when
/// the token arrived here, so a token server whose clock is behind cannot make every token
/// look expired on arrival (nor one ahead make them outlive their real expiry by much, given
/// the refresh margin).
#[derive(Debug, Deserialize)]
struct TokenBody {
    #[serde(default)]
    token: Option<serde_json::Value>,
    #[serde(default)]
    access_token: Option<serde_json::Value>,
    /// Seconds; a number, a float or a numeric string have all been seen.
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// Parses a token response body.
pub fn parse_token_body(body: &[u8]) -> Option<Token> {
    let parsed: TokenBody = serde_json::from_slice(body).ok()?;
    let value = [parsed.token, parsed.access_token]
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .find(|t| !t.is_empty())?;
    let lifetime = parsed
        .expires_in
        .as_ref()
        .and_then(seconds)
        .map(Duration::from_secs)
        .unwrap_or(MIN_TOKEN_LIFETIME)
        .max(MIN_TOKEN_LIFETIME);
    Some(Token {
        value: Secret::new(value),
        keep_for: lifetime.saturating_sub(REFRESH_MARGIN),
    })
}

/// Whole seconds from `300`, `300.5` or `"300"`; negative or junk is none.
fn seconds(value: &serde_json::Value) -> Option<u64> {
    let number = match value {
        serde_json::Value::String(text) => text.trim().parse::<f64>().ok()?,
        other => other.as_f64()?,
    };
    (number.is_finite() && number >= 0.0).then(|| number.min(u64::MAX as f64) as u64)
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
                .weigher(|key: &TokenKey, token: &Arc<Token>| token_weight(key, token))
                .max_capacity(MAX_CACHED_TOKEN_BYTES)
                .expire_after(TokenExpiry)
                .build(),
        }
    }
}

/// A cached token's bytes, at least enough that `MAX_CACHED_TOKENS` small ones fill the
/// cache (the entry bound the cache had before it was weighed).
fn token_weight(key: &TokenKey, token: &Token) -> u32 {
    let key_bytes = key.realm.len()
        + key.service.as_ref().map_or(0, String::len)
        + key.scopes.iter().map(String::len).sum::<usize>()
        + key.identity.len();
    let floor = MAX_CACHED_TOKEN_BYTES.div_ceil(MAX_CACHED_TOKENS) as usize;
    (key_bytes + token.value.expose().len())
        .max(floor)
        .try_into()
        .unwrap_or(u32::MAX)
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

    /// Each vendor's token answer, as REGISTRIES.md records it.
    #[test]
    fn reads_every_vendors_token_answer() {
        let floor = MIN_TOKEN_LIFETIME - REFRESH_MARGIN;
        let cases: [(&[u8], &str, Duration); 8] = [
            // Docker Hub: both fields, the same token, and an `issued_at` read past.
            (
                br#"{"token":"hub","access_token":"hub","expires_in":300,"issued_at":"2022-11-01T06:11:20.10593176Z"}"#,
                "hub",
                Duration::from_secs(290),
            ),
            // GHCR, GitLab, public.ecr.aws: `token` alone, no expiry (60 s by the spec).
            (br#"{"token":"djE6Z2hjcg=="}"#, "djE6Z2hjcg==", floor),
            // ACR: `access_token` alone (a refresh token beside it is not ours to keep).
            (br#"{"access_token":"acr","refresh_token":"r"}"#, "acr", floor),
            // Harbor: an old `issued_at` does not shorten the life counted from now.
            (
                br#"{"token":"harbor","expires_in":1800,"issued_at":"2001-01-01T00:00:00Z"}"#,
                "harbor",
                Duration::from_secs(1790),
            ),
            // gcr.io: 12 hours.
            (br#"{"token":"g","expires_in":43200}"#, "g", Duration::from_secs(43190)),
            // Below 60 s counts as 60 s.
            (br#"{"token":"short","expires_in":30}"#, "short", floor),
            (br#"{"token":"f","expires_in":300.9}"#, "f", Duration::from_secs(290)),
            (br#"{"token":"s","expires_in":"120"}"#, "s", Duration::from_secs(110)),
        ];
        for (body, token, keep_for) in cases {
            let t = parse_token_body(body)
                .unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(body)));
            assert_eq!((t.value.expose(), t.keep_for), (token, keep_for));
        }
        assert!(parse_token_body(br#"{"token":null,"access_token":42}"#).is_none());
    }

    /// GitLab's service is the literal `container_registry`, public.ecr.aws's scope the
    /// literal `aws`: both are sent as the challenge gave them, never replaced by the host.
    #[test]
    fn token_url_sends_the_challenges_own_service_and_scopes() {
        let realm = Url::parse("https://gitlab.com/jwt/auth").unwrap();
        let scopes = vec!["repository:group/project:pull".to_string()];
        let url = token_url(&realm, Some("container_registry"), &scopes, None);
        assert_eq!(
            url.as_str(),
            "https://gitlab.com/jwt/auth?service=container_registry&scope=repository%3Agroup%2Fproject%3Apull"
        );
        let realm = Url::parse("https://public.ecr.aws/token/").unwrap();
        let scopes = vec![
            "repository:docker/library/alpine:pull".to_string(),
            "aws".to_string(),
        ];
        let url = token_url(&realm, Some("public.ecr.aws"), &scopes, None);
        assert_eq!(
            url.as_str(),
            "https://public.ecr.aws/token/?service=public.ecr.aws&scope=repository%3Adocker%2Flibrary%2Falpine%3Apull&scope=aws"
        );
        // Artifact Registry sends no service: none is invented.
        let realm = Url::parse("https://us-docker.pkg.dev/v2/token").unwrap();
        let url = token_url(&realm, None, &scopes[..1], None);
        assert!(!url.as_str().contains("service="), "{url}");
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
    async fn token_cache_is_bounded_by_bytes() {
        let cache = TokenCache::default();
        let big = "t".repeat(1024 * 1024);
        for i in 0..64 {
            let key = TokenKey {
                realm: "https://auth.example/token".into(),
                service: None,
                scopes: vec![format!("repository:r{i}:pull")],
                identity: "anonymous".into(),
            };
            let token = Token {
                value: Secret::new(big.clone()),
                keep_for: Duration::from_secs(300),
            };
            cache.insert(key, token).await;
        }
        cache.cache.run_pending_tasks().await;
        let weight = cache.cache.weighted_size();
        assert!(weight <= MAX_CACHED_TOKEN_BYTES, "{weight}");
        assert!(cache.cache.entry_count() < 64);
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
