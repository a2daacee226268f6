//! Directories, symlinks (broken ones too) and missing paths have pages of their own, at
//! desktop and phone width and in dark mode.

use lading_testkit::{Browser, Registry, Viewport};

use super::stand::*;

/// The listing, a directory page and a missing-path page at desktop and phone width, and
/// dark: one browser at a time.
#[tokio::test(flavor = "multi_thread")]
async fn screenshots_of_a_listing_a_directory_and_a_missing_path() {
    let stand = Stand::start(Registry::plain()).await;
    let digest = stand.image.layers[0].digest.clone();
    let image = stand.reference();
    let page = |path: &str| stand.url(&format!("?image={image}&layer={digest}&path={path}"));
    for viewport in [Viewport::DESKTOP, Viewport::PHONE, Viewport::PHONE.dark()] {
        let browser = Browser::start_with(viewport).await;
        let label = viewport.label();
        browser.goto(&page("/usr/share/doc")).await;
        browser
            .wait_for_text("[data-testid=directory-children]", "README", TIMEOUT)
            .await;
        browser
            .screenshot(&format!("issue8/walk-directory-{label}.png"))
            .await;
        assert_no_sideways_scroll(&browser, "directory page", &label).await;
        browser.goto(&page("/nowhere/at/all")).await;
        browser
            .wait_for_text("[data-testid=missing-path]", "is not in", TIMEOUT)
            .await;
        browser
            .screenshot(&format!("issue8/walk-missing-path-{label}.png"))
            .await;
        assert_no_sideways_scroll(&browser, "missing path", &label).await;
        open_listing(
            &browser,
            &format!(
                "{}&open=/etc&open=/usr&open=/usr/share&open=/usr/share/doc",
                stand.layer_url()
            ),
        )
        .await;
        browser
            .wait_for_text(&row("/etc/readme"), "→", TIMEOUT)
            .await;
        browser
            .screenshot(&format!("issue8/walk-listing-{label}.png"))
            .await;
        assert_no_sideways_scroll(&browser, "listing", &label).await;
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn directories_symlinks_broken_symlinks_and_missing_paths_have_pages() {
    let stand = Stand::start(Registry::plain()).await;
    let digest = stand.image.layers[0].digest.clone();
    let image = stand.reference();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    let page = |path: &str| stand.url(&format!("?image={image}&layer={digest}&path={path}"));
    // A directory's children are links, and the page opens the tree at it.
    browser.goto(&page("/usr/share/doc")).await;
    wait_for(&browser, "[data-testid=entry-kind][data-kind=directory]").await;
    assert_eq!(browser.count("[data-testid=child-row]").await, 2);
    browser
        .click("[data-testid=child-row] [data-testid=child-link]")
        .await;
    browser
        .wait_for_text("[data-testid=file-text]", "read me", TIMEOUT)
        .await;
    // Breadcrumb folders are links to their directory pages (the first is /usr).
    browser.click("[data-testid=crumb-folder]").await;
    wait_for(&browser, "[data-testid=entry-kind][data-kind=directory]").await;
    browser.click("[data-testid=open-in-tree]").await;
    browser
        .wait_for_text(&row("/usr/share"), "share", TIMEOUT)
        .await;

    browser.goto(&page("/etc/readme")).await;
    browser
        .wait_for_text("[data-testid=symlink-chain]", "/etc/readme", TIMEOUT)
        .await;
    browser
        .wait_for_text("[data-testid=file-text]", "read me", TIMEOUT)
        .await;

    browser.goto(&page("/etc/broken")).await;
    let broken = browser
        .wait_for_text("[data-testid=broken-symlink]", "not in", TIMEOUT)
        .await;
    assert!(broken.contains("/nowhere/gone.conf"), "{broken}");
    wait_for(
        &browser,
        "[data-testid=entry-kind][data-kind=broken-symlink]",
    )
    .await;

    browser.goto(&page("/etc/hostnam")).await;
    browser
        .wait_for_text("[data-testid=missing-path]", "is not in", TIMEOUT)
        .await;
    browser.click("[data-testid=missing-up]").await;
    wait_for(&browser, "[data-testid=entry-kind][data-kind=directory]").await;
    let body = browser.text_of("body").await;
    assert!(
        !body.contains("malformed"),
        "no 'malformed' anywhere: {body}"
    );

    // A link cut short (a layer digest missing its end) names what is broken and leads to
    // the image, which is fine.
    let short = &digest.to_string()[..20];
    browser
        .goto(&stand.url(&format!("?image={image}&layer={short}")))
        .await;
    let error = browser
        .wait_for_text("[data-kind=broken_link]", "layer", TIMEOUT)
        .await;
    assert!(!error.contains("reference"), "{error}");
    browser.click("[data-kind=broken_link] a").await;
    browser
        .wait_for_text(
            "[data-testid=layer-table]",
            &digest.to_string()[7..19],
            TIMEOUT,
        )
        .await;
    browser.close().await;
}
