//! Issue 11, answers any cache can keep: each API answer's `Cache-Control`, `ETag` and
//! `Vary`, and `If-None-Match` answered with 304 without a request reaching the registry
//! (counted at the registry, through [`crate::support::relay::Relay`]).

mod answer_cache;
mod credentialed;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lading_shared::api::API_REVISION;
use lading_testkit::fixtures::{self, PushedImage};
use lading_testkit::{Pusher, Registry};

use crate::support::relay::Relay;
use crate::support::{Lading, RawAnswer, encode};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT_LIVED: &str = "public, max-age=10";
const PRIVATE: &str = "private, no-cache";
const VARY: &str = "x-lading-credentials, x-lading-hub-credentials";

/// A registry, the relay that counts what reaches it, and a Lading speaking through it.
struct Setup {
    registry: Registry,
    relay: Relay,
    lading: Lading,
}

impl Setup {
    fn new(registry: Registry) -> Setup {
        let relay = Relay::start(registry.base_url());
        let lading = Lading::allowing(&[&relay.host()]);
        Setup {
            registry,
            relay,
            lading,
        }
    }

    /// A fresh Lading (empty caches, no proofs) on the same registry.
    fn restart(&mut self) {
        self.lading = Lading::allowing(&[&self.relay.host()]);
    }

    fn pusher(&self) -> Pusher {
        self.registry.pusher()
    }

    /// `ref=` naming `image` through the relay, pinned by digest (or by its tag).
    fn reference(&self, image: &PushedImage, pinned: bool) -> String {
        let name = format!("{}/{}", self.relay.host(), image.repo);
        match pinned {
            true => encode(&format!("{name}@{}", image.manifest.digest)),
            false => encode(&format!("{name}:{}", image.tag.as_deref().unwrap())),
        }
    }

    /// GET `path` (the app's `rev` added) with optional credentials and `If-None-Match`.
    async fn get(&self, path: &str, user: Option<(&str, &str)>, etag: Option<&str>) -> RawAnswer {
        let mut request = Request::get(format!("{path}&rev={API_REVISION}"));
        if let Some((user, password)) = user {
            request = request.header(
                lading_shared::api::CREDENTIALS_HEADER,
                basic(user, password),
            );
        }
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        self.lading
            .send_raw(request.body(Body::empty()).unwrap())
            .await
    }
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

fn header_of(answer: &RawAnswer, name: header::HeaderName) -> Option<&str> {
    answer.headers.get(name).map(|v| v.to_str().unwrap())
}

/// The answer's `Cache-Control` and `ETag`, after checking it varies on the credentials.
#[track_caller]
fn caching(answer: &RawAnswer) -> (&str, Option<&str>) {
    assert_eq!(
        header_of(answer, header::VARY),
        Some(VARY),
        "{:?}",
        answer.headers
    );
    let cache_control = header_of(answer, header::CACHE_CONTROL).expect("Cache-Control");
    (cache_control, header_of(answer, header::ETAG))
}

/// The routes of one image addressed by digest, each a complete answer once the layers
/// have been listed once (a first listing streams and may still end in an error).
fn pinned_routes(reference: &str, image: &PushedImage) -> Vec<String> {
    let layer = &image.layers[0].digest;
    vec![
        format!("/api/image?ref={reference}"),
        format!("/api/layer?ref={reference}&digest={layer}"),
        format!("/api/merged?ref={reference}"),
        format!("/api/file?ref={reference}&path=/srv/app/config.toml&preview=16"),
        format!("/api/file?ref={reference}&path=/srv/app/config.toml"),
        format!("/api/blob?ref={reference}&digest={layer}"),
        format!("/api/export?ref={reference}"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_answers_by_digest_are_immutable_and_revalidate_without_the_registry() {
    let setup = Setup::new(Registry::plain());
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/pinned", "v1").await;
    let reference = setup.reference(&image, true);
    // A first listing streams before it is known whole: no one may keep it.
    for layer in &image.layers {
        let path = format!("/api/layer?ref={reference}&digest={}", layer.digest);
        let first = setup.get(&path, None, None).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(caching(&first), ("no-store", None));
    }
    for path in pinned_routes(&reference, &image) {
        let answer = setup.get(&path, None, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let (cache_control, etag) = caching(&answer);
        assert_eq!(cache_control, IMMUTABLE, "{path}");
        let etag = etag.unwrap_or_else(|| panic!("{path}: no ETag"));
        assert!(
            etag.starts_with(&format!("W/\"r{API_REVISION}-")),
            "{path}: {etag}"
        );
        let before = setup.relay.lines().len();
        let again = setup.get(&path, None, Some(etag)).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty(), "{path}");
        assert_eq!(caching(&again), (IMMUTABLE, Some(etag)), "{path}");
        let reached: Vec<String> = setup.relay.lines().split_off(before);
        assert_eq!(
            reached,
            Vec::<String>::new(),
            "{path}: the 304 asked the registry"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revalidation_is_free_even_on_a_lading_that_never_saw_the_image() {
    let mut setup = Setup::new(Registry::plain());
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/fresh", "v1").await;
    let path = format!("/api/image?ref={}", setup.reference(&image, true));
    let answer = setup.get(&path, None, None).await;
    let etag = caching(&answer).1.expect("ETag").to_string();
    // Another instance behind the same CDN: its caches are empty, the ETag is the same.
    setup.restart();
    let before = setup.relay.lines().len();
    let again = setup.get(&path, None, Some(&etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(setup.relay.lines().len(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_etag_names_the_question_not_the_app_revision_parameter() {
    let setup = Setup::new(Registry::plain());
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/rev", "v1").await;
    let path = format!("/api/image?ref={}", setup.reference(&image, true));
    let with_rev = setup.get(&path, None, None).await;
    // `rev` is accepted and ignored: an older or newer app's value asks the same question.
    let other_rev = setup.get(&format!("{path}&rev=999"), None, None).await;
    let plain = setup.lading.get_raw(&path).await;
    assert_eq!(with_rev.status, StatusCode::OK);
    assert_eq!(other_rev.status, StatusCode::OK);
    let etag = caching(&with_rev).1.expect("ETag");
    assert_eq!(caching(&other_rev).1, Some(etag));
    assert_eq!(caching(&plain).1, Some(etag));
    // Another platform choice is another question.
    let child = format!("{path}&platform={}", image.manifest.digest);
    let asked = setup.get(&child, None, None).await;
    assert_ne!(caching(&asked).1, Some(etag));
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_by_tag_are_short_lived_and_have_nothing_to_revalidate() {
    let setup = Setup::new(Registry::plain());
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/tagged", "v1").await;
    let tagged = setup.reference(&image, false);
    let repo = encode(&format!("{}/{}", setup.relay.host(), image.repo));
    let paths = [
        format!("/api/image?ref={tagged}"),
        format!("/api/tags?repo={repo}"),
        format!("/api/catalog?registry={}", setup.relay.host()),
        format!("/api/file?ref={tagged}&path=/srv/app/config.toml&preview=16"),
    ];
    // What a pinned answer would carry, sent for the tag: never taken as held.
    let pinned = setup
        .get(
            &format!("/api/image?ref={}", setup.reference(&image, true)),
            None,
            None,
        )
        .await;
    let etag = caching(&pinned).1.expect("ETag").to_string();
    for path in paths {
        let answer = setup.get(&path, None, Some(&etag)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(caching(&answer), (SHORT_LIVED, None), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partial_answer_is_not_immutable() {
    let setup = Setup::new(Registry::plain());
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/partial", "v1").await;
    // The config is gone from the registry: the manifest is still shown, with the error.
    let url = format!(
        "{}/v2/{}/blobs/{}",
        setup.registry.base_url(),
        image.repo,
        image.config.digest
    );
    let deleted = reqwest::Client::new().delete(&url).send().await.unwrap();
    assert_eq!(deleted.status(), 202, "{url}");
    let path = format!("/api/image?ref={}", setup.reference(&image, true));
    let answer = setup.get(&path, None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.json()["config_error"].is_string(),
        "{}",
        answer.json()
    );
    assert_eq!(caching(&answer), (SHORT_LIVED, None));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_and_posted_downloads_are_kept_by_no_one() {
    let setup = Setup::new(Registry::plain());
    let image = fixtures::push_oci_image(&setup.pusher(), "http-cache/errors", "v1").await;
    let reference = setup.reference(&image, true);
    let missing = encode(&format!(
        "{}/http-cache/none@{}",
        setup.relay.host(),
        image.manifest.digest
    ));
    let paths = [
        format!("/api/image?ref={missing}"),
        "/api/image?ref=%20bad%20reference".to_string(),
        format!("/api/blob?ref={reference}&digest=sha256:{}", "0".repeat(64)),
        format!("/api/file?ref={reference}&path=/no/such/file&preview=16"),
        format!("/api/layer?ref={reference}"),
        "/api/nothing-here?x=1".to_string(),
    ];
    for path in paths {
        let answer = setup.get(&path, None, None).await;
        assert!(answer.status.is_client_error(), "{path}: {}", answer.status);
        assert_eq!(caching(&answer), ("no-store", None), "{path}");
    }
    let form = format!("ref={reference}");
    let posted = Request::post("/api/export")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let posted = setup.lading.send_raw(posted).await;
    assert_eq!(posted.status, StatusCode::OK);
    assert_eq!(caching(&posted), ("no-store", None));
}
