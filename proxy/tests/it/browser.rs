//! The app in a real browser, as a person uses it: `lading` serving the built frontend
//! (`dist/`) and the API, a real registry behind it, headless Chromium clicking.
//!
//! This is the only test that catches a broken wasm build (a wrong `wasm-opt` gives a blank
//! page, see PROTOCOL.md), so it fails — never skips — when `dist/` is missing.
//!
//! To look at the same fixtures by hand: `cargo run -p lading-testkit --bin lading-fixtures`.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;
use lading_testkit::fixtures::{
    AttestedIndex, ManyTags, PushedImage, XSS_LABEL_VALUE, push_many_tags, push_oci_image,
    push_oci_index_with_attestation,
};
use lading_testkit::{Browser, LadingProcess, Registry};

/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
const TIMEOUT: Duration = Duration::from_secs(30);
const INDEX_REPO: &str = "team/multi";
const INDEX_TAG: &str = "v1";
const IMAGE_REPO: &str = "team/api";
const IMAGE_TAG: &str = "v2";
const TAGS_REPO: &str = "team/tags";
const TAG_COUNT: usize = 120;

/// A registry with fixtures and a `lading` allowed to reach it.
struct Stand {
    registry: Registry,
    lading: LadingProcess,
    index: AttestedIndex,
    image: PushedImage,
    tags: ManyTags,
}

impl Stand {
    async fn start() -> Stand {
        lading_testkit::require_frontend_dist();
        let registry = Registry::plain();
        let pusher = registry.pusher();
        let index = push_oci_index_with_attestation(&pusher, INDEX_REPO, INDEX_TAG).await;
        let image = push_oci_image(&pusher, IMAGE_REPO, IMAGE_TAG).await;
        let tags = push_many_tags(&pusher, TAGS_REPO, TAG_COUNT).await;
        let host = registry.host();
        let lading = crate::support::lading_allowing(&[&host]);
        Stand {
            registry,
            lading,
            index,
            image,
            tags,
        }
    }

    fn reference(&self, repo: &str, tag: &str) -> String {
        format!("{}/{repo}:{tag}", self.registry.host())
    }

    fn url(&self, query: &str) -> String {
        format!("{}/{query}", self.lading.base_url())
    }
}

/// Navigates and checks that `lading` served the built app (not its "not built" page).
async fn open(browser: &Browser, url: &str) {
    browser.goto(url).await;
    let served = browser
        .client()
        .execute(
            "return document.querySelector('meta[name=\"lading-app\"]') !== null",
            vec![],
        )
        .await
        .expect("inspect the page");
    if served != serde_json::Value::Bool(true) {
        let body = browser.text_of("body").await;
        panic!("{url} is not the built frontend; lading served: {body:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn paste_a_reference_see_platforms_and_attestation_then_open_a_platform() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    open(&browser, &stand.url("")).await;

    let input = browser
        .client()
        .wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css("[data-testid=reference-input]"))
        .await
        .expect("the home page shows the paste box");
    input
        .send_keys(&format!(
            "{}{}",
            stand.reference(INDEX_REPO, INDEX_TAG),
            Key::Enter
        ))
        .await
        .expect("type into the paste box");

    browser
        .wait_for_text("[data-testid=platform-table]", "arm64", TIMEOUT)
        .await;
    let digest = browser.text_of("[data-testid=manifest-digest]").await;
    assert_eq!(
        digest, stand.index.index.manifest.digest,
        "the header shows the index digest"
    );
    let current = browser.client().current_url().await.expect("current url");
    assert!(
        current.query().is_some_and(|q| q.starts_with("image=")),
        "the view lives in the URL: {current}"
    );

    // Two platforms; the attestation hangs under amd64 and is not a platform of its own.
    assert_eq!(browser.count("[data-testid=platform-row]").await, 2);
    assert_eq!(browser.count("[data-testid=attestation]").await, 1);
    assert_eq!(
        browser
            .count("[data-testid=platform-row][data-testid=attestation]")
            .await,
        0
    );
    let rows = browser
        .client()
        .find_all(Locator::Css("[data-testid=platform-row]"))
        .await
        .expect("platform rows");
    for row in &rows {
        assert!(
            !row.text().await.unwrap_or_default().contains("unknown"),
            "unknown/unknown is not a platform"
        );
    }
    let attestation = browser.text_of("[data-testid=attestation]").await;
    assert!(
        attestation.contains(&stand.index.attestation.manifest.digest[..19]),
        "attestation row: {attestation}"
    );
    browser.screenshot("browser-index.png").await;

    // The requests panel teaches the protocol: it lists what the proxy fetched.
    assert!(browser.count("[data-testid=requests-panel]").await >= 1);

    // Click amd64, see its history aligned with layers. The marker survives only if the
    // router navigated in place rather than reloading the page.
    browser
        .client()
        .execute("window.__ladingMarker = 1", vec![])
        .await
        .expect("set a marker");
    let amd64 = &rows[0];
    amd64
        .find(Locator::Css("a"))
        .await
        .expect("a link in the platform row")
        .click()
        .await
        .expect("click the platform");
    browser
        .wait_for_text("[data-testid=history-table]", "COPY", TIMEOUT)
        .await;
    assert_eq!(
        browser.text_of("[data-testid=manifest-digest]").await,
        stand.index.linux_amd64.manifest.digest
    );
    let layers = stand.index.linux_amd64.layers.len();
    assert!(browser.count("[data-testid=history-row]").await >= layers);
    assert_eq!(
        browser.count("[data-testid=layer-table] tbody tr").await,
        layers
    );
    let kept = browser
        .client()
        .execute("return window.__ladingMarker === 1", vec![])
        .await
        .expect("read the marker");
    assert_eq!(
        kept,
        serde_json::Value::Bool(true),
        "clicking a platform reloaded the page"
    );
    browser.screenshot("browser-platform.png").await;
    browser.close().await;
}

/// The page runs under a strict Content-Security-Policy; that the other tests render at all
/// proves the app needs nothing inline.
#[tokio::test(flavor = "multi_thread")]
async fn the_page_is_served_under_a_strict_content_security_policy() {
    let stand = Stand::start().await;
    let page = reqwest::get(stand.url("?image=alpine"))
        .await
        .expect("GET the page");
    assert_eq!(page.status(), 200);
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "CSP {csp:?} lacks {directive:?}");
    }
    assert!(
        !csp.contains("unsafe-inline"),
        "CSP {csp:?} allows inline code"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    let html = page.text().await.expect("page body");
    assert!(
        html.contains("name=\"lading-app\""),
        "dist/index.html is the built app"
    );
    assert!(!html.contains("<script>"), "no inline script in the page");

    // The wasm is served compressed, with the type browsers need to stream-compile it.
    let wasm_path = html
        .split("data-wasm=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page names its wasm");
    let wasm = reqwest::Client::new()
        .get(stand.url(wasm_path.trim_start_matches('/')))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("GET the wasm");
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["content-encoding"], "gzip");
}

#[tokio::test(flavor = "multi_thread")]
async fn shared_links_open_directly_in_a_fresh_browser() {
    let stand = Stand::start().await;

    let browser = Browser::start().await;
    let image = stand.reference(IMAGE_REPO, IMAGE_TAG);
    open(&browser, &stand.url(&format!("?image={image}"))).await;
    browser
        .wait_for_text("[data-testid=config-summary]", "Entrypoint", TIMEOUT)
        .await;
    assert_eq!(
        browser.text_of("[data-testid=manifest-digest]").await,
        stand.image.manifest.digest
    );
    // Registry text is text: the label that looks like markup is shown, never parsed.
    let summary = browser.text_of("[data-testid=config-summary]").await;
    assert!(
        summary.contains(XSS_LABEL_VALUE),
        "the label is shown as text: {summary}"
    );
    assert_eq!(
        browser.count("[data-testid=config-summary] img").await,
        0,
        "no element came from a label"
    );
    let pin = browser
        .client()
        .find(Locator::Css("[data-testid=pin-link]"))
        .await
        .expect("pin link");
    let href = pin
        .attr("href")
        .await
        .expect("pin href")
        .unwrap_or_default();
    assert!(
        href.contains(&stand.image.manifest.digest),
        "the pin link names the digest: {href}"
    );
    assert_eq!(browser.count("[data-testid=raw-json]").await, 1);
    browser.screenshot("browser-image.png").await;
    browser.close().await;

    let browser = Browser::start().await;
    let repo = format!("{}/{TAGS_REPO}", stand.registry.host());
    open(&browser, &stand.url(&format!("?repo={repo}"))).await;
    browser
        .wait_for_text("[data-testid=tag-count]", &TAG_COUNT.to_string(), TIMEOUT)
        .await;
    browser
        .wait_for_text("[data-testid=tag-list]", "latest", TIMEOUT)
        .await;
    assert!(browser.count("[data-testid=tag-item]").await > 0);
    let filter = browser
        .client()
        .find(Locator::Css("[data-testid=tag-filter]"))
        .await
        .expect("tag filter");
    filter.send_keys("1.10").await.expect("type a filter");
    browser
        .wait_for_text("[data-testid=tag-list]", "1.10.0", TIMEOUT)
        .await;
    assert_eq!(
        browser.count("[data-testid=tag-item]").await,
        1,
        "the filter leaves one tag"
    );
    assert!(stand.tags.tags.contains(&"1.10.0".to_string()));
    browser.screenshot("browser-tags.png").await;
    browser.close().await;
}
