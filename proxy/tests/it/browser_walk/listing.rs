//! The listing itself: signing in lists a private layer; one filter rule with a match
//! count, inline symlink targets, shortened names; Cancel keeps what arrived.

use std::time::Duration;

use fantoccini::Locator;
use lading_testkit::fixtures::{big_gzip_layer, push_layers};
use lading_testkit::{Browser, Registry, Viewport};

use super::stand::*;

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_on_a_layer_page_of_a_private_image_lists_it() {
    let stand = Stand::start(Registry::htpasswd(USER, PASSWORD)).await;
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    browser.goto(&stand.layer_url()).await;
    browser
        .wait_for_text("[data-testid=error-view]", "sign in", TIMEOUT)
        .await;
    let form = "[data-testid=error-view] [data-testid=sign-in]";
    type_into(&browser, &format!("{form} input[name=username]"), USER).await;
    type_into(&browser, &format!("{form} input[name=password]"), PASSWORD).await;
    browser.click(&format!("{form} button[type=submit]")).await;
    browser
        .wait_for_text("[data-testid=listing-summary]", "verified", TIMEOUT)
        .await;
    browser.wait_for_text(&row("/etc"), "etc", TIMEOUT).await;
    browser
        .screenshot("issue8/walk-signed-in-listing-desktop.png")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_filter_rule_with_a_match_count_inline_targets_and_short_names() {
    let stand = Stand::start(Registry::plain()).await;
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    let image = stand.reference();
    for url in [
        stand.layer_url(),
        stand.url(&format!("?image={image}&fs=merged")),
    ] {
        // A name pattern sees names only: "etc" is the folder, not what is in it.
        open_listing(&browser, &format!("{url}&q=etc")).await;
        let count = browser
            .wait_for_text(".listing-tools .tag-count", "entries match", TIMEOUT)
            .await;
        assert!(count.starts_with("1 of "), "{count}");
        assert_eq!(browser.count(&row("/etc/hostname")).await, 0);
        // With a slash, the full path.
        open_listing(&browser, &format!("{url}&q=/etc/host")).await;
        let count = browser.text_of("[data-testid=match-count]").await;
        assert_eq!(count, "2", "hostname and hosts: {url}");
        browser
            .wait_for_text(&row("/etc/hosts"), "hosts", TIMEOUT)
            .await;
    }
    open_listing(
        &browser,
        &format!(
            "{}&open=/etc&open=/usr&open=/usr/share&open=/usr/share/doc",
            stand.layer_url()
        ),
    )
    .await;
    let readme = browser
        .wait_for_text(&row("/etc/readme"), "readme", TIMEOUT)
        .await;
    assert!(
        readme.contains("readme → ../usr/share/doc/README"),
        "inline target: {readme}"
    );
    let long = row(&format!("/usr/share/doc/{LONG_NAME}"));
    let shown = browser.wait_for_text(&long, "…", TIMEOUT).await;
    assert!(!shown.contains(LONG_NAME), "shortened: {shown}");
    let title = run(
        &browser,
        &format!("return document.querySelector('{long} [data-testid=file-link]').title"),
    )
    .await;
    assert_eq!(title.as_str(), Some(LONG_NAME));
    browser.close().await;
}

/// A big layer (88 MiB of tar): Cancel as soon as the first entries show.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_listing_can_be_cancelled_and_what_arrived_stays() {
    lading_testkit::require_frontend_dist();
    let registry = Registry::plain();
    let big = push_layers(
        &registry.pusher(),
        "team/big",
        "v1",
        vec![big_gzip_layer().clone()],
    )
    .await;
    let host = registry.host();
    let lading = crate::support::lading_allowing(&[&host]);
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    let url = format!(
        "{}/?image={host}/team/big:v1&layer={}",
        lading.base_url(),
        big.layers[0].digest
    );
    browser.goto(&url).await;
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let progress = browser
            .client()
            .find(Locator::Css("[data-testid=listing-progress]"))
            .await;
        let text = match progress {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains("so far") && !text.contains(" 0 entries") {
            break;
        }
        assert_eq!(
            browser.count("[data-testid=listing-summary]").await,
            0,
            "the listing finished before it could be cancelled"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "no entry arrived: {text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    browser.click("[data-testid=listing-cancel]").await;
    let note = browser
        .wait_for_text("[data-testid=listing-cancelled]", "Cancelled", TIMEOUT)
        .await;
    assert_eq!(browser.count("[data-testid=listing-progress]").await, 0);
    let listed: usize = note
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("a count in {note:?}"));
    assert!(listed >= 1, "{note}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        browser.text_of("[data-testid=listing-cancelled]").await,
        note,
        "stays cancelled"
    );
    // What arrived is still a listing: the filter works on it.
    browser.wait_for_text(&row("/data"), "data", TIMEOUT).await;
    type_into(&browser, "[data-testid=listing-filter]", "chunk-000").await;
    browser
        .wait_for_text(".listing-tools .tag-count", "entries match", TIMEOUT)
        .await;
    browser
        .screenshot("issue8/walk-cancelled-desktop.png")
        .await;
    // And it can be listed again (it starts over; the end is not waited for).
    browser.click("[data-testid=listing-restart]").await;
    wait_for(
        &browser,
        "[data-testid=listing-progress], [data-testid=listing-summary]",
    )
    .await;
    assert_eq!(browser.count("[data-testid=listing-cancelled]").await, 0);
    browser.close().await;
}
