//! Docker Hub through its web API: namespace listings (every page, private repositories
//! only to a Hub sign-in), tag metadata merged into the tag list, and the Hub sign-in kept
//! apart from the registry's.

use lading_testkit::Vendor;
use lading_testkit::docker_hub::{
    ACCESS_TOKEN, ALPINE_LIST_TAG, HUB_HOST, LIBRARY_ALPINE, NAMESPACE, NAMESPACE_PUBLIC_REPOS,
    PASSWORD, PRIVATE_REPO, USERNAME,
};
use serde_json::Value;

use super::{Stand, catalog_path, is_utc_seconds, strings, tags_path};

fn names(answer: &Value) -> Vec<String> {
    answer["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_namespace_lists_every_page_and_private_only_signed_in() {
    let stand = Stand::start(Vendor::DockerHub);
    let path = catalog_path("docker.io", Some(NAMESPACE));
    let (status, anonymous, _) = stand.get(&path, None, None).await;
    assert_eq!(status, 200, "{anonymous}");
    assert_eq!(anonymous["source"], "docker_hub_api");
    let listed = names(&anonymous);
    assert!(listed.len() >= NAMESPACE_PUBLIC_REPOS, "{}", listed.len());
    assert!(anonymous["pages"].as_u64().unwrap() >= 2);
    assert_eq!(anonymous["total"].as_u64(), Some(listed.len() as u64));
    assert!(!listed.contains(&PRIVATE_REPO.to_string()));
    assert!(
        listed
            .iter()
            .all(|n| n.starts_with(&format!("{NAMESPACE}/")))
    );
    let first = &anonymous["repositories"][0];
    assert!(
        first["pulls"].is_u64() && first["stars"].is_u64(),
        "{first}"
    );
    assert!(
        is_utc_seconds(first["last_updated"].as_str().unwrap()),
        "{first}"
    );

    let (status, signed_in, text) = stand.get(&path, None, Some((USERNAME, PASSWORD))).await;
    assert_eq!(status, 200, "{signed_in}");
    let private = names(&signed_in);
    assert!(private.contains(&PRIVATE_REPO.to_string()), "{private:?}");
    assert_eq!(private.len(), listed.len() + 1);
    // The sign-in is its own exchange; its secret and JWT appear nowhere in the answer.
    let trace = signed_in["trace"].as_array().unwrap();
    assert_eq!(
        trace
            .iter()
            .filter(|e| e["purpose"] == "hub_sign_in")
            .count(),
        1
    );
    assert_no_hub_secrets(&stand, &text);
}

/// Every Hub JWT the fake saw, and the password: none in `text`.
fn assert_no_hub_secrets(stand: &Stand, text: &str) {
    assert!(
        !text.contains(PASSWORD),
        "the Hub password is in the answer"
    );
    let jwts: Vec<String> = stand
        .world
        .requests()
        .iter()
        .filter(|r| r.host == HUB_HOST)
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .filter_map(|v| v.strip_prefix("Bearer ").map(str::to_string))
        .collect();
    assert!(!jwts.is_empty(), "no Hub call carried the JWT");
    for jwt in jwts {
        assert!(!text.contains(&jwt), "the Hub JWT is in the answer");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_io_tags_merge_the_hub_metadata() {
    let stand = Stand::start(Vendor::DockerHub);
    let repo = format!("docker.io/{LIBRARY_ALPINE}");
    let (status, answer, _) = stand.get(&tags_path(&repo), None, None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["detail_source"], "docker_hub_api",
        "{}",
        answer["detail_error"]
    );
    assert!(
        answer["detail_error"].is_null(),
        "{}",
        answer["detail_error"]
    );
    let tags = strings(&answer["tags"]);
    let details = answer["details"].as_array().unwrap();
    let list = details
        .iter()
        .find(|d| d["name"] == ALPINE_LIST_TAG)
        .expect("3.9 detailed");
    assert!(tags.contains(&ALPINE_LIST_TAG.to_string()));
    assert!(is_utc_seconds(list["pushed"].as_str().unwrap()), "{list}");
    let images = list["images"].as_array().unwrap();
    assert_eq!(images.len(), 7, "{list}");
    assert!(
        images
            .iter()
            .all(|i| i["digest"].is_string() && i["size"].is_u64())
    );
    assert!(
        list["status"].is_string() && list["size"].is_u64(),
        "{list}"
    );
    let purposes: Vec<_> = answer["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["purpose"].clone())
        .collect();
    assert!(purposes.contains(&Value::from("hub_api")), "{purposes:?}");
}

/// The Hub sign-in goes to the Hub only: the registry and its token server never see it, and
/// the Hub never sees the registry's credentials (a token here, the password for the Hub).
#[tokio::test(flavor = "multi_thread")]
async fn the_hub_sign_in_stays_with_the_hub() {
    let stand = Stand::start(Vendor::DockerHub);
    let repo = format!("docker.io/{}", stand.world.fixtures().public_repo);
    stand.world.clear_requests();
    let registry = Some((USERNAME, ACCESS_TOKEN));
    let (status, answer, text) = stand
        .get(&tags_path(&repo), registry, Some((USERNAME, PASSWORD)))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["detail_source"], "docker_hub_api",
        "{}",
        answer["detail_error"]
    );
    let seen = stand.world.requests();
    assert!(
        seen.iter()
            .any(|r| r.host == HUB_HOST && r.path() == "/v2/auth/token")
    );
    let jwts: Vec<String> = seen
        .iter()
        .filter(|r| r.host == HUB_HOST)
        .filter_map(|r| r.header("authorization"))
        .filter_map(|v| v.strip_prefix("Bearer ").map(str::to_string))
        .collect();
    assert!(!jwts.is_empty(), "no Hub call carried the JWT");
    for request in &seen {
        let auth = request.header("authorization").unwrap_or_default();
        if request.host == HUB_HOST {
            assert!(
                !auth.starts_with("Basic"),
                "registry credentials sent to the Hub"
            );
        } else {
            assert!(
                request.path() != "/v2/auth/token",
                "Hub sign-in sent to {}",
                request.host
            );
            assert!(
                jwts.iter().all(|jwt| !auth.contains(jwt.as_str())),
                "Hub JWT sent to {}",
                request.host
            );
        }
    }
    for secret in [PASSWORD, ACCESS_TOKEN] {
        assert!(!text.contains(secret), "a secret is in the answer");
    }
    assert_no_hub_secrets(&stand, &text);
    let trace = answer["trace"].as_array().unwrap();
    assert_eq!(
        trace
            .iter()
            .filter(|e| e["purpose"] == "hub_sign_in")
            .count(),
        1
    );
    for exchange in trace {
        let url = exchange["url"].as_str().unwrap();
        if exchange["purpose"] == "hub_sign_in" || exchange["purpose"] == "hub_api" {
            assert!(url.starts_with(&format!("https://{HUB_HOST}/")), "{url}");
        } else {
            assert!(!url.contains(HUB_HOST), "{url}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_hub_sign_in_is_unauthorized_and_says_whose() {
    let stand = Stand::start(Vendor::DockerHub);
    let path = catalog_path("docker.io", Some(NAMESPACE));
    let (status, answer, text) = stand.get(&path, None, Some((USERNAME, "wrong"))).await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["kind"], "unauthorized");
    assert!(
        answer["message"].as_str().unwrap().contains("Docker Hub"),
        "{answer}"
    );
    assert!(!text.contains("wrong\""));
}
