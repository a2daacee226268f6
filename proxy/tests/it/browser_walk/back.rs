//! Back brings a view back as it was left: sort, open folders, filter, scroll, focus; the
//! Raw JSON tab; the tag filter and order.

use std::time::Duration;

use fantoccini::Locator;
use lading_testkit::fixtures::push_layers;
use lading_testkit::{Browser, Registry, Viewport};

use super::stand::*;

#[tokio::test(flavor = "multi_thread")]
async fn back_restores_sort_open_folders_filter_and_scroll() {
    let stand = Stand::start(Registry::plain()).await;
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open_listing(&browser, &stand.layer_url()).await;

    browser
        .click(&format!("{} [data-testid=dir-toggle]", row("/many")))
        .await;
    browser
        .wait_for_text(&row("/many/f010"), "f010", TIMEOUT)
        .await;
    // Focus stays on the folder that was toggled (keyboard users keep their place).
    let focused = run(&browser, "return document.activeElement.dataset.path || ''").await;
    assert_eq!(focused.as_str(), Some("/many"), "focus after a toggle");
    browser
        .client()
        .find(Locator::Css("[data-testid=listing-sort]"))
        .await
        .expect("sort")
        .select_by_value("size")
        .await
        .expect("sort by size");
    let query = current_query(&browser).await;
    assert!(
        query.contains("open=/many") && query.contains("sort=size"),
        "the set-up is in the URL: {query}"
    );
    // The list is virtualised: sorted by size, f005 is near the end, drawn once scrolled to.
    run(
        &browser,
        "window.scrollTo(0, document.documentElement.scrollHeight)",
    )
    .await;
    browser
        .wait_for_text(&row("/many/f005"), "f005", TIMEOUT)
        .await;
    run(
        &browser,
        "document.querySelector('[data-path=\"/many/f005\"]').scrollIntoView({block: 'center'})",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let y = scroll_y(&browser).await;
    assert!(y > 500.0, "the page scrolled: {y}");
    let f005 = row("/many/f005");
    let top = row_top(&browser, &f005).await.expect("f005 drawn");

    browser
        .click(&format!("{} [data-testid=file-link]", row("/many/f005")))
        .await;
    browser
        .wait_for_text("[data-testid=file-text]", "file 5", TIMEOUT)
        .await;
    let history = run(&browser, "return history.length").await;
    browser.click("[data-testid=back-to-listing]").await;
    browser
        .wait_for_text(&row("/many/f005"), "f005", TIMEOUT)
        .await;
    wait_for_row_at(&browser, &f005, top).await;
    let again = scroll_y(&browser).await;
    assert!(again > 500.0, "scrolled back down: {again} (was {y})");
    assert_eq!(
        value_of(&browser, "[data-testid=listing-sort]").await,
        "size"
    );
    let after = run(&browser, "return history.length").await;
    assert_eq!(after, history, "Back to the listing went back, not forward");

    // Typing a filter replaces the entry (no history per key); Back brings it back.
    type_into(&browser, "[data-testid=listing-filter]", "f11").await;
    browser
        .wait_for_text("[data-testid=match-count]", "10", TIMEOUT)
        .await;
    assert_eq!(run(&browser, "return history.length").await, history);
    assert!(current_query(&browser).await.contains("q=f11"));
    browser
        .click(&format!("{} [data-testid=file-link]", row("/many/f111")))
        .await;
    browser
        .wait_for_text("[data-testid=file-text]", "file 111", TIMEOUT)
        .await;
    browser.client().back().await.expect("back");
    browser
        .wait_for_text("[data-testid=match-count]", "10", TIMEOUT)
        .await;
    assert_eq!(
        value_of(&browser, "[data-testid=listing-filter]").await,
        "f11"
    );
    browser
        .screenshot("issue8/walk-back-restored-desktop.png")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn back_restores_the_raw_json_tab_and_the_tag_filter_and_order() {
    let stand = Stand::start(Registry::plain()).await;
    for tag in ["v2", "v10", "latest"] {
        push_layers(&stand.registry.pusher(), REPO, tag, vec![layer().build()]).await;
    }
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    browser
        .goto(&stand.url(&format!("?image={}", stand.reference())))
        .await;
    browser.click("[data-testid=raw-tab-config]").await;
    browser.click("[data-testid=layer-link]").await;
    browser
        .wait_for_text("[data-testid=listing-summary]", "verified", TIMEOUT)
        .await;
    browser.client().back().await.expect("back");
    browser
        .wait_for_text("[data-testid=raw-json]", "Raw JSON", TIMEOUT)
        .await;
    let pressed = run(
        &browser,
        "return document.querySelector('[data-testid=raw-tab-config]').getAttribute('aria-pressed')",
    )
    .await;
    assert_eq!(pressed.as_str(), Some("true"), "the Config tab is back");

    let repo = format!("{}/{REPO}", stand.registry.host());
    browser.goto(&stand.url(&format!("?repo={repo}"))).await;
    browser
        .wait_for_text("[data-testid=tag-count]", "4", TIMEOUT)
        .await;
    type_into(&browser, "[data-testid=tag-filter]", "v").await;
    browser
        .client()
        .find(Locator::Css("[data-testid=tag-order]"))
        .await
        .expect("order")
        .select_by_index(1)
        .await
        .expect("another order");
    let order = value_of(&browser, "[data-testid=tag-order]").await;
    browser.click("[data-testid=tag-item] a").await;
    browser
        .wait_for_text("[data-testid=raw-json]", "Raw JSON", TIMEOUT)
        .await;
    browser.client().back().await.expect("back");
    browser
        .wait_for_text("[data-testid=tag-list]", "v", TIMEOUT)
        .await;
    assert_eq!(value_of(&browser, "[data-testid=tag-filter]").await, "v");
    assert_eq!(value_of(&browser, "[data-testid=tag-order]").await, order);
    assert_eq!(
        browser.count("[data-testid=tag-item]").await,
        3,
        "latest filtered out"
    );
    browser.close().await;
}
