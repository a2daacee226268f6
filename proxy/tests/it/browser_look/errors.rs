//! Errors that offer the way forward: the platforms of an index, tags near a typo, the
//! `:latest` that was assumed, a repository never said to exist.

use lading_testkit::Browser;

use super::stand::{
    IMAGE_REPO, INDEX_REPO, INDEX_TAG, Stand, TAGS_REPO, TIMEOUT, assert_no_sideways_scroll, open,
};

#[tokio::test(flavor = "multi_thread")]
async fn an_index_without_a_platform_offers_its_platforms() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let index = stand.reference(INDEX_REPO, INDEX_TAG);
    open(&browser, &stand.url(&format!("?image={index}&fs=merged"))).await;
    browser
        .wait_for_text("[data-testid=error-view]", "Choose a platform", TIMEOUT)
        .await;
    assert!(browser.count("[data-testid=candidate-row]").await >= 2);
    assert_eq!(
        browser.count("[data-testid=candidate-link]").await,
        2,
        "the two platforms are links, the attestation is not"
    );
    let main = browser.text_of("main").await;
    assert!(!main.contains("malformed"), "{main}");
    browser
        .screenshot("issue8/error-choose-platform-desktop.png")
        .await;
    // The same view (the merged filesystem), for the platform chosen.
    browser.click("[data-testid=candidate-link]").await;
    browser
        .wait_for_text("[data-testid=listing-summary]", "", TIMEOUT)
        .await;
    let url = browser.client().current_url().await.expect("url");
    let amd64 = &stand.index.linux_amd64.manifest.digest;
    assert!(url.as_str().contains(&format!("platform={amd64}")), "{url}");
    assert!(url.as_str().contains("fs=merged"), "{url}");
    assert_eq!(browser.count("[data-testid=error-view]").await, 0);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_typo_in_a_tag_offers_the_tags_near_it() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let typo = stand.reference(TAGS_REPO, "stabel");
    open(&browser, &stand.url(&format!("?image={typo}"))).await;
    browser
        .wait_for_text("[data-testid=error-view]", "No such tag", TIMEOUT)
        .await;
    browser
        .wait_for_text("[data-testid=near-tags]", "stable", TIMEOUT)
        .await;
    assert_eq!(browser.count("[data-testid=all-tags-link]").await, 1);
    browser
        .screenshot("issue8/error-near-tags-desktop.png")
        .await;
    browser.click("[data-testid=near-tag]").await;
    browser
        .wait_for_text("[data-testid=manifest-digest]", "sha256:", TIMEOUT)
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_latest_says_it_was_assumed_and_a_missing_repository_is_not_said_to_exist() {
    let stand = Stand::start().await;
    let browser = Browser::start_with(lading_testkit::Viewport::PHONE).await;
    let untagged = format!("{}/{IMAGE_REPO}", stand.registry.host());
    open(&browser, &stand.url(&format!("?image={untagged}"))).await;
    browser
        .wait_for_text("[data-testid=latest-assumed]", ":latest", TIMEOUT)
        .await;
    assert_no_sideways_scroll(&browser, "manifest unknown").await;
    browser.screenshot("issue8/error-latest-phone.png").await;

    let missing = format!("{}/team/no-such-repository:v1", stand.registry.host());
    open(&browser, &stand.url(&format!("?image={missing}"))).await;
    let text = browser
        .wait_for_text("[data-testid=error-view]", "No such", TIMEOUT)
        .await;
    assert!(!text.contains("repository exists"), "{text}");
    assert!(!text.contains("malformed"), "{text}");
    browser.close().await;
}
