//! Docker Hub: a namespace through the Hub API, tag dates and platforms, the pull limit.

use lading_testkit::{Browser, Viewport};

use super::stand::{
    ALPINE_LIST, HubStand, NAMESPACE, THROTTLED_REPO, TIMEOUT, open, run, texts, type_into,
    wait_for_count,
};

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_namespace_lists_every_repository_filters_and_opens_tags() {
    let stand = HubStand::start();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open(
        &browser,
        &stand.url(&format!("?registry=docker.io&namespace={NAMESPACE}")),
    )
    .await;
    let count = browser
        .wait_for_text("[data-testid=repository-count]", "", TIMEOUT)
        .await;
    let total: usize = count.replace(',', "").parse().expect("a count");
    assert!(total > 100, "every page of the namespace: {total}");
    assert_eq!(browser.count("[data-testid=repository-item]").await, total);
    // The Hub's facts are shown: pulls compact, a relative date with the exact one on hover.
    let pulls = texts(&browser, "[data-testid=repository-pulls]").await;
    assert!(pulls.iter().any(|p| p != "—"), "pulls: {pulls:?}");
    let exact = run(
        &browser,
        "return document.querySelector('[data-testid=repository-updated]').title",
    )
    .await;
    assert!(
        exact.as_str().is_some_and(|t| t.ends_with("UTC")),
        "{exact}"
    );
    let repo = stand.many_tags_repo();
    let short = repo.rsplit('/').next().expect("a name");
    // A glob over the whole name: `*/app`, not every name containing "app".
    type_into(
        &browser,
        "[data-testid=repository-filter]",
        &format!("*/{short}"),
    )
    .await;
    wait_for_count(
        &browser,
        "[data-testid=repository-item]",
        |n| n == 1,
        "filtered",
    )
    .await;
    let url = browser.client().current_url().await.expect("url");
    let filter = url
        .query_pairs()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.into_owned());
    assert_eq!(
        filter,
        Some(format!("*/{short}")),
        "the filter is in the link: {url}"
    );
    browser.click("[data-testid=repository-link]").await;
    browser
        .wait_for_text("[data-testid=tag-count]", &stand.tag_count(), TIMEOUT)
        .await;
    let url = browser.client().current_url().await.expect("url");
    assert!(
        url.as_str().contains(&format!("repo=docker.io/{repo}")),
        "{url}"
    );
    browser.close().await;
}

/// The dates of the tag rows, top to bottom (RFC 3339 from `datetime`).
async fn row_dates(browser: &Browser) -> Vec<String> {
    let value = run(
        browser,
        "return [...document.querySelectorAll('[data-testid=tag-date]')].map(t => t.getAttribute('datetime'))",
    )
    .await;
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_sort_by_recently_pushed_and_unfold_platforms() {
    let stand = HubStand::start();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    let repo = stand.many_tags_repo();
    let count = stand.tag_count();
    open(&browser, &stand.url(&format!("?repo=docker.io/{repo}"))).await;
    browser
        .wait_for_text("[data-testid=tag-count]", &count, TIMEOUT)
        .await;
    browser
        .wait_for_text("[data-testid=detail-source]", "Docker Hub", TIMEOUT)
        .await;
    let by_version = texts(&browser, "[data-testid=tag-item] td.tag-name").await;
    let dates = row_dates(&browser).await;
    // The list is virtualised: only the rows on screen (and a margin) are in the page; each
    // of those is dated.
    assert_eq!(dates.len(), by_version.len(), "every drawn tag dated");
    assert!(dates.len() >= 10, "rows drawn: {}", dates.len());
    let mut newest_first = dates.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_ne!(
        dates, newest_first,
        "the version order is not the push order here"
    );
    run(
        &browser,
        "const s = document.querySelector('[data-testid=tag-order]'); s.value = 'pushed'; \
         s.dispatchEvent(new Event('change'))",
    )
    .await;
    // Newest first, once redrawn (the drawn rows are replaced, not the whole list).
    let newest_first = |dates: &[String]| dates.windows(2).all(|w| w[0] >= w[1]);
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let names = texts(&browser, "[data-testid=tag-item] td.tag-name").await;
        let sorted = row_dates(&browser).await;
        if names != by_version && sorted.len() >= 10 && newest_first(&sorted) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not newest first: {sorted:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let url = browser.client().current_url().await.expect("url");
    assert!(url.as_str().contains("order=pushed"), "{url}");

    // The seven-platform list: each platform a row once unfolded.
    open(&browser, &stand.url("?repo=docker.io/library/alpine&q=3.9")).await;
    browser.click("[data-testid=tag-platforms-toggle]").await;
    wait_for_count(
        &browser,
        "[data-testid=tag-platform]",
        |n| n == 7,
        "platforms",
    )
    .await;
    let platforms = texts(&browser, "[data-testid=tag-platform] td.platform-name").await;
    assert!(
        platforms.iter().any(|p| p == "linux/arm/v6"),
        "{platforms:?}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_docker_io_image_page_shows_the_pull_limit_and_a_429_says_when() {
    let stand = HubStand::start();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open(&browser, &stand.url(&format!("?image={ALPINE_LIST}"))).await;
    let limit = browser
        .wait_for_text("[data-testid=rate-limit]", "Docker Hub pull limit", TIMEOUT)
        .await;
    assert!(limit.contains("of 100 left per 6 h"), "{limit}");
    assert!(limit.contains("counted for"), "{limit}");
    assert!(limit.contains("this view cost"), "{limit}");

    open(
        &browser,
        &stand.url(&format!("?image=docker.io/{THROTTLED_REPO}:latest")),
    )
    .await;
    browser
        .wait_for_text(
            "[data-testid=error-view][data-kind=too_many_requests]",
            "",
            TIMEOUT,
        )
        .await;
    let when = browser.text_of("[data-testid=retry-when]").await;
    assert!(when.contains("6 h") || when.contains("hour"), "{when}");
    assert!(
        !when.contains("minute"),
        "Docker Hub's window is six hours: {when}"
    );
    assert_eq!(
        browser.count("[data-testid=sign-in]").await,
        1,
        "signing in raises it"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_io_has_no_catalog_but_offers_a_namespace() {
    let stand = HubStand::start();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open(&browser, &stand.url("?registry=docker.io")).await;
    browser
        .wait_for_text(
            "[data-testid=error-view][data-kind=no_catalog]",
            "",
            TIMEOUT,
        )
        .await;
    assert_eq!(browser.count("[data-testid=hub-sign-in-button]").await, 1);
    type_into(&browser, "[data-testid=namespace-input]", NAMESPACE).await;
    browser
        .click("[data-testid=namespace-form] button[type=submit]")
        .await;
    browser
        .wait_for_text(
            "[data-testid=catalog-source]",
            "Docker Hub's web API",
            TIMEOUT,
        )
        .await;
    browser.close().await;
}
