//! Registry credentials: from the browser (one header per call) or, in local mode, from a
//! Docker `config.json` (`auths`, `credHelpers`, `credsStore`), the way regctl and crane do.
//!
//! Hand-written rather than using `docker_credential`: that crate reads only
//! `$DOCKER_CONFIG`/`~/.docker`, and Lading takes the directory as a flag.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use lading_shared::api::BasicCredentials;
use lading_shared::reference::{DOCKER_HUB, normalize_registry_host};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::error::ProxyError;

/// How long a credential helper may take.
const HELPER_TIMEOUT: Duration = Duration::from_secs(10);
/// Docker Hub's key in config.json (the v1 index URL, for historical reasons).
const DOCKER_HUB_CONFIG_KEY: &str = "https://index.docker.io/v1/";

/// A secret string whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<secret>")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Password {
        username: String,
        password: Secret,
    },
    /// An OAuth2 refresh token (`identitytoken` in config.json).
    IdentityToken {
        token: Secret,
    },
}

impl Credentials {
    /// Parses the browser's `base64(username:password)` header value (the shared codec).
    pub fn from_header(value: &[u8]) -> Result<Credentials, ProxyError> {
        let text = std::str::from_utf8(value).map_err(|_| {
            ProxyError::BadRequest("the credentials header is not base64(username:password)".into())
        })?;
        let basic = BasicCredentials::decode(text).map_err(|e| {
            ProxyError::BadRequest(format!(
                "the credentials header is not base64(username:password): {e}"
            ))
        })?;
        Ok(Credentials::Password {
            username: basic.username,
            password: Secret::new(basic.password),
        })
    }

    pub fn username(&self) -> Option<&str> {
        match self {
            Credentials::Password { username, .. } => Some(username),
            Credentials::IdentityToken { .. } => None,
        }
    }

    /// A salted hash that keys token caches, so two clients with different credentials never
    /// share a token and the cache holds nothing that reveals the credentials.
    pub fn fingerprint(&self, salt: &[u8]) -> String {
        let mut hash = Sha256::new();
        hash.update(salt);
        match self {
            Credentials::Password { username, password } => {
                // Length-prefixed: with a separator alone, ("a\0b", "c") and ("a", "b\0c")
                // would be one identity (both fields may hold NUL).
                hash.update(b"password\0");
                for field in [username.as_bytes(), password.expose().as_bytes()] {
                    hash.update((field.len() as u64).to_be_bytes());
                    hash.update(field);
                }
            }
            Credentials::IdentityToken { token } => {
                hash.update(b"identity\0");
                hash.update(token.expose().as_bytes());
            }
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A Docker config directory given with `--docker-config`.
#[derive(Debug, Clone)]
pub struct DockerConfig {
    dir: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigFile {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
    #[serde(default)]
    creds_store: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperAnswer {
    username: String,
    secret: String,
}

impl DockerConfig {
    pub fn new(dir: PathBuf) -> DockerConfig {
        DockerConfig { dir }
    }

    /// Credentials for `registry` (normalised name, e.g. `docker.io`), read afresh each call
    /// so `docker login` takes effect without a restart. Errors mean "no credentials".
    pub async fn lookup(&self, registry: &str) -> Option<Credentials> {
        let text = tokio::fs::read(self.dir.join("config.json")).await.ok()?;
        let file: ConfigFile = serde_json::from_slice(&text).ok()?;
        if let Some(helper) = file
            .cred_helpers
            .get(registry)
            .or(file.creds_store.as_ref())
            && let Some(found) = run_helper(helper, registry).await
        {
            return Some(found);
        }
        let entry = file
            .auths
            .iter()
            .find(|(key, _)| config_key_host(key) == registry)
            .map(|(_, entry)| entry)?;
        entry_credentials(entry)
    }
}

/// `https://index.docker.io/v1/` → `docker.io`; `https://r.example:5000/v2/` → `r.example:5000`.
fn config_key_host(key: &str) -> String {
    let host = key.split_once("://").map_or(key, |(_, rest)| rest);
    let host = host
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    normalize_registry_host(&host).to_string()
}

fn entry_credentials(entry: &AuthEntry) -> Option<Credentials> {
    if let Some(token) = entry.identitytoken.as_ref().filter(|t| !t.is_empty()) {
        return Some(Credentials::IdentityToken {
            token: Secret::new(token.clone()),
        });
    }
    if let Some(auth) = entry.auth.as_ref().filter(|a| !a.is_empty()) {
        return Credentials::from_header(auth.as_bytes()).ok();
    }
    Some(Credentials::Password {
        username: entry.username.clone()?,
        password: Secret::new(entry.password.clone()?),
    })
}

async fn run_helper(helper: &str, registry: &str) -> Option<Credentials> {
    use tokio::io::AsyncWriteExt;
    // Helper names come from the operator's own config file, never from a request.
    if !helper
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let server = if registry == DOCKER_HUB {
        DOCKER_HUB_CONFIG_KEY
    } else {
        registry
    };
    let mut child = tokio::process::Command::new(format!("docker-credential-{helper}"))
        .arg("get")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    stdin.write_all(server.as_bytes()).await.ok()?;
    drop(stdin);
    let output = tokio::time::timeout(HELPER_TIMEOUT, child.wait_with_output())
        .await
        .ok()?
        .ok()?;
    let answer: HelperAnswer = serde_json::from_slice(&output.stdout).ok()?;
    Some(if answer.username == "<token>" {
        Credentials::IdentityToken {
            token: Secret::new(answer.secret),
        }
    } else {
        Credentials::Password {
            username: answer.username,
            password: Secret::new(answer.secret),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_auths_by_normalised_key() {
        let dir = std::env::temp_dir().join(format!("lading-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNz"},
            "r.example:5000":{"username":"u","password":"p"},
            "https://t.example/v2/":{"identitytoken":"refresh"}}}"#;
        std::fs::write(dir.join("config.json"), config).unwrap();
        let docker = DockerConfig::new(dir.clone());
        let hub = docker.lookup("docker.io").await.unwrap();
        assert_eq!(hub.username(), Some("user"));
        assert_eq!(
            docker.lookup("r.example:5000").await.unwrap().username(),
            Some("u")
        );
        assert!(matches!(
            docker.lookup("t.example").await,
            Some(Credentials::IdentityToken { .. })
        ));
        assert!(docker.lookup("other.example").await.is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn config_keys_name_hosts_as_references_do() {
        let cases = [
            ("https://index.docker.io/v1/", "docker.io"),
            ("registry-1.docker.io", "docker.io"),
            ("INDEX.DOCKER.IO", "docker.io"),
            ("docker.io", "docker.io"),
            ("https://r.example:5000/v2/", "r.example:5000"),
            ("ghcr.io", "ghcr.io"),
        ];
        for (key, want) in cases {
            assert_eq!(config_key_host(key), want, "{key}");
        }
    }

    #[test]
    fn fingerprints_differ_by_credentials_and_salt_and_hide_secrets() {
        let a = Credentials::from_header(BasicCredentials::new("u", "one").encode().as_bytes())
            .unwrap();
        let b = Credentials::from_header(BasicCredentials::new("u", "two").encode().as_bytes())
            .unwrap();
        assert_ne!(a.fingerprint(b"s"), b.fingerprint(b"s"));
        assert_ne!(a.fingerprint(b"s"), a.fingerprint(b"t"));
        assert!(!format!("{a:?}").contains("one"));
        assert!(Credentials::from_header(b"not base64!").is_err());
    }

    #[test]
    fn fingerprints_keep_fields_apart() {
        let a = Credentials::from_header(BasicCredentials::new("a\0b", "c").encode().as_bytes())
            .unwrap();
        let b = Credentials::from_header(BasicCredentials::new("a", "b\0c").encode().as_bytes())
            .unwrap();
        assert_ne!(a.fingerprint(b"s"), b.fingerprint(b"s"));
    }
}
