//! The sequence diagram: one arrow per request and per answer, plus the browser's call and
//! Lading's answer; lane headers name the registry's host; hovering, focusing and clicking
//! an arrow marks its Requests row (a click also brings the row into sight); a trace of a
//! hundred and more exchanges stays inside its own scrolling box with its labels capped.

use fantoccini::Locator;
use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::key::Key;
use lading_testkit::fixtures::{LayerBuilder, push_layers};
use lading_testkit::{Browser, Viewport};
use serde_json::{Value, json};

use super::views::{open_panel, open_view, views};
use crate::browser_look::stand::{Stand, TIMEOUT, assert_no_sideways_scroll, open, run};

const ARROWS: &str = "[data-testid=diagram-svg] [data-arrow]";

/// Layers of the long image: a merged listing fetches each one (`MAX_MERGED_LAYERS` is 128).
const LONG_LAYERS: usize = 110;

async fn rows(browser: &Browser) -> usize {
    browser.count("[data-testid=request-row]").await
}

/// The request number the one highlighted Requests row has (`None` when none is, panics
/// when several are).
async fn highlighted(browser: &Browser) -> Option<u64> {
    let value = run(
        browser,
        "return [...document.querySelectorAll('[data-testid=request-row].highlighted')]
            .map(r => Number(r.dataset.request));",
    )
    .await;
    let rows = value.as_array().cloned().unwrap_or_default();
    assert!(rows.len() <= 1, "several rows marked: {rows:?}");
    rows.first().and_then(Value::as_u64)
}

async fn wait_highlighted(browser: &Browser, want: u64, what: &str) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    while highlighted(browser).await != Some(want) {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: row {want} not marked (marked: {:?})",
            highlighted(browser).await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The request arrow of exchange `n`, scrolled into sight.
async fn arrow(browser: &Browser, n: usize) -> fantoccini::elements::Element {
    let css = format!("{ARROWS}[data-request=\"{n}\"]:not(.seq-reply)");
    run(
        browser,
        &format!(
            "document.querySelector({}).scrollIntoView({{block: 'center', inline: 'center'}})",
            json!(css)
        ),
    )
    .await;
    browser
        .client()
        .find(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("no arrow for request {n}: {e}"))
}

async fn hover(browser: &Browser, element: fantoccini::elements::Element) {
    let moves = MouseActions::new("mouse".to_owned()).then(PointerAction::MoveToElement {
        element,
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    browser
        .client()
        .perform_actions(moves)
        .await
        .expect("move the mouse");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_view_draws_an_arrow_per_request_and_answer() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let host = stand.registry.host();
    for view in views(&stand) {
        open_view(&browser, &stand, &view).await;
        open_panel(&browser, "Diagram").await;
        let rows = rows(&browser).await;
        assert!(rows > 0, "{}: no requests", view.name);
        assert_eq!(
            browser.count(ARROWS).await,
            rows * 2 + 2,
            "{}: arrows for {rows} requests",
            view.name
        );
        // Requests solid, answers dashed, an answer for each request.
        assert_eq!(
            browser.count(&format!("{ARROWS}.seq-reply")).await,
            rows + 1
        );
        let lanes = run(
            &browser,
            "return [...document.querySelectorAll('.seq-head')].map(h => [h.dataset.lane, h.textContent]);",
        )
        .await;
        let registry = lanes
            .as_array()
            .and_then(|l| l.iter().find(|h| h[0] == json!("Registry")))
            .unwrap_or_else(|| panic!("{}: no Registry lane in {lanes}", view.name));
        assert!(
            registry[1].as_str().is_some_and(|t| t.contains(&host)),
            "{}: the Registry lane does not name {host}: {registry}",
            view.name
        );
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arrows_point_the_requests_panel_at_their_row() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let view = &views(&stand)[1];
    open_view(&browser, &stand, view).await;
    open_panel(&browser, "Diagram").await;
    assert!(
        rows(&browser).await >= 3,
        "the image view makes at least 3 requests"
    );
    assert_eq!(highlighted(&browser).await, None);

    hover(&browser, arrow(&browser, 2).await).await;
    wait_highlighted(&browser, 2, "hovering arrow 2").await;
    let open = run(
        &browser,
        "return document.querySelector('[data-testid=requests-panel]').open",
    )
    .await;
    assert_eq!(open, json!(true), "hovering opens the Requests panel");

    let third = arrow(&browser, 3).await;
    hover(&browser, third.clone()).await;
    third.click().await.expect("click arrow 3");
    wait_highlighted(&browser, 3, "clicking arrow 3").await;
    let seen = run(
        &browser,
        "const r = document.getElementById('request-3').getBoundingClientRect();
         return r.top >= 0 && r.bottom <= window.innerHeight;",
    )
    .await;
    assert_eq!(seen, json!(true), "the clicked row is scrolled into sight");

    // Keyboard: focus marks, Enter chooses.
    let first = arrow(&browser, 1).await;
    run(
        &browser,
        &format!(
            "document.querySelector({}).focus()",
            json!(format!("{ARROWS}[data-request=\"1\"]:not(.seq-reply)"))
        ),
    )
    .await;
    wait_highlighted(&browser, 1, "focusing arrow 1").await;
    let focusable = first.attr("tabindex").await.ok().flatten();
    assert_eq!(focusable.as_deref(), Some("0"));
    assert_eq!(
        first.attr("role").await.ok().flatten().as_deref(),
        Some("button")
    );
    browser
        .client()
        .active_element()
        .await
        .expect("focused arrow")
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("press Enter");
    wait_highlighted(&browser, 1, "Enter on arrow 1").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_trace_stays_inside_its_box() {
    let stand = Stand::start().await;
    for viewport in [Viewport::DESKTOP, Viewport::PHONE] {
        // Layers of their own per viewport: Lading keeps listings of layers it has read.
        let label = viewport.label();
        let layers = (0..LONG_LAYERS)
            .map(|i| {
                let text = format!("{label} {i}\n");
                LayerBuilder::new().file(&format!("f{i:03}"), text).build()
            })
            .collect();
        let repo = format!("team/long-{label}");
        let long = push_layers(&stand.registry.pusher(), &repo, "v1", layers).await;
        assert_eq!(long.layers.len(), LONG_LAYERS);
        let image = stand.reference(&repo, "v1");
        let browser = Browser::start_with(viewport).await;
        open(&browser, &stand.url(&format!("?image={image}&fs=merged"))).await;
        browser
            .wait_for_text("[data-testid=listing-summary]", "entries", TIMEOUT * 3)
            .await;
        open_panel(&browser, "Diagram").await;
        let rows = rows(&browser).await;
        assert!(
            rows > 100,
            "a merged listing of {LONG_LAYERS} layers: {rows} requests"
        );
        assert_eq!(browser.count(ARROWS).await, rows * 2 + 2);
        let at = format!("long trace at {}", viewport.label());
        assert_no_sideways_scroll(&browser, &at).await;
        let measured = run(&browser, LABELS_FIT).await;
        assert_eq!(
            measured[0],
            json!([]),
            "{at}: labels wider than their arrows"
        );
        let (box_height, window) = (measured[1].as_f64(), measured[2].as_f64());
        assert!(
            box_height.zip(window).is_some_and(|(b, w)| b <= w * 0.75),
            "{at}: the diagram box is {box_height:?} px tall in a {window:?} px window"
        );
        run(
            &browser,
            "document.querySelector('[data-testid=sequence-diagram]').scrollIntoView()",
        )
        .await;
        browser
            .screenshot(&format!("issue10/long-trace-{}.png", viewport.label()))
            .await;
        browser.close().await;
    }
}

/// Labels wider than the space between their arrow's ends (a few pixels of slack), the
/// diagram box's height and the window's.
const LABELS_FIT: &str = r#"
    const out = [];
    for (const g of document.querySelectorAll('[data-testid=diagram-svg] [data-arrow]')) {
        const line = g.querySelector('line'), label = g.querySelector('.seq-label');
        const span = Math.abs(line.x2.baseVal.value - line.x1.baseVal.value);
        const width = label.getComputedTextLength();
        if (width > span + 4) out.push(label.textContent + ': ' + width + ' > ' + span);
        if (!g.querySelector('title') || !g.querySelector('title').textContent) out.push('no title');
    }
    const box = document.querySelector('[data-testid=diagram-scroll]').getBoundingClientRect();
    return [out.slice(0, 5), box.height, window.innerHeight];
"#;
