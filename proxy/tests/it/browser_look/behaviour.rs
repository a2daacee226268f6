//! The walk's interactions: the Requests panel, an attestation, a platform page, the
//! sign-in popover, a pasted command, copying without the clipboard API, the IMAGE ID.

use fantoccini::Locator;
use fantoccini::key::Key;
use lading_testkit::{Browser, Viewport};
use serde_json::Value;

use super::stand::{
    IMAGE_REPO, IMAGE_TAG, INDEX_REPO, INDEX_TAG, Stand, TIMEOUT, assert_no_sideways_scroll, open,
    run,
};

/// Every cell of the Requests table within its own box, and the table within its wrapper.
const CELLS_OVERFLOWING: &str = r#"
    const table = document.querySelector('.requests-table');
    const wrap = table.closest('.table-wrap');
    const out = [];
    if (table.getBoundingClientRect().width > wrap.clientWidth + 1) {
        out.push('table ' + table.getBoundingClientRect().width + ' > ' + wrap.clientWidth);
    }
    for (const cell of table.querySelectorAll('td, dd')) {
        if (cell.offsetParent !== null && cell.scrollWidth > cell.clientWidth + 1) {
            out.push(cell.tagName + ' ' + cell.scrollWidth + ' > ' + cell.clientWidth + ': ' +
                cell.textContent.slice(0, 60));
        }
    }
    return out;
"#;

async fn open_requests_panel(browser: &Browser) {
    browser
        .click("[data-testid=requests-panel] > summary")
        .await;
    for button in browser
        .client()
        .find_all(Locator::Css(".requests-table .headers-toggle button"))
        .await
        .expect("header toggles")
    {
        button.click().await.expect("open the headers");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_requests_panel_keeps_long_headers_in_their_cells() {
    let stand = Stand::start().await;
    for viewport in [Viewport::DESKTOP, Viewport::PHONE] {
        let browser = Browser::start_with(viewport).await;
        let image = stand.reference(IMAGE_REPO, IMAGE_TAG);
        open(&browser, &stand.url(&format!("?image={image}"))).await;
        browser
            .wait_for_text("[data-testid=config-summary]", "Entrypoint", TIMEOUT)
            .await;
        open_requests_panel(&browser).await;
        browser
            .wait_for_text(".requests-table .headers", "accept", TIMEOUT)
            .await;
        let overflowing = run(&browser, CELLS_OVERFLOWING).await;
        assert_eq!(overflowing, Value::Array(vec![]), "at {}", viewport.label());
        assert_no_sideways_scroll(&browser, "requests panel").await;
        // Each row is labelled by the step the proxy recorded, not by guessing from notes.
        let steps = run(
            &browser,
            "return [...document.querySelectorAll('tbody.exchange')].map(b => b.dataset.purpose)",
        )
        .await;
        let steps = steps.as_array().cloned().unwrap_or_default();
        assert!(!steps.is_empty(), "no exchanges shown");
        assert!(
            steps
                .iter()
                .all(|s| s.as_str().is_some_and(|s| !s.is_empty()))
        );
        run(
            &browser,
            "document.querySelector('[data-testid=requests-panel]').scrollIntoView()",
        )
        .await;
        browser
            .screenshot(&format!("issue8/requests-open-{}.png", viewport.label()))
            .await;
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attestation_is_an_artifact_with_its_statement_inline() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let attestation = stand.pinned(INDEX_REPO, &stand.index.attestation.manifest.digest);
    open(&browser, &stand.url(&format!("?image={attestation}"))).await;
    let preview = browser
        .wait_for_text("[data-testid=artifact-preview]", "predicateType", TIMEOUT)
        .await;
    assert!(preview.contains("https://spdx.dev/Document"), "{preview}");
    assert_eq!(
        browser.text_of("[data-testid=artifact-type]").await,
        "application/vnd.in-toto+json"
    );
    for absent in [
        "merged-link",
        "export-link",
        "layer-link",
        "config-summary",
        "image-id",
    ] {
        assert_eq!(
            browser.count(&format!("[data-testid={absent}]")).await,
            0,
            "an attestation has no {absent}"
        );
    }
    assert!(!browser.text_of("main").await.contains("not set"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_platform_page_links_back_to_its_index_and_switches_platforms() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let index = stand.reference(INDEX_REPO, INDEX_TAG);
    open(&browser, &stand.url(&format!("?image={index}"))).await;
    browser
        .wait_for_text("[data-testid=platform-table]", "arm64", TIMEOUT)
        .await;
    browser.click("[data-testid=platform-row] a").await;
    browser
        .wait_for_text("[data-testid=current-platform]", "linux/amd64", TIMEOUT)
        .await;
    let url = browser.client().current_url().await.expect("url");
    let amd64 = &stand.index.linux_amd64.manifest.digest;
    assert!(
        url.as_str().contains(&format!("platform={amd64}")),
        "the platform is in the URL: {url}"
    );
    assert_eq!(
        browser.text_of("[data-testid=manifest-digest]").await,
        *amd64
    );
    // The switcher offers the other platform, not the attestation.
    assert_eq!(browser.count("[data-testid=platform-switch]").await, 1);
    browser.click("[data-testid=platform-switch]").await;
    browser
        .wait_for_text("[data-testid=current-platform]", "linux/arm64", TIMEOUT)
        .await;
    assert_eq!(
        browser.text_of("[data-testid=manifest-digest]").await,
        stand.index.linux_arm64_v8.manifest.digest
    );
    browser.click("[data-testid=back-to-index]").await;
    browser
        .wait_for_text("[data-testid=platform-table]", "arm64", TIMEOUT)
        .await;
    assert_eq!(
        browser.text_of("[data-testid=manifest-digest]").await,
        stand.index.index.manifest.digest
    );
    browser.close().await;
}

async fn active_testid(browser: &Browser) -> String {
    let script = "const a = document.activeElement; return a ? (a.dataset.testid || a.name || a.tagName) : ''";
    run(browser, script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_popover_takes_focus_and_closes_on_escape_and_outside_clicks() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let image = stand.reference(IMAGE_REPO, IMAGE_TAG);
    open(&browser, &stand.url(&format!("?image={image}"))).await;
    browser.click("[data-testid=sign-in-button]").await;
    browser
        .wait_for_text("[data-testid=sign-in-popover]", "Username", TIMEOUT)
        .await;
    assert_eq!(
        active_testid(&browser).await,
        "username",
        "focus moves into the form"
    );
    browser
        .screenshot("issue8/sign-in-popover-desktop.png")
        .await;
    browser
        .client()
        .active_element()
        .await
        .expect("focused")
        .send_keys(&Key::Escape.to_string())
        .await
        .expect("press Escape");
    assert_eq!(browser.count("[data-testid=sign-in-popover]").await, 0);
    assert_eq!(
        active_testid(&browser).await,
        "sign-in-button",
        "focus returns"
    );

    browser.click("[data-testid=sign-in-button]").await;
    assert_eq!(browser.count("[data-testid=sign-in-popover]").await, 1);
    browser.click("[data-testid=manifest-digest]").await;
    assert_eq!(
        browser.count("[data-testid=sign-in-popover]").await,
        0,
        "a click outside closes it"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_docker_pull_line_opens_the_image_from_a_focused_box() {
    let stand = Stand::start().await;
    let browser = Browser::start_with(Viewport::PHONE).await;
    open(&browser, &stand.url("")).await;
    browser
        .wait_for_text("[data-testid=reference-input]", "", TIMEOUT)
        .await;
    assert_eq!(
        active_testid(&browser).await,
        "reference-input",
        "focused on load"
    );
    let image = stand.reference(IMAGE_REPO, IMAGE_TAG);
    browser
        .client()
        .active_element()
        .await
        .expect("focused")
        .send_keys(&format!(
            "  docker pull --platform linux/amd64 {image} {}",
            Key::Enter
        ))
        .await
        .expect("type");
    browser
        .wait_for_text("[data-testid=config-summary]", "Entrypoint", TIMEOUT)
        .await;
    assert_eq!(
        browser.text_of("[data-testid=manifest-digest]").await,
        stand.image.manifest.digest
    );
    let notes = run(
        &browser,
        "return document.querySelector('[data-testid=normalisation-notes]').textContent",
    )
    .await;
    assert!(
        notes.as_str().is_some_and(|n| n.contains("docker pull")),
        "the page says what it removed: {notes}"
    );
    let boxed = run(
        &browser,
        "return document.querySelector('[data-testid=header-reference-input]').value",
    )
    .await;
    assert_eq!(
        boxed,
        Value::String(image.clone()),
        "the header box holds the reference"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn copying_works_without_the_clipboard_api_and_the_image_id_is_the_config_digest() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let image = stand.reference(IMAGE_REPO, IMAGE_TAG);
    open(&browser, &stand.url(&format!("?image={image}"))).await;
    browser
        .wait_for_text("[data-testid=config-summary]", "Entrypoint", TIMEOUT)
        .await;
    let config_hex = stand.image.config.digest.trim_start_matches("sha256:");
    assert_eq!(
        browser.text_of("[data-testid=image-id]").await,
        config_hex[..12]
    );
    assert!(
        browser
            .text_of("[data-testid=image-id-help]")
            .await
            .contains("config")
    );

    // A plain-HTTP deployment has no navigator.clipboard: take it away, watch the copy.
    run(
        &browser,
        r#"
        Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
        window.__copied = null;
        document.addEventListener('copy', () => {
            const a = document.activeElement;
            window.__copied = a && 'value' in a ? a.value.substring(a.selectionStart, a.selectionEnd) : null;
        });
        "#,
    )
    .await;
    browser.click("[data-testid=copy-pull]").await;
    let state = run(
        &browser,
        "return document.querySelector('[data-testid=copy-pull]').dataset.state",
    )
    .await;
    let want = format!(
        "docker pull {}/{IMAGE_REPO}@{}",
        stand.registry.host(),
        stand.image.manifest.digest
    );
    match state.as_str() {
        Some("copied") => {
            let copied = run(&browser, "return window.__copied").await;
            assert_eq!(
                copied,
                Value::String(want),
                "execCommand copied the selection"
            );
        }
        Some("manual") => {
            let shown = run(
                &browser,
                "return document.querySelector('.manual-copy input').value",
            )
            .await;
            assert_eq!(shown, Value::String(want), "the text is offered to select");
        }
        other => panic!("the copy button says {other:?}"),
    }
    assert_no_sideways_scroll(&browser, "image with copy feedback").await;
    browser.close().await;
}
