//! The tag list: signature and attestation tags are hidden behind a toggle that counts them,
//! shown they say what each is and link to the image they belong to, and the tags whose
//! digest has a `.sig` tag wear a "signed" badge where the registry's tag details give the
//! digest (gcr.io's manifest map) — no request of its own.

use lading_testkit::{Browser, Vendor, Viewport, World};

use super::stand::{REPO, SupplyStand, TIMEOUT, push_signature};
use crate::browser_look::stand::{assert_no_sideways_scroll, open, run};

/// The texts of every element matching `css`, in document order.
pub async fn texts(browser: &Browser, css: &str) -> Vec<String> {
    let script =
        format!("return [...document.querySelectorAll('{css}')].map(e => e.textContent.trim())");
    serde_json::from_value(run(browser, &script).await).expect("texts")
}

/// The `data-vrow` keys of the drawn tag rows: the tags the (virtual) list holds.
async fn drawn_tags(browser: &Browser) -> Vec<String> {
    let value = run(
        browser,
        "return [...document.querySelectorAll('[data-testid=tag-item]')]
            .map(e => (e.closest('[data-vrow]') || e).dataset.vrow)",
    )
    .await;
    serde_json::from_value(value).expect("tag names")
}

#[tokio::test(flavor = "multi_thread")]
async fn signature_and_attestation_tags_hide_behind_a_toggle_and_link_to_their_image() {
    let stand = SupplyStand::start().await;
    let host = stand.registry.host();
    let subject = &stand.image.manifest.digest;
    let url = stand.url(&format!("?repo={host}/{REPO}"));
    for viewport in Viewport::LOOKS {
        let browser = Browser::start_with(viewport).await;
        let label = viewport.label();
        open(&browser, &url).await;
        // v1, the Helm chart, the unknown artifact and the SBOM: the paperwork is not counted.
        browser
            .wait_for_text("[data-testid=tag-count]", "4", TIMEOUT)
            .await;
        let drawn = drawn_tags(&browser).await;
        assert_eq!(drawn.len(), 4, "{drawn:?}");
        assert!(drawn.iter().all(|t| !t.starts_with("sha256-")), "{drawn:?}");
        let toggle = browser
            .wait_for_text("[data-testid=supply-tags-toggle]", "", TIMEOUT)
            .await;
        assert_eq!(toggle, "Show 3 signature and attestation tags");
        assert_eq!(browser.count("[data-testid=supply-tag]").await, 0);
        browser
            .screenshot(&format!("issue12/tags-hidden-{label}.png"))
            .await;

        browser.click("[data-testid=supply-tags-toggle]").await;
        browser
            .wait_for_text("[data-testid=supply-tag-list]", "cosign signature", TIMEOUT)
            .await;
        assert_eq!(
            browser.text_of("[data-testid=supply-tags-toggle]").await,
            "Hide 3 signature and attestation tags"
        );
        let shown = texts(&browser, "[data-testid=supply-tag]").await;
        assert_eq!(shown.len(), 3, "{shown:?}");
        for (tag, what) in stand.paperwork.iter().zip([
            "referrers index",
            "cosign attestation",
            "cosign signature",
        ]) {
            assert!(
                shown
                    .iter()
                    .any(|s| s.starts_with(tag.as_str()) && s.contains(what)),
                "{tag} as {what}: {shown:?}"
            );
        }
        // Each links to the image it belongs to, by digest; the list itself is unchanged.
        let links = run(
            &browser,
            "return [...document.querySelectorAll('[data-testid=supply-tag-subject]')].map(a => a.getAttribute('href'))",
        )
        .await;
        let links: Vec<String> = serde_json::from_value(links).expect("hrefs");
        let want = format!("image={host}/{REPO}@{subject}");
        assert!(
            links.iter().all(|l| l.contains(&want)),
            "{links:?} ∌ {want}"
        );
        assert_eq!(drawn_tags(&browser).await.len(), 4);
        assert_no_sideways_scroll(&browser, &format!("tags at {label}")).await;
        browser
            .screenshot(&format!("issue12/tags-shown-{label}.png"))
            .await;
        browser.close().await;
    }
    // Following a link opens the image the paperwork belongs to.
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    open(&browser, &url).await;
    browser.click("[data-testid=supply-tags-toggle]").await;
    browser
        .wait_for_text("[data-testid=supply-tag-list]", "cosign signature", TIMEOUT)
        .await;
    browser.click("[data-testid=supply-tag-subject]").await;
    browser
        .wait_for_text("[data-testid=config-summary]", "Entrypoint", TIMEOUT)
        .await;
    let current = browser.client().current_url().await.expect("url");
    assert!(
        current.as_str().contains(&format!("@{subject}")),
        "{current}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_whose_digest_has_a_sig_tag_is_badged_signed_from_the_tag_details() {
    lading_testkit::require_frontend_dist();
    let world = World::start(Vendor::Gcr);
    let fixtures = world.fixtures().clone();
    let hex = fixtures
        .image
        .manifest
        .digest
        .strip_prefix("sha256:")
        .expect("sha256")
        .to_owned();
    push_signature(
        world.pusher(),
        &fixtures.public_repo,
        &fixtures.image,
        &format!("sha256-{hex}.sig"),
    )
    .await;
    let lading = world.lading(&crate::lading_bin(), &[]);
    let browser = Browser::start_with(Viewport::DESKTOP).await;
    let url = format!(
        "{}/?repo={}/{}&q={}",
        lading.base_url(),
        fixtures.registry,
        fixtures.public_repo,
        fixtures.image_tag
    );
    open(&browser, &url).await;
    let badge = browser
        .wait_for_text("[data-testid=supply-badge]", "signed", TIMEOUT)
        .await;
    assert_eq!(badge, "signed");
    // The badge sits in the row of the tag that names the signed digest.
    let row = run(
        &browser,
        "return document.querySelector('[data-testid=supply-badge]').closest('[data-vrow]').dataset.vrow",
    )
    .await;
    let row = row.as_str().unwrap_or_default().to_owned();
    assert!(
        fixtures.tags.contains(&row) || row == fixtures.image_tag,
        "{row}"
    );
    assert_eq!(
        browser.text_of("[data-testid=supply-tags-toggle]").await,
        "Show 1 signature or attestation tag"
    );
    browser.screenshot("issue12/tags-signed-badge.png").await;
    browser.close().await;
}
