//! Every view with its flow panels open, and both explainer pages, at desktop and phone
//! width, light and dark: the page never scrolls sideways (the diagram scrolls inside its own
//! box), and screenshots go to `test-artifacts/issue10/` for a person to look at.

use lading_testkit::{Browser, Viewport};

use super::views::{open_panel, open_view, views};
use crate::browser_look::stand::{Stand, TIMEOUT, assert_no_sideways_scroll, open, run};

async fn scroll_to(browser: &Browser, css: &str) {
    run(
        browser,
        &format!("document.querySelector('{css}').scrollIntoView({{block: 'start'}})"),
    )
    .await;
}

async fn look(viewport: Viewport) {
    let stand = Stand::start().await;
    let browser = Browser::start_with(viewport).await;
    let label = viewport.label();
    for view in views(&stand) {
        open_view(&browser, &stand, &view).await;
        // The diagram last: its arrows, opening under the pointer, would open the Requests
        // panel by hover.
        for panel in ["Requests", "Reproduce", "Diagram"] {
            open_panel(&browser, panel).await;
        }
        let at = format!("{} at {label}", view.name);
        assert_no_sideways_scroll(&browser, &at).await;
        scroll_to(&browser, "[data-testid=sequence-diagram]").await;
        browser
            .screenshot(&format!("issue10/{}-diagram-{label}.png", view.name))
            .await;
        scroll_to(&browser, "[data-testid=reproduce-panel]").await;
        browser
            .screenshot(&format!("issue10/{}-reproduce-{label}.png", view.name))
            .await;
    }
    for topic in ["pull", "push"] {
        open(&browser, &stand.url(&format!("?learn={topic}"))).await;
        browser
            .wait_for_text("[data-testid=learn-page] h1", "How", TIMEOUT)
            .await;
        assert_no_sideways_scroll(&browser, &format!("learn {topic} at {label}")).await;
        browser
            .screenshot(&format!("issue10/learn-{topic}-{label}.png"))
            .await;
        scroll_to(&browser, "[data-testid=learn-steps]").await;
        browser
            .screenshot(&format!("issue10/learn-{topic}-steps-{label}.png"))
            .await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn flow_panels_fit_a_desktop() {
    look(Viewport::DESKTOP).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn flow_panels_fit_a_phone() {
    look(Viewport::PHONE).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn flow_panels_fit_a_desktop_in_dark_mode() {
    look(Viewport::DESKTOP.dark()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn flow_panels_fit_a_phone_in_dark_mode() {
    look(Viewport::PHONE.dark()).await;
}
