//! "Verify with a public key" in the Supply chain section: a `.sig` made by the testkit's
//! own cosign-like producer (`fixtures::cosign_sign`, ring), checked with the key that made
//! it (verified) and with another (not verified), each outcome said in words with what was
//! and was not checked.

use lading_testkit::fixtures::cosign_sign::{SigningKey, cosign_sign};
use lading_testkit::fixtures::push_oci_image;
use lading_testkit::{Browser, Registry, Viewport};

use super::stand::TIMEOUT;
use crate::browser_look::stand::{open, run};

const REPO: &str = "team/keyed";

/// Pastes `pem` into the signature's key box, presses Verify, and waits until the headline
/// starts with `expected`; returns it.
async fn verify_with(browser: &Browser, pem: &str, expected: &str) -> String {
    let pem = serde_json::to_string(pem).expect("a string");
    run(
        browser,
        &format!(
            "const d = document.querySelector('[data-testid=referrers-signatures] [data-testid=verify]');
             d.open = true;
             const t = d.querySelector('textarea[name=public-key]');
             t.value = {pem};
             t.dispatchEvent(new Event('input', {{ bubbles: true }}));
             d.querySelector('button[type=submit]').scrollIntoView({{ block: 'center' }});"
        ),
    )
    .await;
    browser
        .click("[data-testid=referrers-signatures] [data-testid=verify] button[type=submit]")
        .await;
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        let script = "const h = document.querySelector('[data-testid=verify-headline]'); \
                      return h ? h.textContent.trim() : ''";
        let headline = run(browser, script)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if headline.starts_with(expected) {
            return headline;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the headline is {headline:?}, never {expected:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signature_is_verified_with_its_key_and_not_with_another() {
    lading_testkit::require_frontend_dist();
    let registry = Registry::plain();
    let pusher = registry.pusher();
    let image = push_oci_image(&pusher, REPO, "v1").await;
    let host = registry.host();
    let key = SigningKey::p256();
    let docker_reference = format!("{host}/{REPO}");
    cosign_sign(
        &pusher,
        REPO,
        &docker_reference,
        &image.manifest.digest,
        &key,
    )
    .await;
    let lading = crate::support::lading_allowing(&[&host]);
    let url = format!("{}/?image={host}/{REPO}:v1", lading.base_url());
    for viewport in [Viewport::DESKTOP, Viewport::PHONE.dark()] {
        let browser = Browser::start_with(viewport).await;
        open(&browser, &url).await;
        browser
            .wait_for_text(
                "[data-testid=referrers-signatures]",
                "cosign signature",
                TIMEOUT,
            )
            .await;
        assert_eq!(
            browser
                .count("[data-testid=referrers-signatures] textarea[name=public-key]")
                .await,
            1,
            "one key box per signature"
        );
        let headline = verify_with(&browser, &key.public_pem, "verified: ").await;
        assert!(headline.contains("ECDSA P-256"), "{headline}");
        let outcome = browser.text_of("[data-testid=verify-outcome]").await;
        assert!(outcome.contains("Not checked:"), "{outcome}");
        assert!(
            outcome.contains("Rekor"),
            "what was not checked is said: {outcome}"
        );
        let show = "document.querySelector('[data-testid=verify-outcome]').scrollIntoView({block: 'center'})";
        run(&browser, show).await;
        browser
            .screenshot(&format!("issue12/verify-{}.png", viewport.label()))
            .await;

        let other = SigningKey::p256();
        verify_with(&browser, &other.public_pem, "not verified").await;
        let check = browser.text_of("[data-testid=verify-check]").await;
        assert!(check.contains("not verified"), "{check}");
        assert!(check.contains("does not verify under this key"), "{check}");
        run(&browser, show).await;
        browser
            .screenshot(&format!("issue12/verify-refused-{}.png", viewport.label()))
            .await;
        browser.close().await;
    }
}
