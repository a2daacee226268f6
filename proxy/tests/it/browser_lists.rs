//! Long lists in a real browser: a layer of 100,000 files (every folder open) and a
//! repository of 10,000 tags keep only the rows on screen in the DOM, while the page's
//! scrollbar spans the whole list, scrolling reaches the last entry, and a typed filter shows
//! the matches. No timing here: bench/lists.sh measures keystroke-to-paint.
//!
//! The layer comes from docker-registry (`many_entries`, well under the listing's limits:
//! `MAX_ENTRIES` 2,000,000, `MAX_LISTING_BYTES` ≈ 400,000 ordinary entries); the tags from the
//! scripted registry, paginated by `Link` headers as distribution does, in a fraction of the
//! time 10,000 manifest PUTs would take.

use std::time::Duration;

use fantoccini::Locator;
use lading_testkit::fixtures::{many_entries, push_layers};
use lading_testkit::{Browser, Registry, ScriptedRegistry, TagScript, Viewport};

/// A cold debug `lading` listing 100,000 entries and a cold Chromium on a loaded machine.
const TIMEOUT: Duration = Duration::from_secs(90);
const FILES: usize = 100_000;
const TAGS: usize = 10_000;
/// Far more than any screen shows (with overscan), far fewer than the list holds.
const MAX_DRAWN: usize = 300;

fn row(path: &str) -> String {
    format!("[data-testid=listing-row][data-path=\"{path}\"]")
}

async fn run_js(browser: &Browser, script: &str) -> serde_json::Value {
    browser
        .client()
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn scroll_to_bottom(browser: &Browser) {
    run_js(
        browser,
        "window.scrollTo(0, document.documentElement.scrollHeight)",
    )
    .await;
}

async fn page_height(browser: &Browser) -> f64 {
    let height = run_js(browser, "return document.documentElement.scrollHeight").await;
    height.as_f64().expect("a height")
}

async fn type_filter(browser: &Browser, css: &str, text: &str) {
    let input = browser
        .client()
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    input.send_keys(text).await.expect("type into the filter");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_thousand_files_draw_only_the_rows_on_screen() {
    lading_testkit::require_frontend_dist();
    let registry = Registry::plain();
    let image = push_layers(
        &registry.pusher(),
        "team/huge",
        "v1",
        vec![many_entries(FILES).build()],
    )
    .await;
    let host = registry.host();
    let lading = crate::support::lading_allowing(&[&host]);
    let url = format!(
        "{}/?image={host}/team/huge:v1&layer={}",
        lading.base_url(),
        image.layers[0].digest
    );
    for viewport in Viewport::LOOKS {
        let browser = Browser::start_with(viewport).await;
        browser.goto(&url).await;
        browser
            .wait_for_text("[data-testid=listing-summary]", "100,000", TIMEOUT)
            .await;
        browser.click("[data-testid=expand-all]").await;
        browser
            .wait_for_text(&row("/many/d000/f00100"), "f00100", TIMEOUT)
            .await;
        let drawn = browser.count("[data-testid=listing-row]").await;
        assert!(
            (10..=MAX_DRAWN).contains(&drawn),
            "{drawn} rows drawn of 100,100 open"
        );
        // The scrollbar spans every row, drawn or not (rows are over 20 px high).
        let height = page_height(&browser).await;
        assert!(height > 20.0 * FILES as f64, "the page is {height} px high");

        run_js(
            &browser,
            "window.scrollTo(0, document.documentElement.scrollHeight / 2)",
        )
        .await;
        // Half way down: the files of the middle folders.
        let middle = "[data-testid=listing-row][data-path^=\"/many/d049/\"], \
                      [data-testid=listing-row][data-path^=\"/many/d050/\"]";
        browser.wait_for_text(middle, "f", TIMEOUT).await;
        browser
            .screenshot(&format!(
                "issue11/lists-files-middle-{}.png",
                viewport.label()
            ))
            .await;
        scroll_to_bottom(&browser).await;
        // The last row by name: the last folder's last file.
        browser
            .wait_for_text(&row("/many/d099/f99899"), "f99899", TIMEOUT)
            .await;
        let drawn = browser.count("[data-testid=listing-row]").await;
        assert!(drawn <= MAX_DRAWN, "{drawn} rows drawn at the bottom");
        browser
            .screenshot(&format!(
                "issue11/lists-files-bottom-{}.png",
                viewport.label()
            ))
            .await;

        // f4242? is ten files in ten folders: drawn with their folders, counted alone.
        run_js(&browser, "window.scrollTo(0, 0)").await;
        type_filter(&browser, "[data-testid=listing-filter]", "f4242").await;
        browser
            .wait_for_text("[data-testid=match-count]", "10", TIMEOUT)
            .await;
        browser
            .wait_for_text(&row("/many/d025/f42425"), "f42425", TIMEOUT)
            .await;
        assert_eq!(browser.count("[data-testid=listing-row]").await, 21);
        browser
            .screenshot(&format!(
                "issue11/lists-files-filtered-{}.png",
                viewport.label()
            ))
            .await;
        browser.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_tags_draw_only_the_tags_on_screen() {
    lading_testkit::require_frontend_dist();
    let registry = ScriptedRegistry::start(TagScript::new("team/tagged", TAGS).page_size(1000));
    let host = registry.host();
    let lading = crate::support::lading_allowing(&[&host]);
    let url = format!("{}/?repo={host}/team/tagged", lading.base_url());
    for viewport in Viewport::LOOKS {
        let browser = Browser::start_with(viewport).await;
        browser.goto(&url).await;
        browser
            .wait_for_text("[data-testid=tag-count]", "10,000", TIMEOUT)
            .await;
        // Highest version first: tag-09999 opens the list, tag-00000 ends it.
        browser
            .wait_for_text("[data-testid=tag-item]", "tag-09999", TIMEOUT)
            .await;
        let drawn = browser.count("[data-testid=tag-item]").await;
        assert!((10..=MAX_DRAWN).contains(&drawn), "{drawn} tags drawn");
        let height = page_height(&browser).await;
        let rows = TAGS.div_ceil(if viewport.width < 640 { 2 } else { 7 });
        assert!(
            height > 30.0 * rows as f64,
            "the page is {height} px high for {rows} rows of tags"
        );
        browser
            .screenshot(&format!("issue11/lists-tags-top-{}.png", viewport.label()))
            .await;
        scroll_to_bottom(&browser).await;
        browser
            .wait_for_text("[data-testid=tag-item]", "tag-00000", TIMEOUT)
            .await;
        let drawn = browser.count("[data-testid=tag-item]").await;
        assert!(drawn <= MAX_DRAWN, "{drawn} tags drawn at the bottom");

        run_js(&browser, "window.scrollTo(0, 0)").await;
        type_filter(&browser, "[data-testid=tag-filter]", "tag-0999").await;
        browser
            .wait_for_text(".tag-count", "10 of 10,000", TIMEOUT)
            .await;
        browser
            .wait_for_text("[data-testid=tag-item]", "tag-09995", TIMEOUT)
            .await;
        assert_eq!(browser.count("[data-testid=tag-item]").await, 10);
        let current = browser.client().current_url().await.expect("current url");
        assert!(
            current.query().is_some_and(|q| q.contains("q=tag-0999")),
            "the filter stays shareable: {current}"
        );
        browser
            .screenshot(&format!(
                "issue11/lists-tags-filtered-{}.png",
                viewport.label()
            ))
            .await;
        browser.close().await;
    }
}
