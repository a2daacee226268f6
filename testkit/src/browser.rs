//! A headless Chromium driven through Debian's chromedriver, for tests that click.
//!
//! chromedriver runs in its own process group, and Chromium is its child, so dropping the
//! [`Browser`] kills both even when the test panicked mid-way. Each browser gets a fresh
//! profile in a temp dir: no state leaks between tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

use crate::process::{Readiness, Supervised, launch};

pub const CHROMEDRIVER_BIN: &str = "/usr/bin/chromedriver";
pub const CHROMIUM_BIN: &str = "/usr/bin/chromium";
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(10);
/// A cold debug `lading` and a cold Chromium on a loaded 2-core machine are slow.
pub const CLICK_TIMEOUT: Duration = Duration::from_secs(30);
/// The narrowest window headless Chromium opens; narrower viewports are emulated.
const MIN_WINDOW_WIDTH: u32 = 500;
/// How often [`Browser::wait_for_text`] looks again.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Root and sandbox-less containers need `--no-sandbox`; the rest keeps Chromium quiet,
/// offline and deterministic in size. A small /dev/shm crashes tabs without the last flag.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
];

/// The window a test looks through: desktop or phone width, light or dark scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    pub dark: bool,
}

impl Viewport {
    pub const DESKTOP: Viewport = Viewport {
        width: 1300,
        height: 1000,
        dark: false,
    };
    /// An iPhone-sized CSS width, where tables must stack instead of scrolling sideways.
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
        dark: false,
    };

    /// The four looks every screen is checked in: 1300 and 390 px wide, light and dark.
    pub const LOOKS: [Viewport; 4] = [
        Viewport::DESKTOP,
        Viewport::DESKTOP.dark(),
        Viewport::PHONE,
        Viewport::PHONE.dark(),
    ];

    pub const fn dark(self) -> Viewport {
        Viewport { dark: true, ..self }
    }

    /// `desktop`, `phone-dark`, …: a suffix for screenshot names.
    pub fn label(self) -> String {
        let size = if self.width < 640 { "phone" } else { "desktop" };
        if self.dark {
            format!("{size}-dark")
        } else {
            size.to_string()
        }
    }
}

pub struct Browser {
    client: Client,
    driver: Supervised,
    _profile: TempDir,
}

impl Browser {
    pub async fn start() -> Self {
        Self::start_with(Viewport {
            width: 1400,
            ..Viewport::DESKTOP
        })
        .await
    }

    /// A browser with this window size and colour scheme (`prefers-color-scheme`).
    pub async fn start_with(viewport: Viewport) -> Self {
        let (driver, addr) = launch(
            |port| {
                let mut command = Command::new(CHROMEDRIVER_BIN);
                command.arg(format!("--port={port}"));
                command
            },
            &Readiness {
                what: "chromedriver",
                path: "/status",
                ready: &[200],
                timeout: DRIVER_READY_TIMEOUT,
            },
        );
        let profile = tempfile::Builder::new()
            .prefix("lading-chromium-")
            .tempdir()
            .expect("temp dir for the Chromium profile");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!(
            "--window-size={},{}",
            viewport.width, viewport.height
        ));
        // Blink's own switch: 0 = dark, 1 = light.
        let scheme = if viewport.dark { 0 } else { 1 };
        args.push(format!("--blink-settings=preferredColorScheme={scheme}"));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        let mut options = json!({ "binary": CHROMIUM_BIN, "args": args });
        // Headless Chromium keeps windows at least 500 px wide: a phone width needs the
        // device emulation (which also makes it a touch device with a mobile viewport).
        if viewport.width < MIN_WINDOW_WIDTH {
            options["mobileEmulation"] = json!({ "deviceMetrics": {
                "width": viewport.width, "height": viewport.height, "pixelRatio": 1
            }});
        }
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://{addr}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver could not start Chromium: {e}\n{}",
                    driver.output()
                )
            });
        Self {
            client,
            driver,
            _profile: profile,
        }
    }

    /// The WebDriver client, for anything the helpers don't cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("navigate to {url}: {e}"));
    }

    /// Polls until an element matching `css` contains `text`; returns that element's text.
    /// On timeout saves a screenshot and panics listing what the matching elements said.
    pub async fn wait_for_text(&self, css: &str, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let mut seen = Vec::new();
            if let Ok(elements) = self.client.find_all(Locator::Css(css)).await {
                for element in elements {
                    let content = element.text().await.unwrap_or_default();
                    if content.contains(text) {
                        return content;
                    }
                    seen.push(content);
                }
            }
            if Instant::now() > deadline {
                let shot = self
                    .screenshot(&format!("timeout-{}.png", sanitise(css)))
                    .await;
                panic!(
                    "no `{css}` contained {text:?} within {timeout:?}; matching elements said {seen:?}; screenshot: {}",
                    shot.display()
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// How many elements match `css` now (0 when none or on error).
    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |e| e.len())
    }

    /// Waits (up to [`CLICK_TIMEOUT`]) for an element matching `css`, then clicks it.
    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(CLICK_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// The text of the first element matching `css`; panics when there is none.
    pub async fn text_of(&self, css: &str) -> String {
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        element.text().await.unwrap_or_default()
    }

    /// Saves a PNG of the viewport as `test-artifacts/<name>` under the workspace root.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot failed: {e}"));
        let path = artifacts_dir().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// What chromedriver printed (Chromium's own logs go to its profile dir).
    pub fn driver_output(&self) -> String {
        self.driver.output()
    }

    /// Ends the WebDriver session politely; dropping also works (it kills the processes).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// Panics unless the workspace's `dist/` holds a trunk build of the frontend (what `lading`
/// serves): without it a browser test would test the "not built" page.
pub fn require_frontend_dist() {
    let dist = artifacts_dir().with_file_name("dist");
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): build the frontend first with `bash scripts/build-frontend.sh`",
            index.display()
        )
    });
    let has_wasm = std::fs::read_dir(&dist)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.path().extension().is_some_and(|x| x == "wasm"));
    assert!(
        html.contains("lading-app") && has_wasm,
        "{} is not a trunk build of the frontend (no app <meta> or no .wasm)",
        dist.display()
    );
}

/// `test-artifacts/` at the workspace root (ignored by git), for screenshots.
pub fn artifacts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives inside the workspace")
        .join("test-artifacts")
}

fn sanitise(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
