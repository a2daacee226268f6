//! A Docker token service (the `auth.token` realm) for distribution 2.8.2, on loopback.
//!
//! Real token servers never say "no" to a scope: they issue a token with fewer (or no)
//! actions, and the registry then answers DENIED/UNAUTHORIZED. This one does the same; only
//! wrong Basic credentials get a 401. It records each request (scopes, account, whether Basic
//! was sent — never the password) so tests can assert how the client asked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use tempfile::TempDir;

use crate::jwt::{Access, Minter, Validity, unix_now};
use crate::server::BackgroundServer;

/// `service` a token registry is configured with (and the JWT `aud`).
pub const SERVICE: &str = "lading-test-registry";
/// `iss` of every token.
pub const ISSUER: &str = "lading-testkit-token-server";
/// Default `expires_in`.
pub const DEFAULT_EXPIRES_IN: u64 = 300;
/// Lifetime of tokens minted directly (for pushing).
const MINT_LIFETIME: u64 = 600;

/// Who may do what. Anonymous users may pull every repository not in `private_repos`; a user
/// with valid credentials may pull, push and delete anywhere.
#[derive(Clone, Debug)]
pub struct TokenPolicy {
    pub users: BTreeMap<String, String>,
    pub private_repos: BTreeSet<String>,
    /// Grant `registry:catalog:*` to anonymous users too (users always get it).
    pub anonymous_catalog: bool,
    /// `expires_in` of the response.
    pub expires_in: u64,
    /// Issue JWTs whose `exp` is already past (by more than the 60 s leeway) while still
    /// answering a normal `expires_in`: exercises re-authentication.
    pub issue_expired: bool,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        Self {
            users: BTreeMap::new(),
            private_repos: BTreeSet::new(),
            anonymous_catalog: false,
            expires_in: DEFAULT_EXPIRES_IN,
            issue_expired: false,
        }
    }
}

impl TokenPolicy {
    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.users.insert(name.into(), password.into());
        self
    }

    pub fn private_repo(mut self, name: &str) -> Self {
        self.private_repos.insert(name.into());
        self
    }
}

/// What one `GET /token` asked for and got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    pub service: Option<String>,
    /// Every `scope=` value, in order.
    pub scopes: Vec<String>,
    pub account: Option<String>,
    /// An `Authorization: Basic` header was sent (valid or not).
    pub basic_presented: bool,
    /// The user the credentials proved, if they were valid.
    pub authenticated_as: Option<String>,
    /// The grants put in the token (empty when rejected with 401).
    pub granted: Vec<Access>,
    pub status: u16,
}

struct Shared {
    minter: Minter,
    policy: Mutex<TokenPolicy>,
    requests: Mutex<Vec<TokenRequest>>,
}

pub struct TokenServer {
    shared: Arc<Shared>,
    server: BackgroundServer,
    cert_path: PathBuf,
    _dir: TempDir,
}

impl TokenServer {
    pub fn start(policy: TokenPolicy) -> Self {
        let minter = Minter::new(ISSUER, SERVICE);
        let dir = tempfile::tempdir().expect("temp dir for the token server");
        let cert_path = dir.path().join("token-signer.pem");
        std::fs::write(&cert_path, minter.key().cert_pem()).expect("write signing cert");
        let shared = Arc::new(Shared {
            minter,
            policy: Mutex::new(policy),
            requests: Mutex::new(Vec::new()),
        });
        let router = Router::new()
            .route("/token", get(issue_token))
            .with_state(shared.clone());
        let server = BackgroundServer::start("token-server", router);
        Self {
            shared,
            server,
            cert_path,
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:PORT/token`: the `realm` registries point clients at.
    pub fn realm(&self) -> String {
        format!("http://{}/token", self.server.addr())
    }

    pub fn service(&self) -> &str {
        &self.shared.minter.service
    }

    pub fn issuer(&self) -> &str {
        &self.shared.minter.issuer
    }

    /// PEM file of the signing certificate (for `rootcertbundle`).
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// The JWT header `kid`: libtrust key id of the signing key.
    pub fn key_id(&self) -> &str {
        self.shared.minter.key().key_id()
    }

    /// A valid token for `access`, signed directly (no request recorded): how the harness pushes.
    pub fn mint(&self, access: &[Access]) -> String {
        self.shared
            .minter
            .mint("testkit", access, Validity::For(MINT_LIFETIME))
    }

    pub(crate) fn minter(&self) -> Minter {
        self.shared.minter.clone()
    }

    pub fn set_issue_expired(&self, expired: bool) {
        self.policy().issue_expired = expired;
    }

    pub fn set_expires_in(&self, secs: u64) {
        self.policy().expires_in = secs;
    }

    /// Changes the policy of a running server.
    pub fn update_policy(&self, change: impl FnOnce(&mut TokenPolicy)) {
        change(&mut self.policy());
    }

    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    pub fn last_request(&self) -> Option<TokenRequest> {
        lock(&self.shared.requests).last().cloned()
    }

    pub fn requests(&self) -> Vec<TokenRequest> {
        lock(&self.shared.requests).clone()
    }

    fn policy(&self) -> MutexGuard<'_, TokenPolicy> {
        lock(&self.shared.policy)
    }
}

async fn issue_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let mut request = parse_query(query.as_deref().unwrap_or(""));
    let basic = basic_credentials(&headers);
    request.basic_presented = basic.is_some();
    let policy = lock(&shared.policy).clone();

    if let Some((user, password)) = basic {
        if policy.users.get(&user) != Some(&password) {
            request.status = 401;
            lock(&shared.requests).push(request);
            let body =
                json!({ "errors": [{ "code": "UNAUTHORIZED", "message": "bad credentials" }] });
            return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
        }
        request.authenticated_as = Some(user);
    }

    request.granted = request
        .scopes
        .iter()
        .filter_map(|scope| grant(&policy, request.authenticated_as.is_some(), scope))
        .collect();
    let validity = if policy.issue_expired {
        Validity::Expired
    } else {
        Validity::For(policy.expires_in)
    };
    let subject = request.authenticated_as.clone().unwrap_or_default();
    let token = shared.minter.mint(&subject, &request.granted, validity);
    request.status = 200;
    lock(&shared.requests).push(request);

    let body = json!({
        "token": token,
        "access_token": token,
        "expires_in": policy.expires_in,
        "issued_at": rfc3339(unix_now()),
    });
    ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
}

fn parse_query(query: &str) -> TokenRequest {
    let mut request = TokenRequest {
        service: None,
        scopes: Vec::new(),
        account: None,
        basic_presented: false,
        authenticated_as: None,
        granted: Vec::new(),
        status: 0,
    };
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "service" => request.service = Some(value.into_owned()),
            "account" => request.account = Some(value.into_owned()),
            // One scope parameter may also hold several space-separated scopes.
            "scope" => request
                .scopes
                .extend(value.split(' ').filter(|s| !s.is_empty()).map(String::from)),
            _ => {}
        }
    }
    request
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    // Undecodable credentials count as presented-but-wrong.
    let decoded = STANDARD.decode(encoded.trim()).unwrap_or_default();
    let text = String::from_utf8(decoded).unwrap_or_default();
    let (user, password) = text.split_once(':').unwrap_or((&text, ""));
    Some((user.to_owned(), password.to_owned()))
}

/// The grant for one `type:name:actions` scope; `None` for a malformed scope.
fn grant(policy: &TokenPolicy, authenticated: bool, scope: &str) -> Option<Access> {
    let (kind, rest) = scope.split_once(':')?;
    let (name, actions) = rest.rsplit_once(':')?;
    let allowed: &[&str] = match kind {
        "repository" if authenticated => &["pull", "push", "delete"],
        "repository" if !policy.private_repos.contains(name) => &["pull"],
        "registry" if name == "catalog" && (authenticated || policy.anonymous_catalog) => &["*"],
        _ => &[],
    };
    Some(Access {
        kind: kind.into(),
        name: name.into(),
        actions: actions
            .split(',')
            .filter(|a| allowed.contains(a))
            .map(String::from)
            .collect(),
    })
}

/// `issued_at` as RFC 3339 UTC, without pulling in a date crate.
fn rfc3339(unix: u64) -> String {
    let days = unix / 86_400;
    let secs = unix % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm), valid for dates after 1970.
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
    }

    #[test]
    fn grants_follow_policy() {
        let policy = TokenPolicy::default().private_repo("secret/app");
        let pull = |auth, scope| grant(&policy, auth, scope).expect("well-formed").actions;
        assert_eq!(pull(false, "repository:pub/app:pull,push"), ["pull"]);
        assert!(pull(false, "repository:secret/app:pull").is_empty());
        assert_eq!(
            pull(true, "repository:secret/app:pull,push"),
            ["pull", "push"]
        );
        assert!(pull(false, "registry:catalog:*").is_empty());
        assert_eq!(pull(true, "registry:catalog:*"), ["*"]);
        assert!(grant(&policy, true, "nonsense").is_none());
    }

    #[test]
    fn parses_repeated_and_space_separated_scopes() {
        let r = parse_query(
            "service=s&scope=repository%3Aa%3Apull&scope=repository:b:pull%20repository:c:push&account=bob",
        );
        assert_eq!(
            r.scopes,
            [
                "repository:a:pull",
                "repository:b:pull",
                "repository:c:push"
            ]
        );
        assert_eq!(r.account.as_deref(), Some("bob"));
        assert_eq!(r.service.as_deref(), Some("s"));
    }
}
