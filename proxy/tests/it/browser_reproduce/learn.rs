//! The explainer pages: `/?learn=pull` and `/?learn=push` list every spec endpoint
//! (`end-1` … `end-13`), number their steps, draw their own diagram, and link the live
//! views — of the example, or of the image `ref=` names; they are reached from home and from
//! a view's diagram; any other `learn=` is a broken link, not a blank page.

use lading_testkit::Browser;
use serde_json::{Value, json};

use super::views::{href_of, open_panel, open_view, views};
use crate::browser_look::stand::{
    IMAGE_REPO, IMAGE_TAG, Stand, TIMEOUT, assert_no_sideways_scroll, open, run,
};

/// Every id of the distribution-spec's endpoint table.
const SPEC_IDS: [&str; 16] = [
    "end-1", "end-2", "end-3", "end-4a", "end-4b", "end-5", "end-6", "end-7", "end-8a", "end-8b",
    "end-9", "end-10", "end-11", "end-12a", "end-12b", "end-13",
];

async fn listed_ids(browser: &Browser, css: &str) -> Vec<String> {
    let value = run(
        browser,
        &format!(
            "return [...document.querySelectorAll({})].map(e => e.dataset.endpoint || e.dataset.specEndpoint);",
            json!(css)
        ),
    )
    .await;
    let ids = value.as_array().cloned().unwrap_or_default();
    ids.iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

async fn links(browser: &Browser, css: &str) -> Vec<String> {
    let value = run(
        browser,
        &format!(
            "return [...document.querySelectorAll({})].map(a => a.getAttribute('href'));",
            json!(css)
        ),
    )
    .await;
    let hrefs = value.as_array().cloned().unwrap_or_default();
    hrefs
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn learn_pages_walk_through_every_endpoint() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let mut in_steps: Vec<String> = Vec::new();
    for topic in ["pull", "push"] {
        open(&browser, &stand.url(&format!("?learn={topic}"))).await;
        browser
            .wait_for_text("[data-testid=learn-page] h1", "How", TIMEOUT)
            .await;
        let table = listed_ids(
            &browser,
            "[data-testid=spec-endpoints] [data-spec-endpoint]",
        )
        .await;
        assert_eq!(table, SPEC_IDS, "{topic}: the spec table");
        in_steps.extend(listed_ids(&browser, "[data-testid=learn-steps] [data-endpoint]").await);
        let steps = browser.count("[data-testid=learn-steps] > li").await;
        assert!(steps >= 8, "{topic}: {steps} steps");
        // A small diagram of its own, not tied to any Requests panel.
        assert!(
            browser
                .count("[data-testid=diagram-svg] [data-arrow]")
                .await
                >= 16
        );
        // Live links open the example image and its tags.
        let live = links(&browser, "[data-testid=learn-steps] .learn-live-links a").await;
        assert!(
            live.iter().any(|h| h == "/?image=alpine:3.9"),
            "{topic}: live links {live:?}"
        );
    }
    for id in SPEC_IDS {
        assert!(
            in_steps.iter().any(|s| s == id),
            "{id} is in no step of either walk-through"
        );
    }
    let push = browser.text_of("[data-testid=learn-page]").await;
    assert!(
        push.contains("Lading never pushes"),
        "the push page says it only explains"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn learn_pages_are_reached_from_home_and_from_a_view() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    open(&browser, &stand.url("")).await;
    browser
        .wait_for_text("[data-testid=learn-links]", "How pulling works", TIMEOUT)
        .await;
    browser.click("[data-testid=learn-links] a").await;
    browser
        .wait_for_text("[data-testid=learn-page] h1", "How pulling works", TIMEOUT)
        .await;

    // From a view's diagram, the live links follow that view's image.
    let view = &views(&stand)[1];
    open_view(&browser, &stand, view).await;
    open_panel(&browser, "Diagram").await;
    let href = href_of(&browser, "[data-testid=learn-pull-link]")
        .await
        .expect("the diagram links the pull page");
    assert!(href.starts_with("/?learn=pull&ref="), "{href}");
    browser.click("[data-testid=learn-pull-link]").await;
    browser
        .wait_for_text("[data-testid=learn-example]", IMAGE_REPO, TIMEOUT)
        .await;
    let image = stand.reference(IMAGE_REPO, IMAGE_TAG);
    let live = links(&browser, "[data-testid=learn-steps] .learn-live-links a").await;
    assert!(
        live.iter().any(|h| h == &format!("/?image={image}")),
        "live links follow ref=: {live:?}"
    );
    assert_no_sideways_scroll(&browser, "learn page").await;

    // A learn value that is no page: the broken-link explanation, not an empty page.
    open(&browser, &stand.url("?learn=fetch")).await;
    let said = browser.wait_for_text("main", "fetch", TIMEOUT).await;
    assert!(said.contains("pull"), "it says what learn= may be: {said}");
    let value = run(
        &browser,
        "return document.querySelector('[data-testid=learn-page]')",
    )
    .await;
    assert_eq!(value, Value::Null);
    browser.close().await;
}
