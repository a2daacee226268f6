//! Credentials never leak and never cross between people.
//!
//! Leaks: the real `lading` at `LADING_LOG=trace` (every crate, every level) is walked through
//! every auth flow — htpasswd Basic, token anonymous, token with credentials (Basic on the
//! token request), an identity (refresh) token and `auths` from `--docker-config`, the
//! credentials header and the posted download form, wrong credentials — and neither its
//! output nor any API answer's `trace` may hold a password, a `user:password` in base64, a
//! `Basic`/`Bearer` value or any JWT.
//!
//! Crossing: tokens are cached by credential fingerprint, so on one app a client that signs
//! in successfully leaves nothing another client (other credentials, same user with a wrong
//! password, or nobody) can use.

use std::path::Path;

use crate::support::{Lading, encode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_shared::api::CREDENTIALS_HEADER;
use lading_testkit::fixtures::{self, PushedImage};
use lading_testkit::{LadingProcess, Registry, TokenPolicy, TokenServer};
use reqwest::StatusCode;
use reqwest::header::ORIGIN;
use serde_json::Value;

const USER: &str = "reader";
/// Distinctive, so any appearance in a log is this one.
const PASSWORD: &str = "pw-3b9f0c2e-never-logged";
const WRONG_PASSWORD: &str = "pw-wrong-5d1a7e44-never-logged";
const OTHER_USER: &str = "mallory";
const OTHER_PASSWORD: &str = "pw-mallory-91c0b6f2-never-logged";
/// An identity (refresh) token from a Docker config.
const IDENTITY_TOKEN: &str = "idtok-4e8a2b71-never-logged";
const PRIVATE: &str = "team/secret";
const PUBLIC: &str = "team/public";
const TAG: &str = "v1";

fn basic(user: &str, password: &str) -> String {
    STANDARD.encode(format!("{user}:{password}"))
}

/// Every secret a flow below hands to `lading` or a registry hands back.
fn secrets() -> Vec<String> {
    let mut secrets = vec![IDENTITY_TOKEN.to_string()];
    for (user, password) in [
        (USER, PASSWORD),
        (USER, WRONG_PASSWORD),
        (OTHER_USER, OTHER_PASSWORD),
    ] {
        secrets.push(password.to_string());
        secrets.push(basic(user, password));
        // Percent-encoded, as the posted form carries it.
        secrets.push(encode(&basic(user, password)));
    }
    secrets
}

/// Fails if `text` holds a secret, a JWT, or a `Basic`/`Bearer` value that is not redacted.
fn assert_clean(text: &str, what: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} holds {secret:?}");
    }
    if let Some(jwt) = find_jwt(text) {
        panic!("{what} holds a JWT: {jwt}");
    }
    for scheme in ["Basic ", "Bearer "] {
        for (at, _) in text.match_indices(scheme) {
            let rest = &text[at + scheme.len()..];
            let redacted = rest.starts_with("<redacted") || rest.starts_with("realm=");
            let shown: String = rest.chars().take(24).collect();
            assert!(redacted, "{what}: an unredacted {scheme}value: {shown}");
        }
    }
}

/// A JWT: `eyJ…` base64url, a dot, `eyJ…` again (header and claims are JSON objects).
fn find_jwt(text: &str) -> Option<&str> {
    let url_safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").find_map(|(at, _)| {
        let rest = &text[at..];
        let header = rest.find(|c: char| !url_safe(c)).unwrap_or(rest.len());
        let claims = rest[header..].strip_prefix(".eyJ")?;
        (header > 10 && claims.chars().take(10).all(url_safe)).then_some(&rest[..header])
    })
}

/// Registries for every flow: htpasswd, and two token registries sharing one token server
/// (one reached with a password from the Docker config, one with an identity token).
struct Stand {
    htpasswd: Registry,
    tokens: TokenServer,
    token: Registry,
    token_by_identity: Registry,
    private: PushedImage,
    config_dir: tempfile::TempDir,
}

impl Stand {
    async fn start() -> Stand {
        let htpasswd = Registry::htpasswd(USER, PASSWORD);
        fixtures::push_oci_image(&htpasswd.pusher(), PRIVATE, TAG).await;
        let tokens = TokenServer::start(
            TokenPolicy::default()
                .user(USER, PASSWORD)
                .private_repo(PRIVATE),
        );
        let token = Registry::token(&tokens);
        let private = fixtures::push_oci_image(&token.pusher(), PRIVATE, TAG).await;
        fixtures::push_oci_image(&token.pusher(), PUBLIC, TAG).await;
        let token_by_identity = Registry::token(&tokens);
        fixtures::push_oci_image(&token_by_identity.pusher(), PUBLIC, TAG).await;
        let config_dir = tempfile::tempdir().unwrap();
        let config = serde_json::json!({ "auths": {
            htpasswd.host(): { "auth": basic(USER, PASSWORD) },
            format!("https://{}/v2/", token.host()): { "username": USER, "password": PASSWORD },
            token_by_identity.host(): { "identitytoken": IDENTITY_TOKEN },
        }});
        std::fs::write(config_dir.path().join("config.json"), config.to_string()).unwrap();
        Stand {
            htpasswd,
            tokens,
            token,
            token_by_identity,
            private,
            config_dir,
        }
    }

    fn lading(&self, docker_config: bool) -> LadingProcess {
        let mut args = vec!["--allow-host", "127.0.0.1"];
        let dir = self.config_dir.path().to_str().unwrap();
        if docker_config {
            args.extend(["--docker-config", dir]);
        }
        LadingProcess::spawn_with_env(
            Path::new(env!("CARGO_BIN_EXE_lading")),
            &args,
            &[("LADING_LOG", "trace"), ("RUST_BACKTRACE", "1")],
        )
    }
}

/// A client of one `lading` process that checks every answer it gets for leaks.
struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn of(lading: &LadingProcess) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: lading.base_url(),
        }
    }

    /// GET with optional credentials; the status and body (checked clean).
    async fn get(&self, path: &str, credentials: Option<(&str, &str)>) -> (StatusCode, Vec<u8>) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some((user, password)) = credentials {
            request = request.header(CREDENTIALS_HEADER, basic(user, password));
        }
        let response = request.send().await.expect("lading answers");
        let status = response.status();
        let body = response.bytes().await.expect("a whole body").to_vec();
        assert_clean(&String::from_utf8_lossy(&body), path);
        (status, body)
    }

    async fn image(&self, reference: &str, credentials: Option<(&str, &str)>) -> Value {
        let (status, body) = self
            .get(
                &format!("/api/image?ref={}", encode(reference)),
                credentials,
            )
            .await;
        let mut json: Value = serde_json::from_slice(&body).unwrap();
        assert!(json["trace"].is_array(), "{status}: {json}");
        json["status"] = status.as_u16().into();
        json
    }

    /// POSTs the download form for a blob, as the page does when signed in.
    async fn post_blob(&self, reference: &str, digest: &str, user: &str, password: &str) -> u16 {
        let credentials = basic(user, password);
        let fields = [
            ("ref", reference),
            ("digest", digest),
            ("credentials", credentials.as_str()),
        ];
        let response = self
            .http
            .post(format!("{}/api/blob", self.base))
            .header(ORIGIN, &self.base)
            .form(&fields)
            .send()
            .await
            .expect("lading answers");
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("a whole body");
        assert_clean(&String::from_utf8_lossy(&body), "/api/blob form");
        status
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_credential_or_token_reaches_the_log_or_the_trace_at_trace_level() {
    let stand = Stand::start().await;
    let lading = stand.lading(false);
    let client = Client::of(&lading);
    let on = |registry: &Registry, repo: &str| format!("{}/{repo}:{TAG}", registry.host());
    let ok = |json: &Value| assert_eq!(json["status"], 200, "{json:#}");

    // htpasswd Basic: header, tags, listing, posted form; wrong credentials.
    let reference = on(&stand.htpasswd, PRIVATE);
    ok(&client.image(&reference, Some((USER, PASSWORD))).await);
    let repo = format!("{}/{PRIVATE}", stand.htpasswd.host());
    let tags = format!("/api/tags?repo={}", encode(&repo));
    assert_eq!(client.get(&tags, Some((USER, PASSWORD))).await.0, 200);
    let wrong = client.image(&reference, Some((USER, WRONG_PASSWORD))).await;
    assert_eq!(wrong["kind"], "unauthorized", "{wrong:#}");

    // Token: anonymous, with credentials (Basic on the token request), wrong, another user.
    ok(&client.image(&on(&stand.token, PUBLIC), None).await);
    let private = on(&stand.token, PRIVATE);
    ok(&client.image(&private, Some((USER, PASSWORD))).await);
    let layer = &stand.private.layers[1].digest;
    let listing = format!("/api/layer?ref={}&digest={layer}", encode(&private));
    let (status, body) = client.get(&listing, Some((USER, PASSWORD))).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("\"verified\":true"));
    assert_eq!(client.post_blob(&private, layer, USER, PASSWORD).await, 200);
    assert_eq!(
        client
            .post_blob(&private, layer, USER, WRONG_PASSWORD)
            .await,
        401
    );
    let wrong = client.image(&private, Some((USER, WRONG_PASSWORD))).await;
    assert_eq!(wrong["kind"], "unauthorized", "{wrong:#}");
    let other = client
        .image(&private, Some((OTHER_USER, OTHER_PASSWORD)))
        .await;
    assert_eq!(other["kind"], "unauthorized", "{other:#}");
    let issued = stand.tokens.requests();
    assert!(issued.iter().any(|r| r.basic_presented && r.status == 200));

    assert_clean(&lading.output(), "lading's trace-level output");
    assert!(!lading.output().contains("panicked"));
    assert!(
        lading.output().contains("TRACE"),
        "the log really is at trace level"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_config_credentials_stay_out_of_the_log_and_the_trace() {
    let stand = Stand::start().await;
    let lading = stand.lading(true);
    let client = Client::of(&lading);

    // `auth` (base64 user:password) for htpasswd; username/password for token auth.
    let htpasswd = format!("{}/{PRIVATE}:{TAG}", stand.htpasswd.host());
    let json = client.image(&htpasswd, None).await;
    assert_eq!(json["status"], 200, "{json:#}");
    let token = format!("{}/{PRIVATE}:{TAG}", stand.token.host());
    let json = client.image(&token, None).await;
    assert_eq!(json["status"], 200, "{json:#}");

    // An identity token: the refresh-token POST (this token server only knows GET, so the
    // client falls back to an anonymous GET) must not print it either.
    let before = stand.tokens.request_count();
    let identity = format!("{}/{PUBLIC}:{TAG}", stand.token_by_identity.host());
    let json = client.image(&identity, None).await;
    assert_eq!(json["status"], 200, "{json:#}");
    let trace = json["trace"].to_string();
    assert!(
        trace.contains("refresh-token"),
        "the POST was made: {trace}"
    );
    assert!(stand.tokens.request_count() > before);

    assert_clean(&lading.output(), "lading's trace-level output");
    assert!(!lading.output().contains("panicked"));
}

/// Client A signs in and reads a private image; B (other credentials), A's user with a wrong
/// password, and an anonymous client, on the same app right after, are all refused — for
/// the manifest and for the layer whose listing A's request just cached.
#[tokio::test(flavor = "multi_thread")]
async fn two_clients_never_share_a_token() {
    let stand = Stand::start().await;
    let lading = Lading::allowing(&["127.0.0.1"]);
    let reference = format!("{}/{PRIVATE}:{TAG}", stand.token.host());
    let layer = &stand.private.layers[1].digest;
    let listing = format!("/api/layer?ref={}&digest={layer}", encode(&reference));
    let preview = format!(
        "/api/file?ref={}&digest={layer}&path=/srv/app/config.toml&preview=64",
        encode(&reference)
    );
    let others = [
        Some((OTHER_USER, OTHER_PASSWORD)),
        Some((USER, WRONG_PASSWORD)),
        None,
    ];
    for round in 0..2 {
        let a = lading.image_as(&reference, USER, PASSWORD).await;
        assert_eq!(a.status, 200, "round {round}: A {:#}", a.json);
        // A file preview lists (and caches) the layer on the way.
        let a_file = lading.get(&preview, Some((USER, PASSWORD))).await;
        assert_eq!(a_file.status, 200, "{:#}", a_file.json);
        for credentials in others {
            let image = lading
                .get(
                    &format!("/api/image?ref={}", encode(&reference)),
                    credentials,
                )
                .await;
            let who = credentials.map_or("anonymous", |(user, _)| user);
            assert_eq!(
                image.kind(),
                "unauthorized",
                "round {round}: {who} right after A: {:#}",
                image.json
            );
            let layer = lading.get(&listing, credentials).await;
            assert_eq!(layer.kind(), "unauthorized", "{who}: the cached listing");
            let file = lading.get(&preview, credentials).await;
            assert_eq!(file.kind(), "unauthorized", "{who}: a file of it");
        }
    }
    // Each identity asked the token server for itself.
    let requests = stand.tokens.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.account.as_deref() == Some(OTHER_USER) && r.status == 401)
    );
    assert!(
        requests
            .iter()
            .any(|r| !r.basic_presented && r.scopes.iter().any(|s| s.contains(PRIVATE)))
    );
}

#[test]
fn the_leak_scanner_finds_jwts() {
    let jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0ZXN0In0.c2ln";
    assert!(find_jwt(&format!("token {jwt} end")).is_some());
    assert!(find_jwt("eyJ alone, or eyJhbGciOiJSUzI1NiJ9 without claims").is_none());
}
