//! Docker registry bearer tokens: RS256 JWTs carrying the claims distribution 2.8.2 checks.
//!
//! Hand-rolled (three base64url parts and one signature) rather than a JWT crate: the only
//! thing that matters is the exact shape distribution accepts — `kid` = libtrust key id,
//! `aud` a string (an array is "malformed"), `exp` required, `access` listing grants.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::json;

use crate::signing_key::SigningKey;

/// distribution allows 60 s of clock skew on `exp`/`nbf`; an "expired" token is older than that.
pub const EXPIRED_BY_SECS: u64 = 120;

/// One grant in a token's `access` claim, e.g. `repository` `library/alpine` `["pull"]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Access {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub actions: Vec<String>,
}

impl Access {
    pub fn repository(name: &str, actions: &[&str]) -> Self {
        Self {
            kind: "repository".into(),
            name: name.into(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// Whether a minted token is currently valid or already expired (to exercise re-auth).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Validity {
    For(u64),
    Expired,
}

/// Signs tokens for one issuer/service pair.
#[derive(Clone)]
pub(crate) struct Minter {
    key: Arc<SigningKey>,
    pub(crate) issuer: String,
    pub(crate) service: String,
}

impl Minter {
    pub(crate) fn new(issuer: &str, service: &str) -> Self {
        Self {
            key: SigningKey::shared(),
            issuer: issuer.into(),
            service: service.into(),
        }
    }

    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }

    pub(crate) fn mint(&self, subject: &str, access: &[Access], validity: Validity) -> String {
        static JTI: AtomicU64 = AtomicU64::new(0);
        let now = unix_now();
        let (iat, exp) = match validity {
            Validity::For(secs) => (now, now + secs),
            Validity::Expired => (now - 2 * EXPIRED_BY_SECS, now - EXPIRED_BY_SECS),
        };
        let header = json!({ "typ": "JWT", "alg": "RS256", "kid": self.key.key_id() });
        let claims = json!({
            "iss": self.issuer,
            "sub": subject,
            "aud": self.service,
            "exp": exp,
            "nbf": iat,
            "iat": iat,
            "jti": format!("testkit-{now}-{}", JTI.fetch_add(1, Ordering::Relaxed)),
            "access": access,
        });
        let signing_input = format!("{}.{}", b64_json(&header), b64_json(&claims));
        let signature = self.key.sign_rs256(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn b64_json(value: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON serialises"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims_of(token: &str) -> serde_json::Value {
        let part = token.split('.').nth(1).expect("three parts");
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
    }

    #[test]
    fn token_carries_string_audience_and_access() {
        let minter = Minter::new("issuer-x", "service-y");
        let token = minter.mint(
            "alice",
            &[Access::repository("a/b", &["pull"])],
            Validity::For(300),
        );
        assert_eq!(token.split('.').count(), 3);
        let claims = claims_of(&token);
        assert_eq!(claims["aud"], "service-y");
        assert_eq!(claims["iss"], "issuer-x");
        assert_eq!(claims["access"][0]["type"], "repository");
        assert_eq!(claims["access"][0]["actions"], json!(["pull"]));
    }

    #[test]
    fn expired_token_is_past_the_leeway() {
        let token = Minter::new("i", "s").mint("", &[], Validity::Expired);
        let exp = claims_of(&token)["exp"].as_u64().expect("exp");
        assert!(exp + 60 < unix_now());
    }
}
