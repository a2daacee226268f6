//! Issue 4, hostile content in a real browser: everything a registry controls (labels,
//! annotations, history, config strings, file names, symlink targets, error messages) is
//! shown as text. No payload becomes an element, a script URL or a running script, while an
//! honest https URL in a label still becomes a link.
//!
//! Every payload sets `window.__pwned` if it ever runs; the page must end without it. Like
//! `browser.rs`, this needs the built frontend in `dist/` and fails without it.

use std::time::Duration;

use lading_testkit::fixtures::{
    HOSTILE_TAG, PWN_ATTR_URL, PWN_DATA_URL, PWN_FILE_NAME, PWN_IMG, PWN_JS_FILE_NAME, PWN_JS_URL,
    PWN_LINK, PWN_QUOTE_FILE_NAME, PWN_SCRIPT, PushedImage, SAFE_URL, push_hostile_image,
};
use lading_testkit::{Browser, Canned, LadingProcess, Registry, ScriptedRegistry, TagScript};

/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
const TIMEOUT: Duration = Duration::from_secs(30);
const REPO: &str = "team/hostile";
const DENIED_REPO: &str = "team/denied";
/// What a hostile registry puts into its error body's `message`.
const DENIED_MESSAGE: &str =
    "<img src=x onerror=\"window.__pwned=1\"> <a href=\"javascript:window.__pwned=1\">sign in</a>";

struct Stand {
    registry: Registry,
    scripted: ScriptedRegistry,
    lading: LadingProcess,
    image: PushedImage,
}

impl Stand {
    async fn start() -> Stand {
        lading_testkit::require_frontend_dist();
        let registry = Registry::plain();
        let image = push_hostile_image(&registry.pusher(), REPO).await;
        let scripted = ScriptedRegistry::start(TagScript::new("unused/repo", 1));
        let error = serde_json::json!({
            "errors": [{ "code": "DENIED", "message": DENIED_MESSAGE, "detail": PWN_SCRIPT }]
        });
        // On the tag list: a manifest is resolved with HEAD first, whose error has no body.
        scripted.respond(
            &format!("/v2/{DENIED_REPO}/tags/list"),
            Canned::json(403, &error),
        );
        let (host, scripted_host) = (registry.host(), scripted.host());
        let lading = crate::support::lading_allowing(&[&host, &scripted_host]);
        Stand {
            registry,
            scripted,
            lading,
            image,
        }
    }

    fn image_url(&self, extra: &str) -> String {
        let reference = format!("{}/{REPO}:{HOSTILE_TAG}", self.registry.host());
        format!("{}/?image={reference}{extra}", self.lading.base_url())
    }
}

/// Nothing a payload would have made exists, and no payload ran.
async fn assert_inert(browser: &Browser, view: &str) {
    for css in [
        "img[src=x]",
        "img[onerror]",
        "[onmouseover]",
        "a[href^=javascript]",
        "a[href^=data]",
        "a[href^=JAVASCRIPT]",
        "iframe",
        "object",
        "embed",
    ] {
        assert_eq!(browser.count(css).await, 0, "{view}: found `{css}`");
    }
    let injected = browser
        .client()
        .execute(
            "return [...document.scripts].filter(s => s.text.includes('__pwned')).length",
            vec![],
        )
        .await
        .expect("count injected scripts");
    assert_eq!(
        injected,
        serde_json::json!(0),
        "{view}: a <script> was injected"
    );
    let pwned = browser
        .client()
        .execute("return typeof window.__pwned", vec![])
        .await
        .expect("read window.__pwned");
    assert_eq!(
        pwned,
        serde_json::json!("undefined"),
        "{view}: a payload ran"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_registry_text_is_shown_as_text_and_never_runs() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;

    // The image view: labels, annotations, config strings, history.
    browser.goto(&stand.image_url("")).await;
    let summary = browser
        .wait_for_text("[data-testid=config-summary]", PWN_SCRIPT, TIMEOUT)
        .await;
    for payload in [PWN_IMG, PWN_JS_URL, PWN_DATA_URL, PWN_ATTR_URL, SAFE_URL] {
        assert!(summary.contains(payload), "label shown as text: {payload}");
    }
    let history = browser.text_of("[data-testid=history-table]").await;
    assert!(history.contains(PWN_IMG), "history as text: {history}");
    let page = browser.text_of("body").await;
    assert!(
        page.matches(PWN_SCRIPT).count() >= 2,
        "annotations as text too"
    );
    // The honest URL is a link (in the labels and the annotations), safely attributed.
    let safe_links = format!("a[href=\"{SAFE_URL}\"][rel~=noopener]");
    assert!(
        browser.count(&safe_links).await >= 2,
        "{SAFE_URL} is a link"
    );
    // The attribute-breaking URL is one link whose href is the whole value, verbatim.
    let whole = browser
        .client()
        .execute(
            "return [...document.querySelectorAll('a')].filter(a => a.getAttribute('href') === arguments[0]).length",
            vec![serde_json::json!(PWN_ATTR_URL)],
        )
        .await
        .expect("find the link");
    assert_eq!(
        whole,
        serde_json::json!(2),
        "labels and annotations: {PWN_ATTR_URL}"
    );
    assert_inert(&browser, "image view").await;
    browser.screenshot("browser-hostile-image.png").await;

    // The layer: file names that are markup or a script URL.
    let layer = &stand.image.layers[0].digest;
    browser
        .goto(&stand.image_url(&format!("&layer={layer}")))
        .await;
    browser
        .wait_for_text("[data-testid=listing-summary]", "verified", TIMEOUT)
        .await;
    browser
        .click("[data-testid=listing-row][data-path=\"/srv\"] [data-testid=dir-toggle]")
        .await;
    let listing = browser
        .wait_for_text("[data-testid=listing-row]", PWN_FILE_NAME, TIMEOUT)
        .await;
    assert!(listing.contains(PWN_FILE_NAME), "{listing}");
    let rows = browser.text_of("body").await;
    assert!(rows.contains(PWN_JS_FILE_NAME), "{rows}");
    assert!(rows.contains(PWN_QUOTE_FILE_NAME), "{rows}");
    assert!(rows.contains(PWN_IMG), "the symlink target as text: {rows}");
    assert_inert(&browser, "layer listing").await;
    browser.screenshot("browser-hostile-layer.png").await;

    // A file named like a script URL is an in-app link; opening it shows its markup as text.
    let js_row = format!("[data-testid=listing-row][data-path=\"/srv/{PWN_JS_FILE_NAME}\"]");
    browser
        .click(&format!("{js_row} [data-testid=file-link]"))
        .await;
    let text = browser
        .wait_for_text("[data-testid=file-text]", PWN_IMG, TIMEOUT)
        .await;
    assert_eq!(text.trim_end(), PWN_IMG);
    assert_inert(&browser, "file view").await;

    // The symlink's own view (its target is a payload and names no file) stays inert.
    let link_path = format!("/{PWN_LINK}");
    let encoded: String = url::form_urlencoded::byte_serialize(link_path.as_bytes()).collect();
    browser
        .goto(&stand.image_url(&format!("&layer={layer}&path={encoded}")))
        .await;
    browser
        .wait_for_text("[data-testid=broken-symlink]", "not in this layer", TIMEOUT)
        .await;
    assert_inert(&browser, "symlink view").await;
    browser.screenshot("browser-hostile-symlink.png").await;

    // A registry error whose message is markup.
    let denied = format!("{}/{DENIED_REPO}", stand.scripted.host());
    browser
        .goto(&format!("{}/?repo={denied}", stand.lading.base_url()))
        .await;
    let error = browser
        .wait_for_text("[data-testid=error-view]", "onerror", TIMEOUT)
        .await;
    assert!(
        error.contains(DENIED_MESSAGE),
        "the message is text: {error}"
    );
    assert!(error.contains(PWN_SCRIPT), "the detail is text: {error}");
    assert_inert(&browser, "error view").await;
    browser.screenshot("browser-hostile-error.png").await;
    browser.close().await;
}
