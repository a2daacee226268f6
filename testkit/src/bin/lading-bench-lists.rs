//! The browser side of `bench/lists.sh`: a docker-registry holding one layer of 100,000
//! entries, a scripted registry answering 10,000 tags (paginated by `Link`), the `lading`
//! binary given as the argument, and headless Chromium timing keystroke-to-paint in each list.
//!
//!     cargo run --release -p lading-testkit --bin lading-bench-lists -- LADING_BIN [ROUNDS]
//!
//! A keystroke is timed in the page: from just before the `input` event is dispatched (the
//! handler filters and redraws synchronously) to a task queued from the next animation frame,
//! i.e. after that frame's style, layout and paint. WebDriver's own latency is left out.
//! Prints `key=value` lines: each list's median and max in ms and its samples.

use std::path::Path;
use std::time::Duration;

use fantoccini::Locator;
use lading_testkit::fixtures::{many_entries, push_layers};
use lading_testkit::{Browser, LadingProcess, Registry, ScriptedRegistry, TagScript, Viewport};

const FILES: usize = 100_000;
const TAGS: usize = 10_000;
const TIMEOUT: Duration = Duration::from_secs(180);
/// One round: type the filter a key at a time, then erase it a key at a time.
const FILES_FILTER: &str = "f4242";
const TAGS_FILTER: &str = "tag-0999";

/// Sets the filter box to each prefix of `text`, then back to empty, timing each step.
const TIME_KEYS: &str = r#"
const [css, text, done] = arguments;
const input = document.querySelector(css);
const steps = [];
for (let i = 1; i <= text.length; i++) steps.push(text.slice(0, i));
for (let i = text.length - 1; i >= 0; i--) steps.push(text.slice(0, i));
const samples = [];
const next = () => {
  if (steps.length === 0) { done(samples); return; }
  const value = steps.shift();
  const start = performance.now();
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  requestAnimationFrame(() => setTimeout(() => {
    samples.push(performance.now() - start);
    setTimeout(next, 50);
  }, 0));
};
next();
"#;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let bin = args
        .next()
        .expect("usage: lading-bench-lists LADING_BIN [ROUNDS]");
    let rounds: usize = args.next().map_or(5, |r| r.parse().expect("ROUNDS"));
    let registry = Registry::plain();
    let image = push_layers(
        &registry.pusher(),
        "bench/huge",
        "v1",
        vec![many_entries(FILES).build()],
    )
    .await;
    let scripted = ScriptedRegistry::start(TagScript::new("bench/tagged", TAGS).page_size(1000));
    let (host, tags_host) = (registry.host(), scripted.host());
    let lading = LadingProcess::spawn(
        Path::new(&bin),
        &["--allow-host", &host, "--allow-host", &tags_host],
    );
    let browser = Browser::start_with(Viewport::DESKTOP).await;

    let layer = &image.layers[0].digest;
    let files = format!(
        "{}/?image={host}/bench/huge:v1&layer={layer}",
        lading.base_url()
    );
    browser.goto(&files).await;
    browser
        .wait_for_text("[data-testid=listing-summary]", "100,000", TIMEOUT)
        .await;
    browser.click("[data-testid=expand-all]").await;
    browser
        .wait_for_text("[data-testid=listing-row]", "f00100", TIMEOUT)
        .await;
    let samples = time_keys(
        &browser,
        "[data-testid=listing-filter]",
        FILES_FILTER,
        rounds,
    )
    .await;
    report("files", &samples);
    let rows = browser.count("[data-testid=listing-row]").await;
    println!("files_rows_drawn={rows}");

    let tags = format!("{}/?repo={tags_host}/bench/tagged", lading.base_url());
    browser.goto(&tags).await;
    browser
        .wait_for_text("[data-testid=tag-count]", "10,000", TIMEOUT)
        .await;
    let samples = time_keys(&browser, "[data-testid=tag-filter]", TAGS_FILTER, rounds).await;
    report("tags", &samples);
    browser.close().await;
    drop(lading);
}

async fn time_keys(browser: &Browser, css: &str, text: &str, rounds: usize) -> Vec<f64> {
    browser
        .client()
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    let mut samples = Vec::new();
    for _ in 0..rounds {
        let answer = browser
            .client()
            .execute_async(TIME_KEYS, vec![css.into(), text.into()])
            .await
            .unwrap_or_else(|e| panic!("timing keystrokes in {css}: {e}"));
        let round = answer.as_array().expect("samples");
        samples.extend(round.iter().filter_map(serde_json::Value::as_f64));
    }
    samples
}

fn report(list: &str, samples: &[f64]) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN);
    let max = sorted.last().copied().unwrap_or(f64::NAN);
    println!("{list}_keystrokes={}", sorted.len());
    println!("{list}_median_ms={median:.1}");
    println!("{list}_max_ms={max:.1}");
    let all: Vec<String> = samples.iter().map(|s| format!("{s:.1}")).collect();
    println!("{list}_samples_ms={}", all.join(","));
}
