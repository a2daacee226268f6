//! Cold, warm and digest-addressed views of a five-platform index on a plain registry, and
//! who else may (not) be answered from what one view cached.

use std::collections::BTreeMap;

use super::stand::{Stand, from_cache, traced};

/// `(method, path)` pairs counted.
fn counted(pairs: Vec<(String, String)>) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for pair in pairs {
        *counts.entry(pair).or_insert(0) += 1;
    }
    counts
}

fn get(path: String) -> (String, String) {
    ("GET".to_string(), path)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cold_index_view_by_tag_is_ping_index_and_children_without_a_head() {
    let stand = Stand::start();
    let pushed = stand.push_five_platforms("floor/five", "v1").await;
    stand.relay.clear();
    let answer = stand
        .image(&stand.reference("floor/five", ":v1"), None)
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    let children = answer.json["children"].as_array().unwrap();
    assert_eq!(children.len(), 5);
    assert!(
        children.iter().all(|c| c.get("error").is_none()),
        "{children:#?}"
    );

    let mut want = vec![
        get("/v2/".into()),
        get("/v2/floor/five/manifests/v1".into()),
    ];
    for child in &pushed.children {
        want.push(get(format!(
            "/v2/floor/five/manifests/{}",
            child.manifest.digest
        )));
    }
    let want = counted(want);
    let seen = stand.relay.seen();
    let at_registry = counted(seen.into_iter().map(|s| (s.method, s.path)).collect());
    assert_eq!(at_registry, want, "what the registry saw");
    assert_eq!(counted(traced(&answer)), want, "what the trace says");
    assert!(
        from_cache(&answer).is_empty(),
        "{:#}",
        answer.json["registry_notes"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warm_tag_view_is_one_head_and_a_view_by_digest_costs_nothing() {
    let stand = Stand::start();
    let pushed = stand.push_five_platforms("warm/five", "v1").await;
    let by_tag = stand.reference("warm/five", ":v1");
    assert_eq!(stand.image(&by_tag, None).await.status, 200);

    stand.relay.clear();
    let warm = stand.image(&by_tag, None).await;
    assert_eq!(warm.status, 200, "{:#}", warm.json);
    let head = vec![("HEAD".to_string(), "/v2/warm/five/manifests/v1".to_string())];
    assert_eq!(traced(&warm), head);
    assert_eq!(stand.relay.to("/v2/"), head, "the registry saw one HEAD");
    let cached = from_cache(&warm);
    assert_eq!(
        cached.len(),
        6,
        "the index and its five children: {cached:?}"
    );
    assert!(cached.iter().all(|(what, _)| what == "manifest"));

    stand.relay.clear();
    let index = &pushed.index.manifest.digest;
    let pinned = stand
        .image(&stand.reference("warm/five", &format!("@{index}")), None)
        .await;
    assert_eq!(pinned.status, 200, "{:#}", pinned.json);
    assert!(traced(&pinned).is_empty(), "{:?}", traced(&pinned));
    assert!(stand.relay.seen().is_empty(), "{:?}", stand.relay.seen());
    assert!(from_cache(&pinned).contains(&("manifest".into(), index.to_string())));

    // A platform's image: its manifest is cached, its config is read once, then cached too.
    let child = &pushed.children[0];
    let platform = stand.reference("warm/five", &format!("@{}", child.manifest.digest));
    let first = stand.image(&platform, None).await;
    assert_eq!(first.status, 200, "{:#}", first.json);
    let config = format!("/v2/warm/five/blobs/{}", child.config.digest);
    assert_eq!(traced(&first), vec![get(config.clone())]);
    let again = stand.image(&platform, None).await;
    assert!(again.json.get("config_error").is_none(), "{:#}", again.json);
    assert!(traced(&again).is_empty(), "{:?}", traced(&again));
    assert!(from_cache(&again).contains(&("config".into(), child.config.digest.to_string())));
    assert_eq!(
        stand.relay.to("/blobs/"),
        vec![get(config)],
        "the config was read once"
    );
}

/// Regression guard for the scoping of the security issue: the same digest in another
/// repository, or read by another identity, is asked for again.
#[tokio::test(flavor = "multi_thread")]
async fn another_repository_or_identity_asks_the_registry_again() {
    let stand = Stand::start();
    let a = stand.push_five_platforms("scope/a", "v1").await;
    let b = stand.push_five_platforms("scope/b", "v1").await;
    let index = a.index.manifest.digest.clone();
    assert_eq!(index, b.index.manifest.digest, "the same content in both");
    assert_eq!(
        stand
            .image(&stand.reference("scope/a", ":v1"), None)
            .await
            .status,
        200
    );

    stand.relay.clear();
    let other_repo = stand.reference("scope/b", &format!("@{index}"));
    let answer = stand.image(&other_repo, None).await;
    assert_eq!(answer.status, 200, "{:#}", answer.json);
    assert!(from_cache(&answer).is_empty(), "{:?}", from_cache(&answer));
    let gets = stand.relay.to("/v2/scope/b/manifests/");
    assert_eq!(
        gets.len(),
        6,
        "index and children asked for again: {gets:?}"
    );

    stand.relay.clear();
    let same_repo = stand.reference("scope/a", &format!("@{index}"));
    let someone = stand.image(&same_repo, Some(("someone", "secret"))).await;
    assert_eq!(someone.status, 200, "{:#}", someone.json);
    assert!(
        from_cache(&someone).is_empty(),
        "{:?}",
        from_cache(&someone)
    );
    assert_eq!(
        stand.relay.to("/manifests/").len(),
        6,
        "{:?}",
        stand.relay.seen()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_concurrent_views_make_one_get_per_manifest() {
    let stand = Stand::start();
    let pushed = stand.push_five_platforms("crowd/five", "v1").await;
    stand.relay.clear();
    let reference = stand.reference("crowd/five", ":v1");
    let views = futures_util::future::join_all((0..8).map(|_| stand.image(&reference, None))).await;
    for view in &views {
        assert_eq!(view.status, 200, "{:#}", view.json);
    }
    let gets = counted(stand.relay.to("/manifests/"));
    let tag = get("/v2/crowd/five/manifests/v1".into());
    assert_eq!(gets.get(&tag), Some(&1), "{gets:?}");
    for child in &pushed.children {
        let path = get(format!(
            "/v2/crowd/five/manifests/{}",
            child.manifest.digest
        ));
        assert_eq!(gets.get(&path), Some(&1), "{path:?} in {gets:?}");
    }
    // A view arriving after the first finished asks with a HEAD: never a second GET.
    assert!(
        gets.keys()
            .all(|(method, _)| method == "GET" || method == "HEAD")
    );
    let sharing = views.iter().filter(|v| !from_cache(v).is_empty()).count();
    assert!(
        sharing >= 1,
        "the waiting views say they were answered from the cache"
    );
}
