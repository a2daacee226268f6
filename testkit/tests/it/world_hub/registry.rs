//! `registry-1.docker.io`, `auth.docker.io` and the CDN spoken to directly: exact bodies,
//! challenges, token JSON, the catalog refusal, rate-limit headers and what counts, 429
//! wording, the 307 to a signed CDN URL that refuses `Authorization`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_testkit::docker_hub::{
    ALPINE_LIST_TAG, LIBRARY_ALPINE, PASSWORD, PRIVATE_REPO, THROTTLED_REPO, UNAUTHORIZED_BODY,
    USERNAME, account_id,
};
use lading_testkit::{Vendor, World};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use super::client;

const REGISTRY: &str = "https://registry-1.docker.io";
const CHALLENGE: &str =
    "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\"";
const LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

async fn token(client: &Client, scope: &str, basic: Option<(&str, &str)>) -> reqwest::Response {
    let url = format!("https://auth.docker.io/token?service=registry.docker.io&scope={scope}");
    let mut request = client.get(url);
    if let Some((user, password)) = basic {
        request = request.header(
            "authorization",
            format!("Basic {}", STANDARD.encode(format!("{user}:{password}"))),
        );
    }
    request.send().await.expect("token request")
}

async fn pull_token(client: &Client, repo: &str, basic: Option<(&str, &str)>) -> String {
    let answer = token(client, &format!("repository:{repo}:pull"), basic).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.expect("token JSON");
    assert_eq!(body["token"], body["access_token"], "{body}");
    assert_eq!(body["expires_in"], 300);
    assert!(
        body["issued_at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{body}"
    );
    body["token"].as_str().expect("token").to_owned()
}

async fn manifest(
    client: &Client,
    method: reqwest::Method,
    repo: &str,
    reference: &str,
    token: &str,
) -> reqwest::Response {
    client
        .request(
            method,
            format!("{REGISTRY}/v2/{repo}/manifests/{reference}"),
        )
        .bearer_auth(token)
        .header("accept", "application/vnd.oci.image.manifest.v1+json")
        .send()
        .await
        .expect("manifest request")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn challenges_tokens_and_the_refused_catalog() {
    let world = World::start(Vendor::DockerHub);
    let client = client(&world);
    let ping = client
        .get(format!("{REGISTRY}/v2/"))
        .send()
        .await
        .expect("ping");
    assert_eq!(ping.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&ping, "www-authenticate"), CHALLENGE);
    let body = ping.bytes().await.expect("body");
    assert_eq!(body.len(), 87);
    assert_eq!(&body[..], UNAUTHORIZED_BODY.as_bytes());

    let on_repo = client
        .get(format!("{REGISTRY}/v2/library/redis/manifests/latest"))
        .send()
        .await
        .expect("GET");
    assert_eq!(
        header(&on_repo, "www-authenticate"),
        format!("{CHALLENGE},scope=\"repository:library/redis:pull\"")
    );

    let wrong = token(
        &client,
        "repository:library/alpine:pull",
        Some((USERNAME, "nope")),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.text().await.expect("body"),
        "{\"details\":\"incorrect username or password\"}\n"
    );

    let catalog = client
        .get(format!("{REGISTRY}/v2/_catalog"))
        .send()
        .await
        .expect("catalog");
    assert_eq!(catalog.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&catalog, "www-authenticate"),
        format!("{CHALLENGE},scope=\"registry:catalog:*\"")
    );
    let answer = token(&client, "registry:catalog:*", Some((USERNAME, PASSWORD))).await;
    let catalog_token = answer.json::<Value>().await.expect("JSON")["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let still = client
        .get(format!("{REGISTRY}/v2/_catalog"))
        .bearer_auth(&catalog_token)
        .send()
        .await
        .expect("catalog");
    assert_eq!(still.status(), StatusCode::UNAUTHORIZED);
    assert!(
        header(&still, "www-authenticate")
            .ends_with(",scope=\"registry:catalog:*\",error=\"insufficient_scope\"")
    );
    assert!(
        still
            .text()
            .await
            .expect("body")
            .contains("\"code\":\"UNAUTHORIZED\"")
    );

    // Private: an anonymous token carries no access; Basic at auth.docker.io gives one.
    let anonymous = pull_token(&client, PRIVATE_REPO, None).await;
    let denied = manifest(
        &client,
        reqwest::Method::GET,
        PRIVATE_REPO,
        "latest",
        &anonymous,
    )
    .await;
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&denied, "www-authenticate").contains("error=\"insufficient_scope\""));
    let signed_in = pull_token(&client, PRIVATE_REPO, Some((USERNAME, PASSWORD))).await;
    let read = manifest(
        &client,
        reqwest::Method::GET,
        PRIVATE_REPO,
        "latest",
        &signed_in,
    )
    .await;
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(header(&read, "ratelimit-limit"), "200;w=21600");
    assert_eq!(
        header(&read, "docker-ratelimit-source"),
        account_id(USERNAME)
    );
}

#[tokio::test]
async fn rate_limit_counts_platform_manifest_gets_only() {
    let world = World::start(Vendor::DockerHub);
    let client = client(&world);
    let token = pull_token(&client, LIBRARY_ALPINE, None).await;
    let head = manifest(
        &client,
        reqwest::Method::HEAD,
        LIBRARY_ALPINE,
        ALPINE_LIST_TAG,
        &token,
    )
    .await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "ratelimit-limit"), "100;w=21600");
    assert_eq!(header(&head, "ratelimit-remaining"), "100;w=21600");
    assert_eq!(header(&head, "docker-ratelimit-source"), "127.0.0.1");

    // A restrictive Accept is ignored: the stored list comes back, and its GET is free.
    let list = manifest(
        &client,
        reqwest::Method::GET,
        LIBRARY_ALPINE,
        ALPINE_LIST_TAG,
        &token,
    )
    .await;
    assert_eq!(header(&list, "content-type"), LIST);
    assert_eq!(header(&list, "ratelimit-remaining"), "100;w=21600");
    let list: Value = list.json().await.expect("list JSON");
    let mut remaining = String::new();
    for entry in list["manifests"].as_array().expect("manifests") {
        let digest = entry["digest"].as_str().expect("digest");
        let got = manifest(
            &client,
            reqwest::Method::GET,
            LIBRARY_ALPINE,
            digest,
            &token,
        )
        .await;
        assert_eq!(header(&got, "docker-content-digest"), digest);
        remaining = header(&got, "ratelimit-remaining");
    }
    assert_eq!(
        remaining, "93;w=21600",
        "seven platform GETs cost seven pulls"
    );

    let throttled = pull_token(&client, THROTTLED_REPO, None).await;
    let head = manifest(
        &client,
        reqwest::Method::HEAD,
        THROTTLED_REPO,
        "latest",
        &throttled,
    )
    .await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "ratelimit-remaining"), "0;w=21600");
    let refused = manifest(
        &client,
        reqwest::Method::GET,
        THROTTLED_REPO,
        "latest",
        &throttled,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        refused.text().await.expect("body"),
        "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit\"}]}"
    );
    let user_token = pull_token(&client, THROTTLED_REPO, Some((USERNAME, PASSWORD))).await;
    let refused = manifest(
        &client,
        reqwest::Method::GET,
        THROTTLED_REPO,
        "latest",
        &user_token,
    )
    .await;
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("You have reached your pull rate limit as 'ladingbot'"),
        "{body}"
    );

    // Spent for everyone: the World's controls set what remains.
    world.docker_hub().set_pulls_remaining(None, 0);
    let spent = manifest(
        &client,
        reqwest::Method::GET,
        LIBRARY_ALPINE,
        "3.19",
        &token,
    )
    .await;
    assert_eq!(spent.status(), StatusCode::TOO_MANY_REQUESTS);
    world.docker_hub().set_unlimited(true);
    let paid = manifest(
        &client,
        reqwest::Method::GET,
        LIBRARY_ALPINE,
        "3.19",
        &token,
    )
    .await;
    assert_eq!(paid.status(), StatusCode::OK);
    assert!(paid.headers().get("ratelimit-limit").is_none());
}

#[tokio::test]
async fn blobs_redirect_to_a_signed_cdn_url_that_refuses_authorization() {
    let world = World::start(Vendor::DockerHub);
    let client = client(&world);
    let token = pull_token(&client, LIBRARY_ALPINE, None).await;
    let list: Value = manifest(
        &client,
        reqwest::Method::GET,
        LIBRARY_ALPINE,
        "3.19",
        &token,
    )
    .await
    .json()
    .await
    .expect("manifest JSON");
    let digest = list["layers"][0]["digest"]
        .as_str()
        .expect("layer")
        .to_owned();
    let hex = digest.trim_start_matches("sha256:");
    let redirect = client
        .get(format!("{REGISTRY}/v2/{LIBRARY_ALPINE}/blobs/{digest}"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("blob");
    assert_eq!(redirect.status(), StatusCode::TEMPORARY_REDIRECT);
    let location = header(&redirect, "location");
    assert!(redirect.bytes().await.expect("body").is_empty());
    let prefix = format!(
        "https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/{}/{hex}/data?verify=",
        &hex[..2]
    );
    assert!(location.starts_with(&prefix), "{location}");
    let verify = &location[prefix.len()..];
    let (unix, _signature) = verify.split_once('-').expect("<unix>-<signature>");
    assert!(unix.parse::<u64>().is_ok(), "{verify}");

    let fetched = client.get(&location).send().await.expect("CDN");
    assert_eq!(fetched.status(), StatusCode::OK);
    let bytes = fetched.bytes().await.expect("blob");
    assert_eq!(lading_testkit::fixtures::sha256_digest(&bytes), digest);
    let with_auth = client
        .get(&location)
        .bearer_auth(&token)
        .send()
        .await
        .expect("CDN");
    assert_eq!(with_auth.status(), StatusCode::BAD_REQUEST);
    let tampered = location.replace(&format!("/{hex}/"), &format!("/{}/", "0".repeat(64)));
    assert_eq!(
        client.get(&tampered).send().await.expect("CDN").status(),
        StatusCode::FORBIDDEN
    );
    let unsigned = location.split_once('?').expect("query").0;
    assert_eq!(
        client.get(unsigned).send().await.expect("CDN").status(),
        StatusCode::FORBIDDEN
    );
    // The request log saw the one with Authorization, so a test can tell.
    let sent = world
        .requests()
        .into_iter()
        .filter(|r| {
            r.host == "production.cloudflare.docker.com" && r.header("authorization").is_some()
        })
        .count();
    assert_eq!(sent, 1);
}
