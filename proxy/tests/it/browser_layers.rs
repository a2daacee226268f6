//! Inside the layers, in a real browser: from an image to one layer's files, into a
//! directory, onto a file's contents; the merged filesystem opened straight from its URL,
//! with a whited-out file shown as deleted once deleted entries are asked for. Like
//! `browser.rs`, this needs the built frontend in `dist/` and fails without it.

use std::time::Duration;

use fantoccini::Locator;
use lading_testkit::fixtures::{
    LayerBuilder, PushedImage, many_entries, merge_stack, noise, push_layers,
};
use lading_testkit::{Browser, LadingProcess, Registry};

/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
const TIMEOUT: Duration = Duration::from_secs(30);
const REPO: &str = "team/files";
const TAG: &str = "v1";
/// Text with markup in it: the file view must show it, never render it.
const README: &str = "Hello from inside the layer.\n<b>not bold</b> & <script>no</script>\n";

struct Stand {
    registry: Registry,
    lading: LadingProcess,
    image: PushedImage,
}

impl Stand {
    async fn start() -> Stand {
        lading_testkit::require_frontend_dist();
        let registry = Registry::plain();
        let base = LayerBuilder::new()
            .dir("etc")
            .file("etc/hostname", "lading\n")
            .file("etc/motd", "welcome\n")
            .symlink("etc/readme", "../usr/share/doc/lading/README.txt")
            .dir("usr")
            .dir("usr/share")
            .dir("usr/share/doc")
            .dir("usr/share/doc/lading")
            .file("usr/share/doc/lading/README.txt", README)
            .dir("bin")
            .file_with_mode("bin/busybox", noise(7, 3000), 0o755)
            .symlink("bin/sh", "busybox")
            .file(
                "var/log/big.log",
                "a line of a long log file\n".repeat(3000),
            );
        let top = LayerBuilder::new()
            .whiteout("etc/motd")
            .dir("srv")
            .dir("srv/app")
            .file("srv/app/config.toml", "listen = \"0.0.0.0:8080\"\n");
        let image = push_layers(
            &registry.pusher(),
            REPO,
            TAG,
            vec![base.build(), top.build()],
        )
        .await;
        let host = registry.host();
        let lading = crate::support::lading_allowing(&[&host]);
        Stand {
            registry,
            lading,
            image,
        }
    }

    fn reference(&self) -> String {
        format!("{}/{REPO}:{TAG}", self.registry.host())
    }

    fn url(&self, query: &str) -> String {
        format!("{}/{query}", self.lading.base_url())
    }
}

/// Opens a listing page and waits until its summary says `expected`.
async fn open_listing(browser: &Browser, url: &str, expected: &str) {
    browser.goto(url).await;
    browser
        .wait_for_text("[data-testid=listing-summary]", expected, TIMEOUT)
        .await;
}

/// The row of `path` in the listing.
fn row(path: &str) -> String {
    format!("[data-testid=listing-row][data-path=\"{path}\"]")
}

#[tokio::test(flavor = "multi_thread")]
async fn from_an_image_into_a_layer_a_directory_and_a_file() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    browser
        .goto(&stand.url(&format!("?image={}", stand.reference())))
        .await;
    browser
        .wait_for_text("[data-testid=layer-table]", "Browse files", TIMEOUT)
        .await;
    browser
        .client()
        .execute(
            "document.querySelector('[data-testid=layer-table]').scrollIntoView({ block: 'center' })",
            vec![],
        )
        .await
        .expect("scroll to the layers");
    browser.screenshot("browser-image-layers.png").await;

    // The first layer's listing: root level only, directories closed.
    browser.click("[data-testid=layer-link]").await;
    browser
        .wait_for_text("[data-testid=listing-summary]", "verified", TIMEOUT)
        .await;
    let current = browser.client().current_url().await.expect("current url");
    let base_layer = &stand.image.layers[0].digest;
    assert!(
        current
            .query()
            .is_some_and(|q| q.contains(&format!("layer={base_layer}"))),
        "the layer view lives in the URL: {current}"
    );
    assert_eq!(browser.count(&row("/usr")).await, 1);
    assert_eq!(
        browser.count(&row("/usr/share")).await,
        0,
        "directories start closed"
    );

    for dir in [
        "/etc",
        "/usr",
        "/usr/share",
        "/usr/share/doc",
        "/usr/share/doc/lading",
    ] {
        browser
            .click(&format!("{} [data-testid=dir-toggle]", row(dir)))
            .await;
    }
    browser
        .wait_for_text(
            &row("/usr/share/doc/lading/README.txt"),
            "README.txt",
            TIMEOUT,
        )
        .await;
    let link = browser
        .wait_for_text(
            &row("/etc/readme"),
            "../usr/share/doc/lading/README.txt",
            TIMEOUT,
        )
        .await;
    assert!(link.contains('→'), "a symlink shows its target: {link}");
    browser.screenshot("browser-layer.png").await;

    // The file: its text as text (markup shown, not rendered), with a download link.
    browser
        .click(&format!(
            "{} [data-testid=file-link]",
            row("/usr/share/doc/lading/README.txt")
        ))
        .await;
    let text = browser
        .wait_for_text(
            "[data-testid=file-text]",
            "Hello from inside the layer.",
            TIMEOUT,
        )
        .await;
    assert_eq!(text.trim_end(), README.trim_end());
    assert_eq!(browser.count("[data-testid=file-text] b").await, 0);
    let download = browser
        .client()
        .find(Locator::Css("[data-testid=file-download]"))
        .await
        .expect("download link")
        .attr("href")
        .await
        .expect("href")
        .unwrap_or_default();
    assert!(
        download.starts_with("/api/file?") && !download.contains("preview"),
        "the download is the exact bytes: {download}"
    );
    browser.screenshot("browser-file.png").await;

    // A binary file is a hex dump.
    browser.click("[data-testid=crumb-listing]").await;
    browser
        .click(&format!("{} [data-testid=dir-toggle]", row("/bin")))
        .await;
    browser
        .click(&format!("{} [data-testid=file-link]", row("/bin/busybox")))
        .await;
    browser
        .wait_for_text("[data-testid=hex-dump]", "00000000  ", TIMEOUT)
        .await;
    browser.screenshot("browser-hex.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_merged_filesystem_shows_a_whiteout_as_deleted_on_request() {
    let stand = Stand::start().await;
    let browser = Browser::start().await;
    let image = stand.reference();
    open_listing(
        &browser,
        &stand.url(&format!("?image={image}&fs=merged")),
        "entries",
    )
    .await;
    browser
        .click(&format!("{} [data-testid=dir-toggle]", row("/etc")))
        .await;
    browser
        .wait_for_text(&row("/etc/hostname"), "#1", TIMEOUT)
        .await;
    assert_eq!(
        browser.count(&row("/etc/motd")).await,
        0,
        "deleted files are hidden by default"
    );
    browser.wait_for_text(&row("/srv"), "#2", TIMEOUT).await;

    browser.click("[data-testid=show-hidden]").await;
    let motd = browser
        .wait_for_text(&row("/etc/motd"), "deleted", TIMEOUT)
        .await;
    assert!(
        motd.contains("deleted in layer #2"),
        "the row says who deleted it: {motd}"
    );
    assert_eq!(
        browser.count(&format!("{}.struck", row("/etc/motd"))).await,
        1,
        "the deleted file is struck through"
    );
    browser.screenshot("browser-merged.png").await;

    // A glob filter over names; a symlink resolves in the file view.
    let filter = browser
        .client()
        .find(Locator::Css("[data-testid=listing-filter]"))
        .await
        .expect("filter box");
    filter.send_keys("*.txt").await.expect("type a glob");
    // One filter rule everywhere: the match, shown in its tree with its folders open.
    browser
        .wait_for_text(
            &row("/usr/share/doc/lading/README.txt"),
            "README.txt",
            TIMEOUT,
        )
        .await;
    assert_eq!(browser.count("[data-testid=match-count]").await, 1);
    assert_eq!(browser.count("[data-testid=listing-row]").await, 5);
    browser.screenshot("browser-merged-search.png").await;

    browser
        .goto(&stand.url(&format!("?image={image}&fs=merged&path=/etc/readme")))
        .await;
    let chain = browser
        .wait_for_text("[data-testid=symlink-chain]", "/etc/readme", TIMEOUT)
        .await;
    assert!(
        chain.contains("/usr/share/doc/lading/README.txt"),
        "chain: {chain}"
    );
    browser
        .wait_for_text(
            "[data-testid=file-text]",
            "Hello from inside the layer.",
            TIMEOUT,
        )
        .await;
    browser.screenshot("browser-symlink.png").await;

    // Longer than the preview: the first 64 KiB, and a note saying so.
    browser
        .goto(&stand.url(&format!("?image={image}&fs=merged&path=/var/log/big.log")))
        .await;
    browser
        .wait_for_text(
            "[data-testid=truncated-note]",
            "showing the first 64.0 KiB of 76.2 KiB",
            TIMEOUT,
        )
        .await;
    browser.close().await;
}

/// 30,000 entries: the listing streams in, "expand all" answers at once, and only a window
/// of rows reaches the DOM.
#[tokio::test(flavor = "multi_thread")]
async fn thirty_thousand_entries_stay_fluid() {
    const ENTRIES: usize = 30_000;
    let stand = Stand::start().await;
    let big = push_layers(
        &stand.registry.pusher(),
        "team/big",
        "v1",
        vec![many_entries(ENTRIES).build()],
    )
    .await;
    let browser = Browser::start().await;
    let image = format!("{}/team/big:v1", stand.registry.host());
    let layer = &big.layers[0].digest;
    open_listing(
        &browser,
        &stand.url(&format!("?image={image}&layer={layer}")),
        "30,000",
    )
    .await;
    browser
        .click(&format!("{} [data-testid=dir-toggle]", row("/many")))
        .await;
    browser
        .wait_for_text(&row("/many/d009"), "d009", TIMEOUT)
        .await;

    let started = std::time::Instant::now();
    browser.click("[data-testid=expand-all]").await;
    browser
        .wait_for_text(&row("/many/d000/f00100"), "f00100", TIMEOUT)
        .await;
    let expand = started.elapsed();
    let rows = browser.count("[data-testid=listing-row]").await;
    assert!(rows <= 501, "only a window of rows is rendered, not {rows}");
    assert!(
        expand < Duration::from_secs(5),
        "expanding 30,000 entries took {expand:?}"
    );

    let filter = browser
        .client()
        .find(Locator::Css("[data-testid=listing-filter]"))
        .await
        .expect("filter box");
    filter.send_keys("f2989?").await.expect("type a glob");
    browser
        .wait_for_text(&row("/many/d099/f29899"), "f29899", TIMEOUT)
        .await;
    browser.screenshot("browser-layer-big.png").await;
    eprintln!("expand all over {ENTRIES} entries: {expand:?}, {rows} rows rendered");
    browser.close().await;
}

/// The testkit's three-layer stack: in the middle layer a whiteout and an opaque directory
/// are marked as such; merged, a whited-out directory's contents show as deleted by the
/// layer that deleted them, and a file written twice as overwritten.
#[tokio::test(flavor = "multi_thread")]
async fn whiteouts_opaque_directories_and_overwrites_are_told_apart() {
    let stand = Stand::start().await;
    let layers = merge_stack().iter().map(LayerBuilder::build).collect();
    let stack = push_layers(&stand.registry.pusher(), "team/stack", "v1", layers).await;
    let image = format!("{}/team/stack:v1", stand.registry.host());
    let browser = Browser::start().await;

    let middle = &stack.layers[1].digest;
    open_listing(
        &browser,
        &stand.url(&format!("?image={image}&layer={middle}")),
        "entries",
    )
    .await;
    browser.click("[data-testid=expand-all]").await;
    browser
        .wait_for_text(&row("/etc/motd"), "deleted", TIMEOUT)
        .await;
    browser
        .wait_for_text(&row("/var/cache/app"), "opaque", TIMEOUT)
        .await;
    browser.screenshot("browser-layer-whiteouts.png").await;

    open_listing(
        &browser,
        &stand.url(&format!("?image={image}&fs=merged")),
        "entries",
    )
    .await;
    browser.click("[data-testid=show-hidden]").await;
    browser.click("[data-testid=expand-all]").await;
    browser
        .wait_for_text(&row("/opt/keep/x"), "deleted in layer #3", TIMEOUT)
        .await;
    browser
        .wait_for_text(&row("/etc/os-release"), "overwritten in layer #2", TIMEOUT)
        .await;
    browser
        .wait_for_text(&row("/var/cache/app/a"), "deleted in layer #2", TIMEOUT)
        .await;
    browser.screenshot("browser-merged-stack.png").await;
    browser.close().await;
}
