//! The stand (a registry with one layer of folders, symlinks, a long name and a scrollable
//! directory; a `lading`) and the browser helpers the walk's tests share.

use std::time::Duration;

use fantoccini::Locator;
use lading_testkit::fixtures::{LayerBuilder, PushedImage, push_layers};
use lading_testkit::{Browser, LadingProcess, Registry};
use serde_json::Value;

/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
pub(super) const TIMEOUT: Duration = Duration::from_secs(30);
pub(super) const REPO: &str = "team/walk";
pub(super) const TAG: &str = "v1";
pub(super) const USER: &str = "walker";
pub(super) const PASSWORD: &str = "s3cret-walk";
/// Files in `/many`: enough rows to scroll.
pub(super) const MANY: usize = 120;
pub(super) const LONG_NAME: &str =
    "a-very-long-file-name-that-goes-on-and-on-well-past-what-a-table-column-can-hold.txt";

pub(super) struct Stand {
    pub(super) registry: Registry,
    pub(super) lading: LadingProcess,
    pub(super) image: PushedImage,
}

pub(super) fn layer() -> LayerBuilder {
    let mut base = LayerBuilder::new()
        .dir("etc")
        .file("etc/hostname", "walk\n")
        .file("etc/hosts", "127.0.0.1 localhost\n")
        .symlink("etc/readme", "../usr/share/doc/README")
        .symlink("etc/broken", "../nowhere/gone.conf")
        .dir("usr")
        .dir("usr/share")
        .dir("usr/share/doc")
        .file("usr/share/doc/README", "read me\n")
        .file(&format!("usr/share/doc/{LONG_NAME}"), "long\n")
        .file("big.bin", vec![7u8; 50_000])
        .dir("many");
    for i in 0..MANY {
        base = base.file(&format!("many/f{i:03}"), format!("file {i}\n"));
    }
    base
}

impl Stand {
    pub(super) async fn start(registry: Registry) -> Stand {
        lading_testkit::require_frontend_dist();
        let image = push_layers(&registry.pusher(), REPO, TAG, vec![layer().build()]).await;
        let host = registry.host();
        let lading = crate::support::lading_allowing(&[&host]);
        Stand {
            registry,
            lading,
            image,
        }
    }

    pub(super) fn reference(&self) -> String {
        format!("{}/{REPO}:{TAG}", self.registry.host())
    }

    pub(super) fn layer_url(&self) -> String {
        let digest = &self.image.layers[0].digest;
        self.url(&format!("?image={}&layer={digest}", self.reference()))
    }

    pub(super) fn url(&self, query: &str) -> String {
        format!("{}/{query}", self.lading.base_url())
    }
}

pub(super) fn row(path: &str) -> String {
    format!("[data-testid=listing-row][data-path=\"{path}\"]")
}

pub(super) async fn open_listing(browser: &Browser, url: &str) {
    browser.goto(url).await;
    browser
        .wait_for_text("[data-testid=listing-summary]", "verified", TIMEOUT)
        .await;
}

pub(super) async fn run(browser: &Browser, script: &str) -> Value {
    browser
        .client()
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("run {script}: {e}"))
}

pub(super) async fn scroll_y(browser: &Browser) -> f64 {
    run(browser, "return window.scrollY")
        .await
        .as_f64()
        .unwrap_or(0.0)
}

pub(super) async fn current_query(browser: &Browser) -> String {
    let url = browser.client().current_url().await.expect("current url");
    url.query().unwrap_or_default().to_owned()
}

pub(super) async fn type_into(browser: &Browser, css: &str, text: &str) {
    browser
        .client()
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

pub(super) async fn value_of(browser: &Browser, css: &str) -> String {
    let script = format!("return document.querySelector('{css}').value");
    run(browser, &script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub(super) async fn assert_no_sideways_scroll(browser: &Browser, page: &str, label: &str) {
    let wide = run(
        browser,
        "return document.documentElement.scrollWidth > window.innerWidth",
    )
    .await;
    assert_eq!(
        wide,
        Value::Bool(false),
        "the {page} scrolls sideways at {label}"
    );
}

/// Polls until something matches `css`.
pub(super) async fn wait_for(browser: &Browser, css: &str) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    while browser.count(css).await == 0 {
        if std::time::Instant::now() > deadline {
            let shot = browser.screenshot("issue8/walk-timeout.png").await;
            panic!(
                "nothing matched {css} within {TIMEOUT:?}; {}",
                shot.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls until the row at `css` is back within a few pixels of `top` on screen: a
/// virtualised list's `scrollY` may differ between visits (the heights of rows never drawn
/// are estimates), what the person sees must not.
pub(super) async fn wait_for_row_at(browser: &Browser, css: &str, top: f64) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let now = row_top(browser, css).await;
        if now.is_some_and(|now| (now - top).abs() < 4.0) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} is at {now:?} on screen, never back at {top} (scrollY {})",
            scroll_y(browser).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The row's top relative to the viewport, if it is drawn.
pub(super) async fn row_top(browser: &Browser, css: &str) -> Option<f64> {
    let css = serde_json::to_string(css).expect("a string");
    let script = format!(
        "const e = document.querySelector({css}); return e ? e.getBoundingClientRect().top : null"
    );
    run(browser, &script).await.as_f64()
}
