//! Every registry page at desktop and phone width, light and dark: nothing scrolls
//! sideways, and a screenshot of each goes to `test-artifacts/issue9/`.

use lading_testkit::{Browser, Viewport};

use super::stand::{
    ALPINE_LIST, CatalogStand, HubStand, NAMESPACE, THROTTLED_REPO, TIMEOUT,
    assert_no_sideways_scroll, open, run,
};

/// One page: its name, its URL, what shows it has rendered, and a click to make first.
struct Page {
    name: &'static str,
    url: String,
    ready: &'static str,
    click: Option<&'static str>,
}

fn pages(hub: &HubStand, catalog: &CatalogStand) -> Vec<Page> {
    let page = |name, url, ready| Page {
        name,
        url,
        ready,
        click: None,
    };
    let host = catalog.registry.host();
    vec![
        page("home", hub.url(""), "[data-testid=catalog-form]"),
        page(
            "hub-namespace",
            hub.url(&format!("?registry=docker.io&namespace={NAMESPACE}")),
            "[data-testid=repository-count]",
        ),
        page(
            "hub-tags-pushed",
            hub.url(&format!(
                "?repo=docker.io/{}&order=pushed",
                hub.many_tags_repo()
            )),
            "[data-testid=tag-date]",
        ),
        Page {
            click: Some("[data-testid=tag-platforms-toggle]"),
            ..page(
                "hub-tags-platforms",
                hub.url("?repo=docker.io/library/alpine&q=3.9"),
                "[data-testid=tag-platforms-toggle]",
            )
        },
        page(
            "hub-image-rate-limit",
            hub.url(&format!("?image={ALPINE_LIST}")),
            "[data-testid=rate-limit]",
        ),
        page(
            "hub-error-rate-limited",
            hub.url(&format!("?image=docker.io/{THROTTLED_REPO}:latest")),
            "[data-testid=retry-when]",
        ),
        page(
            "hub-error-no-catalog",
            hub.url("?registry=docker.io"),
            "[data-testid=namespace-form]",
        ),
        page(
            "catalog",
            catalog.url(&format!("?registry={host}")),
            "[data-testid=repository-count]",
        ),
        page(
            "catalog-prefix",
            catalog.url(&format!("?registry={host}&namespace=team/")),
            "[data-testid=repository-count]",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_registry_page_fits_every_width_and_scheme() {
    let hub = HubStand::start();
    let catalog = CatalogStand::start().await;
    let viewports = Viewport::LOOKS;
    for viewport in viewports {
        let browser = Browser::start_with(viewport).await;
        let label = viewport.label();
        for page in pages(&hub, &catalog) {
            open(&browser, &page.url).await;
            browser.wait_for_text(page.ready, "", TIMEOUT).await;
            if let Some(click) = page.click {
                browser.click(click).await;
                browser
                    .wait_for_text("[data-testid=tag-platform]", "", TIMEOUT)
                    .await;
            }
            // Let late layout (fonts, the sticky bar) settle before measuring.
            run(&browser, "return document.body.offsetHeight").await;
            assert_no_sideways_scroll(&browser, &format!("{} at {label}", page.name)).await;
            browser
                .screenshot(&format!("issue9/{}-{label}.png", page.name))
                .await;
        }
        browser.close().await;
    }
}
