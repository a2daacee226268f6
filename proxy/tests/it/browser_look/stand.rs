//! The registry, its fixtures and the `lading` of every `browser_look` test, and the page
//! measurements they share.

use std::time::Duration;

use lading_testkit::fixtures::{
    AttestedIndex, LayerBuilder, PushedImage, push_layers, push_many_tags, push_oci_image,
    push_oci_index_with_attestation,
};
use lading_testkit::{Browser, LadingProcess, Registry};
use serde_json::Value;

/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
pub const TIMEOUT: Duration = Duration::from_secs(30);
pub const INDEX_REPO: &str = "team/multi";
pub const INDEX_TAG: &str = "v1";
pub const IMAGE_REPO: &str = "team/api";
pub const IMAGE_TAG: &str = "v2";
pub const TAGS_REPO: &str = "team/tags";
pub const FILES_REPO: &str = "team/files";
pub const FILES_TAG: &str = "v1";
/// A path long enough to push a phone's layout sideways if anything refuses to wrap.
pub const LONG_FILE: &str = "/srv/a-rather-long-directory-name-for-a-phone/and-an-even-longer-file-name-that-goes-on-and-on.conf";

pub struct Stand {
    pub registry: Registry,
    pub lading: LadingProcess,
    pub index: AttestedIndex,
    pub image: PushedImage,
    pub files: PushedImage,
}

impl Stand {
    pub async fn start() -> Stand {
        lading_testkit::require_frontend_dist();
        let registry = Registry::plain();
        let pusher = registry.pusher();
        let index = push_oci_index_with_attestation(&pusher, INDEX_REPO, INDEX_TAG).await;
        let image = push_oci_image(&pusher, IMAGE_REPO, IMAGE_TAG).await;
        push_many_tags(&pusher, TAGS_REPO, 30).await;
        let layer = LayerBuilder::new()
            .dir("srv")
            .dir("srv/a-rather-long-directory-name-for-a-phone")
            .file(LONG_FILE.trim_start_matches('/'), "key = \"a value\"\n".repeat(20))
            .symlink(
                "srv/link-with-a-long-target",
                "/srv/a-rather-long-directory-name-for-a-phone/and-an-even-longer-file-name-that-goes-on-and-on.conf",
            )
            .dir("etc")
            .file("etc/hostname", "lading\n");
        let files = push_layers(&pusher, FILES_REPO, FILES_TAG, vec![layer.build()]).await;
        let host = registry.host();
        let lading = crate::support::lading_allowing(&[&host]);
        Stand {
            registry,
            lading,
            index,
            image,
            files,
        }
    }

    pub fn reference(&self, repo: &str, tag: &str) -> String {
        format!("{}/{repo}:{tag}", self.registry.host())
    }

    pub fn pinned(&self, repo: &str, digest: &str) -> String {
        format!("{}/{repo}@{digest}", self.registry.host())
    }

    pub fn url(&self, query: &str) -> String {
        format!("{}/{query}", self.lading.base_url())
    }
}

/// Navigates and checks that `lading` served the built app (not its "not built" page).
pub async fn open(browser: &Browser, url: &str) {
    browser.goto(url).await;
    let served = run(
        browser,
        "return document.querySelector('meta[name=\"lading-app\"]') !== null",
    )
    .await;
    assert_eq!(served, Value::Bool(true), "{url} is not the built frontend");
}

/// Runs `script` in the page and returns what it returned.
pub async fn run(browser: &Browser, script: &str) -> Value {
    browser
        .client()
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// `(scrollWidth, clientWidth)` of the document, and the widest element that sticks out
/// past the right edge (for the failure message).
pub async fn sideways(browser: &Browser) -> (u64, u64, String) {
    let value = run(
        browser,
        r#"
        const root = document.documentElement;
        let worst = "";
        let right = root.clientWidth;
        for (const el of document.querySelectorAll("body *")) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > right + 1) {
                right = r.right;
                worst = el.tagName.toLowerCase() + "." + (el.className || "") + " [" +
                    (el.getAttribute("data-testid") || "") + "] right=" + Math.round(r.right);
            }
        }
        return [root.scrollWidth, root.clientWidth, worst];
        "#,
    )
    .await;
    let n = |i: usize| value[i].as_u64().unwrap_or(u64::MAX);
    (n(0), n(1), value[2].as_str().unwrap_or_default().to_owned())
}

/// Fails when the page scrolls sideways, naming what sticks out.
pub async fn assert_no_sideways_scroll(browser: &Browser, page: &str) {
    let (scroll, client, worst) = sideways(browser).await;
    assert!(
        scroll <= client,
        "{page}: the page scrolls sideways ({scroll} > {client} px); widest: {worst}"
    );
}

/// Visible buttons and links whose text is below 4.5:1 against the background behind them
/// (WCAG 2 relative luminance), as `"text: ratio (fg on bg)"`.
const LOW_CONTRAST: &str = r#"
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
        for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length >= 3 && (c.length < 4 || c[3] >= 0.99)) return c;
        }
        return [255, 255, 255];
    };
    const out = [];
    for (const el of document.querySelectorAll("button, a, .button")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || !el.textContent.trim() || getComputedStyle(el).opacity < 0.99) continue;
        const fg = rgb(getComputedStyle(el).color), bg = background(el);
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5) out.push(el.textContent.trim().slice(0, 30) + ": " + ratio.toFixed(2) + " (" + fg + " on " + bg + ")");
    }
    return out;
"#;

/// Fails when a button or link reads below 4.5:1.
pub async fn assert_readable_controls(browser: &Browser, page: &str) {
    let low = run(browser, LOW_CONTRAST).await;
    assert_eq!(
        low,
        Value::Array(vec![]),
        "{page}: buttons or links below 4.5:1"
    );
}

/// On a phone, tables stack into labelled rows: none of them scrolls sideways inside its
/// wrapper (so every column is reachable without a hidden scroll).
pub async fn assert_tables_stack(browser: &Browser, page: &str) {
    let wide = run(
        browser,
        r#"return [...document.querySelectorAll('.table-wrap')]
            .filter(w => w.querySelector('table.stack') && w.scrollWidth > w.clientWidth + 1)
            .map(w => w.querySelector('table').dataset.testid + ' ' + w.scrollWidth + ' > ' + w.clientWidth)"#,
    )
    .await;
    assert_eq!(
        wide,
        Value::Array(vec![]),
        "{page}: tables that scroll sideways"
    );
}
