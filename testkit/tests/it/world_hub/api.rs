//! `hub.docker.com` spoken to directly: namespace pages (new and legacy paths, `page_size`
//! capped, 404 past the end, every entry field), private repositories only with the Hub JWT,
//! tags in the captured shape, search's `""`, rate-limit headers, and no CORS anywhere.

use lading_testkit::docker_hub::{
    ACCESS_TOKEN, ALPINE_LIST_TAG, INACTIVE_TAG, NAMESPACE, NAMESPACE_PUBLIC_REPOS, PASSWORD,
    USERNAME,
};
use lading_testkit::{Vendor, World};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use super::client;

const HUB: &str = "https://hub.docker.com";
const ENTRY_FIELDS: [&str; 17] = [
    "name",
    "namespace",
    "repository_type",
    "status",
    "status_description",
    "description",
    "is_private",
    "star_count",
    "pull_count",
    "last_updated",
    "last_modified",
    "date_registered",
    "affiliation",
    "media_types",
    "content_types",
    "categories",
    "storage_size",
];

async fn get(
    client: &Client,
    path: &str,
    jwt: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = client.get(format!("{HUB}{path}"));
    if let Some(jwt) = jwt {
        request = request.bearer_auth(jwt);
    }
    let response = request.send().await.expect("Hub API request");
    let (status, headers) = (response.status(), response.headers().clone());
    assert!(
        headers
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")),
        "CORS header on {path}: {headers:?}"
    );
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

/// `2023-06-20T10:44:45.459826Z`.
fn is_hub_time(value: &Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    text.len() == 27
        && text.ends_with('Z')
        && text.as_bytes()[19] == b'.'
        && text.as_bytes()[10] == b'T'
}

async fn sign_in(client: &Client, secret: &str) -> reqwest::Response {
    client
        .post(format!("{HUB}/v2/auth/token"))
        .json(&json!({ "identifier": USERNAME, "secret": secret }))
        .send()
        .await
        .expect("sign-in")
}

#[tokio::test]
async fn namespace_pages_have_every_field_and_end_in_404() {
    let world = World::start(Vendor::DockerHub);
    let client = client(&world);
    let path = format!("/v2/namespaces/{NAMESPACE}/repositories");
    let (status, headers, first) =
        get(&client, &format!("{path}?page=1&page_size=500"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["count"], NAMESPACE_PUBLIC_REPOS);
    assert_eq!(
        first["results"].as_array().map(Vec::len),
        Some(100),
        "page_size capped at 100"
    );
    assert_eq!(first["next"], format!("{HUB}{path}?page=2&page_size=100"));
    assert_eq!(first["previous"], Value::Null);
    assert_eq!(headers["x-ratelimit-limit"], "180");
    assert!(
        headers.contains_key("x-ratelimit-remaining") && headers.contains_key("x-ratelimit-reset")
    );
    let entry = &first["results"][0];
    for field in ENTRY_FIELDS {
        assert!(entry.get(field).is_some(), "entry lacks {field}: {entry}");
    }
    assert!(is_hub_time(&entry["last_updated"]), "{entry}");
    assert!(
        first["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["is_private"] == false)
    );

    let (_, _, second) = get(&client, &first["next"].as_str().unwrap()[HUB.len()..], None).await;
    assert_eq!(second["results"].as_array().map(Vec::len), Some(30));
    assert_eq!(second["next"], Value::Null);
    assert_eq!(second["previous"], format!("{HUB}{path}?page_size=100"));
    let (past, _, _) = get(&client, &format!("{path}?page=3&page_size=100"), None).await;
    assert_eq!(past, StatusCode::NOT_FOUND);

    let legacy = format!("/v2/repositories/{NAMESPACE}/?page_size=100");
    let (status, _, old) = get(&client, &legacy, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(old["count"], NAMESPACE_PUBLIC_REPOS);

    let (_, _, web) = get(
        &client,
        &format!("{path}?name=web&ordering=name&page_size=100"),
        None,
    )
    .await;
    let names: Vec<&str> = web["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.contains("web")),
        "{names:?}"
    );
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");

    // Signed in to the Hub (its own exchange), the private repository is listed too.
    assert_eq!(
        sign_in(&client, "wrong").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let answer: Value = sign_in(&client, ACCESS_TOKEN)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(sign_in(&client, PASSWORD).await.status(), StatusCode::OK);
    let jwt = answer["access_token"].as_str().expect("access_token");
    assert_eq!(jwt.split('.').count(), 3, "a JWT");
    let (_, _, mine) = get(
        &client,
        &format!("{path}?page_size=100&name=private"),
        Some(jwt),
    )
    .await;
    assert_eq!(mine["count"], 1);
    assert_eq!(mine["results"][0]["is_private"], true);
    let (_, _, all) = get(&client, &format!("{path}?page_size=100"), Some(jwt)).await;
    assert_eq!(all["count"], NAMESPACE_PUBLIC_REPOS + 1);
    let (bad, _, _) = get(&client, &path, Some("not-a-jwt")).await;
    assert_eq!(bad, StatusCode::UNAUTHORIZED);

    world.docker_hub().set_api_remaining(None, 0);
    let (limited, headers, _) = get(&client, &path, None).await;
    assert_eq!(limited, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry));
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let (signed_in, _, _) = get(&client, &path, Some(jwt)).await;
    assert_eq!(signed_in, StatusCode::OK, "the account has its own window");
}

#[tokio::test]
async fn tags_carry_per_platform_images_in_the_captured_shape() {
    let world = World::start(Vendor::DockerHub);
    let client = client(&world);
    let (status, _, tag) = get(
        &client,
        &format!("/v2/namespaces/library/repositories/alpine/tags/{ALPINE_LIST_TAG}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for field in [
        "creator",
        "id",
        "images",
        "last_updated",
        "last_updater",
        "last_updater_username",
        "name",
        "repository",
        "full_size",
        "v2",
        "tag_status",
        "tag_last_pulled",
        "tag_last_pushed",
        "media_type",
        "content_type",
        "digest",
    ] {
        assert!(tag.get(field).is_some(), "tag lacks {field}: {tag}");
    }
    assert_eq!(
        tag["media_type"],
        "application/vnd.docker.distribution.manifest.list.v2+json"
    );
    let images = tag["images"]
        .as_array()
        .expect("images is an array, not the OpenAPI object");
    assert_eq!(images.len(), 7);
    for image in images {
        assert!(image["digest"].as_str().unwrap().starts_with("sha256:"));
        assert!(image["size"].as_u64().unwrap() > 0);
        assert_eq!(image["status"], "active");
        assert!(
            image["last_pushed"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
    }
    assert_eq!(images[1]["architecture"], "arm");
    assert_eq!(images[1]["variant"], "v6");
    assert!(is_hub_time(&tag["tag_last_pushed"]));

    // The registry's list names the same platform digests.
    let raw = world.skopeo_ok(&["inspect", "--raw", "docker://docker.io/library/alpine:3.9"]);
    let list: Value = serde_json::from_str(&raw).unwrap();
    let listed: Vec<&Value> = list["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["digest"])
        .collect();
    let hub: Vec<&Value> = images.iter().map(|i| &i["digest"]).collect();
    assert_eq!(listed, hub);

    let (status, _, missing) = get(
        &client,
        "/v2/namespaces/library/repositories/alpine/tags/1.277",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing,
        json!({"message": "httperror 404: tag '1.277' not found", "errinfo": {"namespace": "library", "repository": "alpine", "tag": "1.277"}})
    );

    // 134 tags: two pages of 100, newest push first by default; legacy path too.
    let path = "/v2/namespaces/ladingcorp/repositories/app/tags";
    let (_, _, page) = get(&client, &format!("{path}?page_size=100"), None).await;
    assert!(page["count"].as_u64().unwrap() > 130);
    assert_eq!(
        page["results"][0]["name"], "docker",
        "the last push comes first"
    );
    let (_, _, legacy) = get(
        &client,
        "/v2/repositories/ladingcorp/app/tags/?page=2&page_size=100",
        None,
    )
    .await;
    assert_eq!(
        legacy["results"].as_array().map(Vec::len),
        Some(page["count"].as_u64().unwrap() as usize - 100)
    );
    let (_, _, inactive) = get(&client, &format!("{path}/{INACTIVE_TAG}"), None).await;
    assert_eq!(inactive["tag_status"], "inactive");

    let (hidden, _, _) = get(
        &client,
        "/v2/namespaces/ladingcorp/repositories/private/tags",
        None,
    )
    .await;
    assert_eq!(hidden, StatusCode::NOT_FOUND);
    let jwt: Value = sign_in(&client, PASSWORD).await.json().await.unwrap();
    let jwt = jwt["access_token"].as_str().unwrap();
    let (shown, _, private) = get(
        &client,
        "/v2/namespaces/ladingcorp/repositories/private/tags",
        Some(jwt),
    )
    .await;
    assert_eq!(shown, StatusCode::OK);
    assert_eq!(private["count"], 1);

    let (_, _, search) = get(
        &client,
        "/v2/search/repositories/?query=alpine&page_size=5",
        None,
    )
    .await;
    assert_eq!(search["previous"], "");
    assert_eq!(search["results"][0]["repo_name"], "alpine");
    assert_eq!(search["results"][0]["is_official"], true);

    let preflight = client
        .request(
            reqwest::Method::OPTIONS,
            format!("{HUB}/v2/namespaces/library/repositories"),
        )
        .header("origin", "http://127.0.0.1:8080")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .expect("preflight");
    assert!(
        preflight
            .headers()
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-"))
    );
}
