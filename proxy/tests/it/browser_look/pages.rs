//! Every page kind at desktop and phone width, light and dark: nothing scrolls sideways,
//! and a screenshot of each goes to `test-artifacts/issue8/` for a person to look at.

use lading_testkit::{Browser, Viewport};

use super::stand::{
    FILES_REPO, FILES_TAG, IMAGE_REPO, IMAGE_TAG, INDEX_REPO, INDEX_TAG, LONG_FILE, Stand,
    TAGS_REPO, TIMEOUT, assert_no_sideways_scroll, assert_readable_controls, assert_tables_stack,
    open, run,
};

/// One page to look at: its name, its query, and what shows it has rendered.
struct Page {
    name: &'static str,
    query: String,
    ready: &'static str,
    text: String,
    /// Scroll here for a second screenshot (`NAME-below-…`).
    below: Option<&'static str>,
}

fn pages(stand: &Stand) -> Vec<Page> {
    let host = stand.registry.host();
    let index = stand.reference(INDEX_REPO, INDEX_TAG);
    let amd64 = &stand.index.linux_amd64.manifest.digest;
    let attestation = stand.pinned(INDEX_REPO, &stand.index.attestation.manifest.digest);
    let files = stand.reference(FILES_REPO, FILES_TAG);
    let files_pinned = stand.pinned(FILES_REPO, &stand.files.manifest.digest);
    let layer = &stand.files.layers[0].digest;
    let page = |name, query: String, ready, text: &str| Page {
        name,
        query,
        ready,
        text: text.to_owned(),
        below: None,
    };
    vec![
        page("home", String::new(), "[data-testid=reference-input]", ""),
        Page {
            below: Some("[data-testid=layer-table]"),
            ..page(
                "image",
                format!("?image={}", stand.reference(IMAGE_REPO, IMAGE_TAG)),
                "[data-testid=config-summary]",
                "Entrypoint",
            )
        },
        page(
            "index",
            format!("?image={index}"),
            "[data-testid=platform-table]",
            "arm64",
        ),
        page(
            "platform",
            format!("?image={index}&platform={amd64}"),
            "[data-testid=platform-context]",
            "linux/amd64",
        ),
        page(
            "attestation",
            format!("?image={attestation}"),
            "[data-testid=artifact-preview]",
            "spdx",
        ),
        page(
            "tags",
            format!("?repo={host}/{TAGS_REPO}"),
            "[data-testid=tag-count]",
            "30",
        ),
        page(
            "layer",
            format!("?image={files_pinned}&layer={layer}"),
            "[data-testid=listing-summary]",
            "",
        ),
        page(
            "merged",
            format!(
                "?image={files}&fs=merged&open=/srv&open=/srv/a-rather-long-directory-name-for-a-phone"
            ),
            "[data-testid=listing-summary]",
            "",
        ),
        page(
            "file",
            format!("?image={files}&fs=merged&path={LONG_FILE}"),
            "[data-testid=file-text]",
            "key =",
        ),
        page(
            "error-tag",
            format!("?image={host}/{IMAGE_REPO}:no-such-tag"),
            "[data-testid=error-view]",
            "",
        ),
        page(
            "error-choose-platform",
            format!("?image={index}&fs=merged"),
            "[data-testid=error-view]",
            "Choose a platform",
        ),
        page(
            "error-near-tags",
            format!("?image={host}/{TAGS_REPO}:stabel"),
            "[data-testid=near-tags]",
            "stable",
        ),
        page(
            "error-reference",
            "?image=Not%20A%20Reference".to_owned(),
            "[data-testid=error-view]",
            "",
        ),
    ]
}

async fn look_at_every_page(viewport: Viewport) {
    let stand = Stand::start().await;
    let browser = Browser::start_with(viewport).await;
    for page in pages(&stand) {
        open(&browser, &stand.url(&page.query)).await;
        browser.wait_for_text(page.ready, &page.text, TIMEOUT).await;
        let at = format!("{} at {}", page.name, viewport.label());
        assert_no_sideways_scroll(&browser, &at).await;
        assert_readable_controls(&browser, &at).await;
        if viewport.width < 640 {
            assert_tables_stack(&browser, &at).await;
        }
        let label = viewport.label();
        browser
            .screenshot(&format!("issue8/{}-{label}.png", page.name))
            .await;
        if let Some(below) = page.below {
            run(
                &browser,
                &format!("document.querySelector('{below}').scrollIntoView({{block: 'start'}})"),
            )
            .await;
            browser
                .screenshot(&format!("issue8/{}-below-{label}.png", page.name))
                .await;
        }
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_fits_a_desktop() {
    look_at_every_page(Viewport::DESKTOP).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_fits_a_phone() {
    look_at_every_page(Viewport::PHONE).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_fits_a_desktop_in_dark_mode() {
    look_at_every_page(Viewport::DESKTOP.dark()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_fits_a_phone_in_dark_mode() {
    look_at_every_page(Viewport::PHONE.dark()).await;
}
