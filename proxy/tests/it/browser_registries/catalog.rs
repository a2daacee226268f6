//! A registry's catalog: every `_catalog` page, filtered in the page, under a prefix.

use lading_testkit::{Browser, Viewport};

use super::stand::{CATALOG_TEAM, CatalogStand, TIMEOUT, open, type_into, wait_for_count};

#[tokio::test(flavor = "multi_thread")]
async fn a_catalog_lists_every_page_filters_and_opens_tags() {
    let stand = CatalogStand::start().await;
    let host = stand.registry.host();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open(&browser, &stand.url(&format!("?registry={host}"))).await;
    let all = (CATALOG_TEAM + 1).to_string();
    browser
        .wait_for_text("[data-testid=repository-count]", &all, TIMEOUT)
        .await;
    browser
        .wait_for_text("[data-testid=catalog-source]", "GET /v2/_catalog", TIMEOUT)
        .await;
    type_into(&browser, "[data-testid=repository-filter]", "app-10").await;
    wait_for_count(
        &browser,
        "[data-testid=repository-item]",
        |n| n == 5,
        "filtered",
    )
    .await;
    browser.click("[data-testid=repository-link]").await;
    browser
        .wait_for_text("[data-testid=tag-count]", "1", TIMEOUT)
        .await;
    let url = browser.client().current_url().await.expect("url");
    assert!(
        url.as_str().contains(&format!("repo={host}/team/app-")),
        "{url}"
    );
    // The tag list leads back to the catalog, under the repository's prefix.
    browser
        .click("[data-testid=other-repositories-prefix]")
        .await;
    browser
        .wait_for_text(
            "[data-testid=repository-count]",
            &CATALOG_TEAM.to_string(),
            TIMEOUT,
        )
        .await;
    open(
        &browser,
        &stand.url(&format!("?registry={host}&namespace=other/")),
    )
    .await;
    browser
        .wait_for_text("[data-testid=repository-count]", "1", TIMEOUT)
        .await;
    assert_eq!(browser.count("[data-testid=repository-item]").await, 1);
    browser.close().await;
}
