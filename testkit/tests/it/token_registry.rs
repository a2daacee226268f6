//! The harness against `docker-registry` with token auth from the harness's `TokenServer`: the
//! whole Docker token dance, as a client performs it.

use lading_testkit::fixtures::media_types::ACCEPT_ANY_MANIFEST;
use lading_testkit::fixtures::push_oci_image;
use lading_testkit::{Access, Registry, TokenPolicy, TokenServer};
use serde_json::Value;

/// `Bearer realm="…",service="…",scope="…"` → (key, value) pairs; values are quoted and may
/// contain commas (`scope="repository:a:pull,push"`), so split on `",` rather than `,`.
fn challenge_params(header: &str) -> Vec<(String, String)> {
    let params = header.strip_prefix("Bearer ").expect("a Bearer challenge");
    params
        .split("\",")
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect()
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// Ping, read the challenge, fetch a token for `scope` (with optional Basic credentials).
    async fn token(&self, scope: &str, credentials: Option<(&str, &str)>) -> (u16, Option<String>) {
        let ping = self
            .http
            .get(format!("{}/v2/", self.base))
            .send()
            .await
            .expect("ping");
        assert_eq!(ping.status(), 401);
        let header = ping.headers()["www-authenticate"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        let params = challenge_params(&header);
        let get = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .expect(key)
        };
        let mut request = self
            .http
            .get(get("realm"))
            .query(&[("service", get("service")), ("scope", scope.to_owned())]);
        if let Some((user, password)) = credentials {
            request = request
                .query(&[("account", user)])
                .basic_auth(user, Some(password));
        }
        let response = request.send().await.expect("token request");
        let status = response.status().as_u16();
        if status != 200 {
            return (status, None);
        }
        let body: Value = response.json().await.expect("token JSON");
        assert_eq!(body["token"], body["access_token"]);
        assert!(body["expires_in"].as_u64().is_some());
        assert!(body["issued_at"].as_str().is_some());
        (status, body["token"].as_str().map(String::from))
    }

    async fn manifest_status(&self, repo: &str, reference: &str, token: &str) -> u16 {
        self.http
            .get(format!("{}/v2/{repo}/manifests/{reference}", self.base))
            .header("accept", ACCEPT_ANY_MANIFEST)
            .bearer_auth(token)
            .send()
            .await
            .expect("manifest GET")
            .status()
            .as_u16()
    }
}

fn setup() -> (TokenServer, Registry, Client) {
    let server = TokenServer::start(
        TokenPolicy::default()
            .user("bob", "hunter2")
            .private_repo("team/secret"),
    );
    let registry = Registry::token(&server);
    let client = Client {
        http: registry.pusher().http().clone(),
        base: registry.base_url(),
    };
    (server, registry, client)
}

#[tokio::test]
async fn anonymous_pull_of_a_public_repository() {
    let (server, registry, client) = setup();
    push_oci_image(&registry.pusher(), "open/app", "1").await;
    let (status, token) = client.token("repository:open/app:pull", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        client
            .manifest_status("open/app", "1", &token.expect("token"))
            .await,
        200
    );

    let seen = server.last_request().expect("one request");
    assert_eq!(seen.scopes, ["repository:open/app:pull"]);
    assert!(!seen.basic_presented);
    assert_eq!(seen.granted, [Access::repository("open/app", &["pull"])]);
    assert_eq!(
        server.request_count(),
        1,
        "pushing mints tokens without requests"
    );
}

#[tokio::test]
async fn private_repository_needs_credentials() {
    let (server, registry, client) = setup();
    push_oci_image(&registry.pusher(), "team/secret", "1").await;

    let (status, token) = client.token("repository:team/secret:pull", None).await;
    assert_eq!(
        status, 200,
        "denied scopes still get a token, with no actions"
    );
    assert_eq!(
        client
            .manifest_status("team/secret", "1", &token.expect("token"))
            .await,
        401
    );

    let (status, _) = client
        .token("repository:team/secret:pull", Some(("bob", "wrong")))
        .await;
    assert_eq!(status, 401);
    assert!(server.last_request().expect("request").basic_presented);

    let (status, token) = client
        .token("repository:team/secret:pull", Some(("bob", "hunter2")))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        client
            .manifest_status("team/secret", "1", &token.expect("token"))
            .await,
        200
    );
    let seen = server.last_request().expect("request");
    assert_eq!(seen.account.as_deref(), Some("bob"));
    assert_eq!(seen.authenticated_as.as_deref(), Some("bob"));
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn expired_tokens_are_rejected_by_the_registry() {
    let (server, registry, client) = setup();
    push_oci_image(&registry.pusher(), "open/app", "1").await;
    server.set_issue_expired(true);
    let (status, token) = client.token("repository:open/app:pull", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        client
            .manifest_status("open/app", "1", &token.expect("token"))
            .await,
        401
    );

    server.set_issue_expired(false);
    let (_, token) = client.token("repository:open/app:pull", None).await;
    assert_eq!(
        client
            .manifest_status("open/app", "1", &token.expect("token"))
            .await,
        200
    );
}

#[tokio::test]
async fn minted_tokens_carry_the_libtrust_key_id() {
    let (server, registry, client) = setup();
    push_oci_image(&registry.pusher(), "minted", "1").await;
    let token = server.mint(&[Access::repository("minted", &["pull"])]);
    assert_eq!(client.manifest_status("minted", "1", &token).await, 200);
    let header = token.split('.').next().expect("header");
    use base64::Engine;
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .expect("b64"),
    )
    .expect("JSON");
    assert_eq!(header["kid"], server.key_id());
    assert_eq!(server.key_id().split(':').count(), 12);
}
