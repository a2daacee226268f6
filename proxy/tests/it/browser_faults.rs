//! Faults as a person sees them: a rate limit with how long to wait, a corrupt layer
//! explained as an integrity failure — each in the error view, in words, not as a JSON dump.

use std::time::Duration;

use lading_testkit::{Browser, Fault, FaultRegistry, Target};

/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
const TIMEOUT: Duration = Duration::from_secs(30);
const ERROR_VIEW: &str = "[data-testid=error-view]";

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_and_a_corrupt_layer_are_explained_in_the_page() {
    lading_testkit::require_frontend_dist();
    let limited = FaultRegistry::start();
    limited.inject(Target::Manifest, Fault::TooManyRequests { retry_after: 7 });
    let corrupt = FaultRegistry::start();
    corrupt.inject(Target::Layer, Fault::WrongDigest);
    let lading = crate::support::lading_allowing(&["127.0.0.1"]);
    let browser = Browser::start().await;

    let page = format!("{}/?image={}", lading.base_url(), limited.reference());
    browser.goto(&page).await;
    let shown = browser
        .wait_for_text(ERROR_VIEW, "The registry is rate-limiting", TIMEOUT)
        .await;
    assert!(shown.contains("wait 7 seconds"), "the retry hint: {shown}");
    assert_explained(&browser, &shown).await;
    browser.screenshot("fault-rate-limited.png").await;

    let page = format!(
        "{}/?image={}&layer={}",
        lading.base_url(),
        corrupt.reference(),
        corrupt.image().layer_digest
    );
    browser.goto(&page).await;
    let shown = browser
        .wait_for_text(ERROR_VIEW, "Content did not match its digest", TIMEOUT)
        .await;
    assert!(
        shown.contains(&corrupt.image().layer_digest),
        "names the blob: {shown}"
    );
    assert_explained(&browser, &shown).await;
    browser.screenshot("fault-corrupt-layer.png").await;
    browser.close().await;
}

/// Words for a person: the error view says what to make of it and shows no raw JSON.
async fn assert_explained(browser: &Browser, shown: &str) {
    assert!(!shown.contains("\"kind\""), "a raw dump: {shown}");
    assert!(!shown.contains("{\""), "a raw dump: {shown}");
    assert_eq!(browser.count(ERROR_VIEW).await, 1);
}
