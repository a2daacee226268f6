//! The image view's "Supply chain" section against Debian's distribution registry (no
//! referrers API): the fallback tag's SBOM, cosign's `.sig` and `.att`, grouped, each linked
//! to its own view; how the API answered, in words; the section's own requests; an image
//! nothing refers to; an index's BuildKit attestation named by the platform it describes;
//! and script in an annotation stays text.

use lading_testkit::{Browser, Viewport};

use super::stand::{BARE_REPO, HOSTILE_TITLE, INDEX_REPO, REPO, SupplyStand, TAG, TIMEOUT};
use super::tags::texts;
use crate::browser_look::stand::{assert_no_sideways_scroll, open, run};

const SECTION: &str = "[data-testid=supply-chain]";

/// `(data-kind, data-source)` of each referrer row of `group`.
async fn rows(browser: &Browser, group: &str) -> Vec<(String, String)> {
    let value = run(
        browser,
        &format!(
            "return [...document.querySelectorAll('[data-testid=referrers-{group}] [data-testid=referrer]')]
                .map(r => [r.dataset.kind, r.dataset.source])"
        ),
    )
    .await;
    serde_json::from_value(value).expect("rows")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_supply_chain_lists_signatures_attestations_and_sboms_each_with_its_view() {
    let stand = SupplyStand::start().await;
    let subject = stand.image.manifest.digest.clone();
    let hex = subject.trim_start_matches("sha256:").to_owned();
    let url = stand.url(&format!("?image={}", stand.reference(REPO, TAG)));
    for viewport in Viewport::LOOKS {
        let browser = Browser::start_with(viewport).await;
        let label = viewport.label();
        open(&browser, &url).await;
        let heading = browser
            .wait_for_text(&format!("{SECTION} h2"), "Supply chain", TIMEOUT)
            .await;
        assert_eq!(heading, "Supply chain");
        let api = browser
            .wait_for_text("[data-testid=referrers-api]", "no referrers API", TIMEOUT)
            .await;
        assert!(
            api.contains(&format!("read the fallback tag sha256-{hex}")),
            "{api}"
        );
        let signatures = rows(&browser, "signatures").await;
        assert_eq!(
            signatures,
            [("cosign_signature".to_owned(), "cosign tag".to_owned())]
        );
        let attestations = rows(&browser, "attestations").await;
        assert!(
            attestations.contains(&("cosign_attestation".into(), "cosign tag".into())),
            "{attestations:?}"
        );
        assert!(
            attestations.contains(&("sbom".into(), "referrers tag".into())),
            "{attestations:?}"
        );
        let text = browser.text_of(SECTION).await;
        assert!(text.contains("2024-01-02 03:04:05 UTC"), "{text}");
        assert!(text.contains(&format!("sha256-{hex}.sig")), "{text}");
        // Registry text is text: the title's markup is shown, never made an element.
        assert!(text.contains(HOSTILE_TITLE), "{text}");
        assert_eq!(browser.count(&format!("{SECTION} img")).await, 0);
        assert_ne!(run(&browser, "return document.title").await, "pwned");
        // Its own requests, beside (not inside) the view's one Requests panel.
        assert!(browser.count("[data-testid=referrers-request]").await >= 1);
        assert_eq!(browser.count("[data-testid=requests-panel]").await, 1);
        assert_no_sideways_scroll(&browser, &format!("supply chain at {label}")).await;
        run(
            &browser,
            &format!("document.querySelector('{SECTION}').scrollIntoView()"),
        )
        .await;
        browser
            .screenshot(&format!("issue12/supply-chain-{label}.png"))
            .await;
        browser.close().await;
    }
    // Each referrer's view is the image view of `repository@digest`: its shareable URL.
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open(&browser, &url).await;
    let signature = &stand.signature.manifest.digest;
    let css = "[data-testid=referrers-signatures] [data-testid=referrer-link]";
    browser
        .wait_for_text(css, "cosign signature", TIMEOUT)
        .await;
    let href = run(
        &browser,
        &format!("return document.querySelector('{css}').getAttribute('href')"),
    )
    .await;
    let want = format!("image={}/{REPO}@{signature}", stand.registry.host());
    assert!(href.as_str().is_some_and(|h| h.ends_with(&want)), "{href}");
    let hrefs = run(
        &browser,
        "return [...document.querySelectorAll('[data-testid=referrer-link]')].map(a => a.getAttribute('href'))",
    )
    .await;
    let hrefs: Vec<String> = serde_json::from_value(hrefs).expect("hrefs");
    let attestation = format!("@{}", stand.attestation.manifest.digest);
    assert!(hrefs.iter().any(|h| h.ends_with(&attestation)), "{hrefs:?}");
    browser.click(css).await;
    browser
        .wait_for_text("[data-testid=manifest-digest]", signature, TIMEOUT)
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_nothing_refers_to_says_so_and_where_it_looked() {
    let stand = SupplyStand::start().await;
    let browser = Browser::start_with(Viewport::PHONE).await;
    open(
        &browser,
        &stand.url(&format!("?image={}", stand.reference(BARE_REPO, TAG))),
    )
    .await;
    let empty = browser
        .wait_for_text("[data-testid=supply-empty]", "Nothing refers", TIMEOUT)
        .await;
    assert!(
        empty.contains(
            "Nothing refers to this image: no signatures, attestations or SBOMs were found"
        ),
        "{empty}"
    );
    assert!(
        empty.contains("no referrers API") && empty.contains(".sig"),
        "{empty}"
    );
    assert_eq!(browser.count("[data-testid=referrer]").await, 0);
    run(
        &browser,
        &format!("document.querySelector('{SECTION}').scrollIntoView()"),
    )
    .await;
    browser.screenshot("issue12/supply-empty-phone.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_index_attestation_is_named_by_the_platform_it_describes() {
    let stand = SupplyStand::start().await;
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open(
        &browser,
        &stand.url(&format!("?image={}", stand.reference(INDEX_REPO, TAG))),
    )
    .await;
    browser
        .wait_for_text("[data-testid=referrers-attestations]", "BuildKit", TIMEOUT)
        .await;
    let described = texts(&browser, "[data-testid=referrer-describes]").await;
    assert_eq!(described, ["for linux/amd64"], "{described:?}");
    let sources = rows(&browser, "attestations").await;
    assert_eq!(
        sources,
        [(
            "buildkit_attestation".to_owned(),
            "inside the index".to_owned()
        )]
    );
    let link = run(
        &browser,
        "return document.querySelector('[data-testid=referrer-describes] a').getAttribute('href')",
    )
    .await;
    let amd64 = &stand.index.linux_amd64.manifest.digest;
    assert!(
        link.as_str().is_some_and(|l| l.ends_with(amd64.as_str())),
        "{link}"
    );
    run(
        &browser,
        &format!("document.querySelector('{SECTION}').scrollIntoView()"),
    )
    .await;
    browser.screenshot("issue12/supply-index-desktop.png").await;
    browser.close().await;
}
