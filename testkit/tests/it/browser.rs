//! A real headless Chromium opens a local page, finds text and takes a screenshot.

use std::time::Duration;

use lading_testkit::{Browser, ScriptedRegistry, TagScript};

const PAGE_TIMEOUT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn opens_a_local_page_and_takes_a_screenshot() {
    let browser = Browser::start().await;
    browser
        .goto("data:text/html,<title>t</title><h1 id=greeting>Hello from Lading</h1>")
        .await;
    let text = browser
        .wait_for_text("#greeting", "Lading", PAGE_TIMEOUT)
        .await;
    assert_eq!(text, "Hello from Lading");

    // A page served over HTTP from loopback, too.
    let server = ScriptedRegistry::start(TagScript::new("r", 3));
    browser
        .goto(&format!("{}/v2/r/tags/list", server.base_url()))
        .await;
    browser
        .wait_for_text("body", "tag-00002", PAGE_TIMEOUT)
        .await;

    let path = browser.screenshot("testkit/browser-smoke.png").await;
    let png = std::fs::read(&path).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG: {}", path.display());
    browser.close().await;
}
