//! The Reproduce panel and the exports on every view: each `pre[data-reproduce]` is there
//! and not empty, its copy button copies exactly its text and its download holds it; the
//! HAR, Postman and Mermaid links are in-page URLs whose contents parse.

use std::time::{Duration, Instant};

use lading_testkit::Browser;
use serde_json::{Value, json};

use super::views::{fetch_text, href_of, open_panel, open_view_in_app, views};
use crate::browser_look::stand::{Stand, TIMEOUT, open, run};

/// Each `pre[data-reproduce]`: its kind and its text.
const PRES: &str = "return [...document.querySelectorAll('pre[data-reproduce]')]
    .map(p => [p.dataset.reproduce, p.textContent]);";

/// Replaces the clipboard with one that keeps what was written, for the page to read back.
const RECORD_CLIPBOARD: &str = "window.__copied = null;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: {
        writeText: (t) => { window.__copied = t; return Promise.resolve(); } } });";

const KINDS: [&str; 7] = [
    "sh", "python", "crane", "regctl", "skopeo", "oras", "docker",
];

#[tokio::test(flavor = "multi_thread")]
async fn every_view_reproduces_and_exports_in_the_page() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    open(&browser, &stand.url("")).await;
    // The app is up (its router takes the links that follow).
    browser
        .wait_for_text("[data-testid=reference-input]", "", TIMEOUT)
        .await;
    for view in views(&stand) {
        open_view_in_app(&browser, &view).await;
        open_panel(&browser, "Reproduce").await;
        let pres = texts(&browser).await;
        let kinds: Vec<&str> = pres.iter().map(|(k, _)| k.as_str()).collect();
        for needed in ["sh", "python"] {
            assert!(
                kinds.contains(&needed),
                "{}: no {needed} script: {kinds:?}",
                view.name
            );
        }
        for (kind, text) in &pres {
            assert!(
                KINDS.contains(&kind.as_str()),
                "{}: unknown kind {kind}",
                view.name
            );
            assert!(
                !text.trim().is_empty(),
                "{}: the {kind} text is empty",
                view.name
            );
            let download = href_of(&browser, &format!("#reproduce-{kind} a.blob-link"))
                .await
                .unwrap_or_else(|| panic!("{}: no download for {kind}", view.name));
            assert_eq!(
                &fetch_text(&browser, &download).await,
                text,
                "{}: the {kind} download is not the text shown",
                view.name
            );
        }
        for kind in ["sh", "python"] {
            let copied = copy(&browser, kind).await;
            let shown = &pres.iter().find(|(k, _)| k == kind).expect("shown").1;
            assert_eq!(
                &copied, shown,
                "{}: the {kind} copy is not the text",
                view.name
            );
        }
        check_exports(&browser, view.name).await;
    }
    browser.close().await;
}

async fn texts(browser: &Browser) -> Vec<(String, String)> {
    let value = run(browser, PRES).await;
    let pairs = value.as_array().cloned().unwrap_or_default();
    pairs
        .iter()
        .map(|pair| {
            let at = |i: usize| pair[i].as_str().unwrap_or_default().to_owned();
            (at(0), at(1))
        })
        .collect()
}

/// Jumps to `kind`'s section, clicks its copy button and returns what reached the clipboard.
async fn copy(browser: &Browser, kind: &str) -> String {
    // The jump button scrolls the section below the sticky header, as a person sees it;
    // clicked in the page, as the jump row itself may then sit under that header.
    run(
        browser,
        &format!(
            "document.querySelector('.reproduce-tabs button[aria-controls=\"reproduce-{kind}\"]').click();"
        ),
    )
    .await;
    run(browser, RECORD_CLIPBOARD).await;
    browser
        .click(&format!("#reproduce-{kind} .reproduce-actions button.copy"))
        .await;
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Value::String(text) = run(browser, "return window.__copied;").await {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "the {kind} copy button copied nothing"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The three export links: in-page URLs; HAR 1.2 and Postman v2.1 JSON; Mermaid source.
async fn check_exports(browser: &Browser, view: &str) {
    let mut bodies = Vec::new();
    for export in ["har", "postman", "mermaid"] {
        let href = href_of(browser, &format!("a[data-export={export}]"))
            .await
            .unwrap_or_else(|| panic!("{view}: no {export} export link"));
        assert!(
            href.starts_with("blob:") || href.starts_with("data:"),
            "{view}: the {export} link is {href}"
        );
        bodies.push(fetch_text(browser, &href).await);
    }
    let har: Value = serde_json::from_str(&bodies[0])
        .unwrap_or_else(|e| panic!("{view}: the HAR is not JSON: {e}"));
    assert_eq!(har["log"]["version"], json!("1.2"), "{view}: HAR version");
    let entries = har["log"]["entries"].as_array().map_or(0, Vec::len);
    assert!(entries > 0, "{view}: the HAR has no entries");
    let postman: Value = serde_json::from_str(&bodies[1])
        .unwrap_or_else(|e| panic!("{view}: the Postman collection is not JSON: {e}"));
    let schema = postman["info"]["schema"].as_str().unwrap_or_default();
    assert!(schema.contains("v2.1"), "{view}: Postman schema {schema:?}");
    assert!(
        bodies[2].contains("sequenceDiagram"),
        "{view}: the Mermaid export is {:?}",
        &bodies[2]
    );
}
