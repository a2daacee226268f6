//! The views every test of this suite opens, and the few browser steps they share beyond
//! `browser_look`'s (`open`, `run`, `assert_no_sideways_scroll`).

use fantoccini::Locator;
use lading_testkit::Browser;
use serde_json::{Value, json};

use crate::browser_look::stand::{
    FILES_REPO, FILES_TAG, IMAGE_REPO, IMAGE_TAG, INDEX_REPO, INDEX_TAG, Stand, TAGS_REPO, TIMEOUT,
    open, run,
};

/// One view: its name (for messages and screenshots), its query, what shows it rendered.
pub struct View {
    pub name: &'static str,
    pub query: String,
    pub ready: &'static str,
    pub text: &'static str,
}

/// The views issue 10 puts a Reproduce panel and a diagram on.
pub fn views(stand: &Stand) -> Vec<View> {
    let host = stand.registry.host();
    let index = stand.reference(INDEX_REPO, INDEX_TAG);
    let amd64 = &stand.index.linux_amd64.manifest.digest;
    let files = stand.reference(FILES_REPO, FILES_TAG);
    let files_pinned = stand.pinned(FILES_REPO, &stand.files.manifest.digest);
    let layer = &stand.files.layers[0].digest;
    let view = |name, query: String, ready, text| View {
        name,
        query,
        ready,
        text,
    };
    vec![
        view(
            "index",
            format!("?image={index}"),
            "[data-testid=platform-table]",
            "arm64",
        ),
        view(
            "image",
            format!("?image={}", stand.reference(IMAGE_REPO, IMAGE_TAG)),
            "[data-testid=config-summary]",
            "Entrypoint",
        ),
        view(
            "platform",
            format!("?image={index}&platform={amd64}"),
            "[data-testid=platform-context]",
            "linux/amd64",
        ),
        view(
            "tags",
            format!("?repo={host}/{TAGS_REPO}"),
            "[data-testid=tag-count]",
            "30",
        ),
        view(
            "catalog",
            format!("?registry={host}"),
            "[data-testid=repository-list]",
            "team/",
        ),
        view(
            "layer",
            format!("?image={files_pinned}&layer={layer}"),
            "[data-testid=listing-summary]",
            "",
        ),
        view(
            "file",
            format!("?image={files}&fs=merged&path=/etc/hostname"),
            "[data-testid=file-text]",
            "lading",
        ),
    ]
}

/// Opens `view` and waits until it rendered.
pub async fn open_view(browser: &Browser, stand: &Stand, view: &View) {
    open(browser, &stand.url(&view.query)).await;
    browser.wait_for_text(view.ready, view.text, TIMEOUT).await;
}

/// Opens the panel whose summary is labelled `label` ("Reproduce", "Diagram", "Requests"),
/// as a person would: by clicking that control (unless it is open already).
pub async fn open_panel(browser: &Browser, label: &str) {
    let xpath = format!(
        "//details[summary/span[contains(concat(' ', @class, ' '), ' panel-title ') \
         and normalize-space(.)='{label}']]"
    );
    let panel = browser
        .client()
        .wait()
        .at_most(TIMEOUT)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no panel labelled {label:?}: {e}"));
    // A hover on the diagram may open the Requests panel just as the click lands (and the
    // click then closes it): look again, and click once more if it is shut.
    for _ in 0..2 {
        if panel.attr("open").await.ok().flatten().is_some() {
            return;
        }
        let summary = panel
            .find(Locator::Css(":scope > summary"))
            .await
            .unwrap_or_else(|e| panic!("the {label:?} control: {e}"));
        // Clear of the sticky header bar, which would take the click.
        let arg = serde_json::to_value(&summary).expect("an element is JSON");
        browser
            .client()
            .execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg])
            .await
            .unwrap_or_else(|e| panic!("scroll to {label:?}: {e}"));
        summary
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {label:?}: {e}"));
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert!(
        panel.attr("open").await.ok().flatten().is_some(),
        "clicking {label:?} did not open its panel"
    );
}

/// Keeps every `Blob` the page makes a URL for: the page's CSP (`connect-src 'self'`)
/// forbids fetching `blob:` URLs, so the tests read the `Blob` behind one instead.
const RECORD_BLOBS: &str = "if (!window.__blobs) {
    window.__blobs = {};
    const make = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (b) => { const u = make(b); window.__blobs[u] = b; return u; };
}";

/// Opens `view` from inside the app (a followed link, no reload), with the page's blobs
/// recorded: load the app once with [`open`] first.
pub async fn open_view_in_app(browser: &Browser, view: &View) {
    run(browser, RECORD_BLOBS).await;
    let href = json!(format!("/{}", view.query));
    run(
        browser,
        &format!(
            "const a = document.createElement('a'); a.href = {href};
             document.body.appendChild(a); a.click(); a.remove();"
        ),
    )
    .await;
    browser.wait_for_text(view.ready, view.text, TIMEOUT).await;
    let recorded = run(
        browser,
        "return window.__blobs ? Object.keys(window.__blobs).length : -1",
    )
    .await;
    assert_ne!(
        recorded,
        json!(-1),
        "{}: the link reloaded the app",
        view.name
    );
}

/// What `href` holds: a recorded `blob:` URL's blob, or a `data:`/same-origin URL fetched.
pub async fn fetch_text(browser: &Browser, href: &str) -> String {
    let value = browser
        .client()
        .execute_async(
            "const [href, done] = arguments;
             const fail = (e) => done('FETCH FAILED: ' + e);
             if (href.startsWith('blob:')) {
                 const blob = (window.__blobs || {})[href];
                 if (!blob) { fail('no Blob recorded for it'); } else { blob.text().then(done, fail); }
             } else {
                 fetch(href).then(r => r.text()).then(done, fail);
             }",
            vec![json!(href)],
        )
        .await
        .unwrap_or_else(|e| panic!("fetch {href}: {e}"));
    let text = value.as_str().unwrap_or_default().to_owned();
    assert!(!text.starts_with("FETCH FAILED"), "{href}: {text}");
    text
}

/// The `href` of the first element matching `css`, or `None`.
pub async fn href_of(browser: &Browser, css: &str) -> Option<String> {
    let script = format!(
        "const a = document.querySelector({}); return a ? a.getAttribute('href') : null;",
        json!(css)
    );
    match run(browser, &script).await {
        Value::String(href) => Some(href),
        _ => None,
    }
}
