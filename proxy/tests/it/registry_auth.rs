//! Authentication against real registries: htpasswd (Basic) and token auth, where the
//! harness is the token server and distribution verifies its JWTs.

use crate::support::Lading;
use lading_testkit::{Registry, TokenPolicy, TokenServer, fixtures};

const USER: &str = "alice";
const PASSWORD: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread")]
async fn htpasswd_registry_needs_basic_credentials() {
    let registry = Registry::htpasswd(USER, PASSWORD);
    fixtures::push_oci_image(&registry.pusher(), "private/app", "v1").await;
    let lading = Lading::allowing(&[&registry.host()]);
    let reference = format!("{}/private/app:v1", registry.host());

    let anonymous = lading.image(&reference).await;
    assert_eq!(
        (anonymous.status.as_u16(), anonymous.kind()),
        (401, "unauthorized"),
        "{:#}",
        anonymous.json
    );
    assert_eq!(anonymous.json["registry"], registry.host().as_str());

    let wrong = lading.image_as(&reference, USER, "wrong").await;
    assert_eq!(wrong.kind(), "unauthorized");

    let right = lading.image_as(&reference, USER, PASSWORD).await;
    assert_eq!(right.status, 200, "{:#}", right.json);
    let trace = right.json["trace"].to_string();
    assert!(
        trace.contains("Basic <redacted"),
        "the trace shows Basic was used"
    );
    assert!(
        !trace.contains(PASSWORD) && !trace.contains("YWxpY2"),
        "no credential in the trace"
    );

    let tags = lading
        .get(
            &format!("/api/tags?repo={}/private/app", registry.host()),
            Some((USER, PASSWORD)),
        )
        .await;
    assert_eq!(tags.status, 200, "{:#}", tags.json);
    assert_eq!(tags.json["tags"], serde_json::json!(["v1"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn token_auth_anonymous_pull_then_token_reuse() {
    let tokens = TokenServer::start(TokenPolicy::default());
    let registry = Registry::token(&tokens);
    fixtures::push_oci_image(&registry.pusher(), "public/app", "v1").await;
    let lading = Lading::allowing(&[&registry.host(), &realm_host(&tokens)]);
    let reference = format!("{}/public/app:v1", registry.host());

    let before = tokens.request_count();
    let first = lading.image(&reference).await;
    assert_eq!(first.status, 200, "{:#}", first.json);
    assert_eq!(
        tokens.request_count(),
        before + 1,
        "one token for the whole view"
    );
    let request = tokens.last_request().unwrap();
    assert_eq!(request.scopes, ["repository:public/app:pull"]);
    assert!(!request.basic_presented, "anonymous token request");
    let urls: Vec<String> = first.exchanges().into_iter().map(|e| e.2).collect();
    assert!(
        urls.iter()
            .any(|u| u.contains("/token?") && u.contains("scope=repository")),
        "{urls:?}"
    );

    // The cached token answers the next view; no new token request.
    let second = lading.image(&reference).await;
    assert_eq!(second.status, 200);
    assert_eq!(tokens.request_count(), before + 1, "token reused");
}

#[tokio::test(flavor = "multi_thread")]
async fn token_auth_private_repo_denied_without_credentials_then_allowed() {
    let tokens = TokenServer::start(
        TokenPolicy::default()
            .user(USER, PASSWORD)
            .private_repo("secret/app"),
    );
    let registry = Registry::token(&tokens);
    fixtures::push_oci_image(&registry.pusher(), "secret/app", "v1").await;
    let lading = Lading::allowing(&[&registry.host(), &realm_host(&tokens)]);
    let reference = format!("{}/secret/app:v1", registry.host());

    let anonymous = lading.image(&reference).await;
    assert_eq!(
        (anonymous.status.as_u16(), anonymous.kind()),
        (401, "unauthorized"),
        "{:#}",
        anonymous.json
    );

    let wrong = lading.image_as(&reference, USER, "nope").await;
    assert_eq!(wrong.kind(), "unauthorized");
    assert!(
        wrong.json["message"]
            .as_str()
            .unwrap()
            .contains("rejected the credentials")
    );

    let allowed = lading.image_as(&reference, USER, PASSWORD).await;
    assert_eq!(allowed.status, 200, "{:#}", allowed.json);
    let request = tokens.last_request().unwrap();
    assert!(request.basic_presented);
    assert_eq!(request.account.as_deref(), Some(USER));
    assert_eq!(request.authenticated_as.as_deref(), Some(USER));

    // Alice's token must never answer for anyone else.
    let again_anonymous = lading.image(&reference).await;
    assert_eq!(
        again_anonymous.kind(),
        "unauthorized",
        "anonymous never gets alice's token"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_cached_token_is_replaced_once() {
    let tokens = TokenServer::start(TokenPolicy::default());
    let registry = Registry::token(&tokens);
    fixtures::push_oci_image(&registry.pusher(), "public/exp", "v1").await;
    let lading = Lading::allowing(&[&registry.host(), &realm_host(&tokens)]);
    let reference = format!("{}/public/exp:v1", registry.host());

    // The token server hands out a JWT that is already expired but claims 300 s.
    tokens.set_issue_expired(true);
    let first = lading.image(&reference).await;
    assert_eq!(
        first.kind(),
        "unauthorized",
        "a fresh but invalid token is not retried forever"
    );

    // The cached (expired) token is rejected; the proxy fetches a new one and retries.
    tokens.set_issue_expired(false);
    let before = tokens.request_count();
    let second = lading.image(&reference).await;
    assert_eq!(second.status, 200, "{:#}", second.json);
    assert_eq!(tokens.request_count(), before + 1);
    let notes = second.json["trace"].to_string();
    assert!(
        notes.contains("retried with fresh credentials after 401"),
        "{notes}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn token_realm_on_a_refused_host_is_not_contacted() {
    let tokens = TokenServer::start(TokenPolicy::default());
    let registry = Registry::token(&tokens);
    fixtures::push_oci_image(&registry.pusher(), "public/app", "v1").await;
    // The registry is allowed, its realm's host:port is not: a hostile registry cannot aim
    // the token request at an internal service.
    let lading = Lading::allowing(&[&registry.host()]);
    let before = tokens.request_count();
    let answer = lading
        .image(&format!("{}/public/app:v1", registry.host()))
        .await;
    // The realm's host is allow-listed for the registry's port only.
    assert_eq!(answer.kind(), "port_not_allowed", "{:#}", answer.json);
    assert_eq!(tokens.request_count(), before);
}

fn realm_host(tokens: &TokenServer) -> String {
    url::Url::parse(&tokens.realm())
        .unwrap()
        .authority()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_config_credentials_in_local_mode() {
    use base64::Engine as _;
    let registry = Registry::htpasswd(USER, PASSWORD);
    fixtures::push_oci_image(&registry.pusher(), "private/local", "v1").await;
    let dir = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let config =
        serde_json::json!({ "auths": { format!("http://{}", registry.host()): { "auth": auth } } });
    std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
    let lading = Lading::with(lading::Settings {
        allow_hosts: vec![registry.host().parse().unwrap()],
        docker_config: Some(dir.path().to_path_buf()),
        ..Default::default()
    });
    let answer = lading
        .image(&format!("{}/private/local:v1", registry.host()))
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);

    // Browser credentials win over the server's.
    let wrong = lading
        .image_as(
            &format!("{}/private/local:v1", registry.host()),
            USER,
            "bad",
        )
        .await;
    assert_eq!(wrong.kind(), "unauthorized");
}
