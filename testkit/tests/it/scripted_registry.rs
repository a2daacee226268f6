//! The scripted registry pages tags with a `Link` header the way real registries do.

use lading_testkit::{Canned, FOREIGN_HOST, JUNK_DIGEST, NextLink, ScriptedRegistry, TagScript};
use serde_json::Value;

/// Upper bound on pages followed, so a broken script cannot loop a test forever.
const MAX_PAGES: usize = 1000;

fn next_link(response: &reqwest::Response) -> Option<String> {
    let link = response.headers().get("link")?.to_str().ok()?;
    let (target, rel) = link.split_once(';')?;
    assert!(rel.contains("rel=\"next\""), "{link}");
    Some(
        target
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned(),
    )
}

#[tokio::test]
async fn relative_links_walk_every_tag() {
    let registry =
        ScriptedRegistry::start(TagScript::new("big/repo", 2500).page_size(100).with_junk());
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut url = format!("{}/v2/big/repo/tags/list?n=1000", registry.base_url());
    let (mut tags, mut junk) = (Vec::new(), Vec::new());
    for _ in 0..MAX_PAGES {
        let response = http.get(&url).send().await.expect("GET");
        assert_eq!(response.status(), 200);
        let next = next_link(&response);
        let page: Value = response.json().await.expect("JSON");
        for entry in page["tags"].as_array().expect("tags") {
            match entry.as_str() {
                Some(tag) if !tag.contains(':') => tags.push(tag.to_owned()),
                _ => junk.push(entry.clone()),
            }
        }
        match next {
            Some(next) => {
                assert!(
                    next.starts_with("/v2/big/repo/tags/list?n=100&last="),
                    "{next}"
                );
                url = format!("{}{next}", registry.base_url());
            }
            None => break,
        }
    }
    assert_eq!(tags, registry.tags());
    assert_eq!(junk, [Value::Null, Value::from(JUNK_DIGEST)]);
    assert_eq!(registry.request_count(), 25, "page size caps n=1000 at 100");
}

#[tokio::test]
async fn foreign_host_links_point_elsewhere() {
    let registry = ScriptedRegistry::start(
        TagScript::new("r", 10)
            .page_size(4)
            .next_link(NextLink::ForeignHost),
    );
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let response = http
        .get(format!("{}/v2/r/tags/list", registry.base_url()))
        .send()
        .await
        .expect("GET");
    let next = next_link(&response).expect("a next link");
    assert!(
        next.starts_with(&format!("http://{FOREIGN_HOST}:")),
        "{next}"
    );
    assert!(
        next.ends_with("/v2/r/tags/list?n=4&last=tag-00003"),
        "{next}"
    );
}

#[tokio::test]
async fn ping_canned_answers_and_unknown_paths() {
    let registry = ScriptedRegistry::start(TagScript::new("r", 1));
    registry.respond(
        "/v2/r/manifests/slow",
        Canned::json(
            429,
            &serde_json::json!({ "errors": [{ "code": "TOOMANYREQUESTS" }] }),
        )
        .header("retry-after", "7"),
    );
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let base = registry.base_url();
    let ping = http.get(format!("{base}/v2/")).send().await.expect("GET");
    assert_eq!(ping.status(), 200);
    let limited = http
        .get(format!("{base}/v2/r/manifests/slow"))
        .send()
        .await
        .expect("GET");
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    let missing = http
        .get(format!("{base}/v2/nope/tags/list"))
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.status(), 404);
    assert_eq!(registry.requests()[1], "GET /v2/r/manifests/slow");
}
