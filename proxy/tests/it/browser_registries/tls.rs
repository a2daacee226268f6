//! TLS as a person meets it: an untrusted certificate explained with `--ca-cert`, and a host
//! reached with `--insecure-host` warned about on its views.

use lading_testkit::{Browser, Vendor, Viewport, World};

use super::stand::{TIMEOUT, open};

/// The World and the repository every test here opens.
fn ghcr() -> (World, String) {
    lading_testkit::require_frontend_dist();
    let world = World::start(Vendor::Ghcr);
    let repo = format!("{}/{}", world.registry(), world.fixtures().public_repo);
    (world, repo)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_is_explained_with_ca_cert() {
    let (world, repo) = ghcr();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    let untrusted = world.lading_untrusted(&crate::lading_bin(), &[]);
    open(&browser, &format!("{}/?repo={repo}", untrusted.base_url())).await;
    browser
        .wait_for_text("[data-testid=error-view][data-kind=tls]", "", TIMEOUT)
        .await;
    let flag = browser.text_of("[data-testid=ca-cert-flag]").await;
    assert!(flag.contains("--ca-cert"), "{flag}");
    browser.screenshot("issue9/tls-error-desktop.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_insecure_host_is_warned_about_on_its_views() {
    let (world, repo) = ghcr();
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    let host = world.registry().to_owned();
    let insecure = world.lading_untrusted(&crate::lading_bin(), &["--insecure-host", &host]);
    open(&browser, &format!("{}/?repo={repo}", insecure.base_url())).await;
    let warning = browser
        .wait_for_text(
            "[data-testid=insecure-tls]",
            "Certificate not verified",
            TIMEOUT,
        )
        .await;
    assert!(
        warning.contains(&format!("--insecure-host {host}")),
        "{warning}"
    );
    browser
        .wait_for_text("[data-testid=tag-count]", "", TIMEOUT)
        .await;
    browser
        .screenshot("issue9/insecure-host-tags-desktop.png")
        .await;
    browser.close().await;
}
