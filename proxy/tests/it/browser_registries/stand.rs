//! What the `browser_registries` tests share: the Docker Hub World's lading, a plain
//! registry with a catalog, and small page helpers.

use std::time::Duration;

use fantoccini::Locator;
use lading_testkit::fixtures::push_oci_image;
use lading_testkit::{Browser, LadingProcess, Registry, Vendor, World};

// Opening a page and judging its layout are the look suite's; registries pages share them.
pub use crate::browser_look::stand::{assert_no_sideways_scroll, open, run};

/// A cold debug `lading`, a cold Chromium and a TLS World on a loaded 2-core machine.
pub const TIMEOUT: Duration = Duration::from_secs(45);
/// The Hub World's namespace of more than 100 public repositories.
pub const NAMESPACE: &str = "ladingcorp";
/// Over its pull limit from the start.
pub const THROTTLED_REPO: &str = "ladingcorp/throttled";
/// The seven-platform manifest list.
pub const ALPINE_LIST: &str = "docker.io/library/alpine:3.9";
/// Repositories of the catalog registry: more than one 100-entry `_catalog` page.
pub const CATALOG_TEAM: usize = 105;

pub struct HubStand {
    /// Dropping it stops every service.
    pub world: World,
    pub lading: LadingProcess,
}

impl HubStand {
    pub fn start() -> HubStand {
        lading_testkit::require_frontend_dist();
        let world = World::start(Vendor::DockerHub);
        let lading = world.lading(&crate::lading_bin(), &[]);
        HubStand { world, lading }
    }

    pub fn url(&self, query: &str) -> String {
        format!("{}/{query}", self.lading.base_url())
    }

    /// The namespace's repository with more than one page of tags, pushed one a minute in
    /// an order that is not their version order.
    pub fn many_tags_repo(&self) -> &str {
        &self.world.fixtures().public_repo
    }

    pub fn tag_count(&self) -> String {
        self.world.fixtures().tags.len().to_string()
    }
}

pub struct CatalogStand {
    pub registry: Registry,
    pub lading: LadingProcess,
}

impl CatalogStand {
    /// `team/app-000` … `team/app-104` and `other/tool`: two `_catalog` pages at n=100.
    pub async fn start() -> CatalogStand {
        lading_testkit::require_frontend_dist();
        let registry = Registry::plain();
        let pusher = registry.pusher();
        for i in 0..CATALOG_TEAM {
            push_oci_image(&pusher, &format!("team/app-{i:03}"), "v1").await;
        }
        push_oci_image(&pusher, "other/tool", "v1").await;
        let host = registry.host();
        let lading = crate::support::lading_allowing(&[&host]);
        CatalogStand { registry, lading }
    }

    pub fn url(&self, query: &str) -> String {
        format!("{}/{query}", self.lading.base_url())
    }
}

pub async fn type_into(browser: &Browser, css: &str, text: &str) {
    browser
        .client()
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// The texts of every element matching `css`, in document order.
pub async fn texts(browser: &Browser, css: &str) -> Vec<String> {
    let script =
        format!("return [...document.querySelectorAll('{css}')].map(e => e.textContent.trim())");
    let value = run(browser, &script).await;
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Polls until `count(css)` satisfies `ok`, failing with what it last was.
pub async fn wait_for_count(browser: &Browser, css: &str, ok: impl Fn(usize) -> bool, what: &str) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let n = browser.count(css).await;
        if ok(n) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: `{css}` counted {n}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
