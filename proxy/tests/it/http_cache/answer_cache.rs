//! Whole answers kept by `routes::answer_cache`: a warm answer addressed by digest is sent
//! from its kept bytes, only to its own scope (registry, repository, identity), and only
//! while that scope's access stands proven.
//!
//! What proves an answer came from there rather than from a fresh view: Lading's content
//! cache (manifests, configs) is emptied first, so a view would have to ask the registry,
//! and the relay in front of it counts that nothing reached it.

use axum::body::Body;
use axum::http::{HeaderName, Request, StatusCode, header};
use lading::guard::AllowedHost;
use lading::registry::access::{ContentScope, Identity};
use lading::{AppState, Settings};
use lading_shared::Reference;
use lading_shared::api::API_REVISION;
use lading_testkit::Registry;
use lading_testkit::fixtures::{self, PushedImage};

use super::{IMMUTABLE, PRIVATE, basic};
use crate::support::relay::Relay;
use crate::support::{Lading, RawAnswer, encode};

const USER: &str = "carol";
const PASSWORD: &str = "s3cret-answer-cache";

/// A registry, the relay counting what reaches it, and a Lading whose state the test keeps.
struct World {
    registry: Registry,
    relay: Relay,
    state: AppState,
    lading: Lading,
}

impl World {
    fn new(registry: Registry) -> World {
        let relay = Relay::start(registry.base_url());
        let allow_hosts = vec![relay.host().parse::<AllowedHost>().unwrap()];
        let state = AppState::new(Settings {
            allow_hosts,
            ..Default::default()
        })
        .expect("state");
        let lading = Lading::of(state.clone());
        World {
            registry,
            relay,
            state,
            lading,
        }
    }

    async fn push(&self, repo: &str) -> PushedImage {
        fixtures::push_oci_image(&self.registry.pusher(), repo, "v1").await
    }

    /// `image` viewed by digest as `user` (or anyone), with `If-None-Match: etag` if given.
    async fn view(
        &self,
        image: &PushedImage,
        user: Option<(&str, &str)>,
        etag: Option<&str>,
    ) -> RawAnswer {
        let name = format!(
            "{}/{}@{}",
            self.relay.host(),
            image.repo,
            image.manifest.digest
        );
        let path = format!("/api/image?ref={}&rev={API_REVISION}", encode(&name));
        let mut request = Request::get(path);
        if let Some((user, password)) = user {
            let value = basic(user, password);
            request = request.header(lading_shared::api::CREDENTIALS_HEADER, value);
        }
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        let request = request.body(Body::empty()).unwrap();
        self.lading.send_raw(request).await
    }

    /// What reached the registry while `view` ran.
    async fn reached<F: Future<Output = RawAnswer>>(&self, view: F) -> (RawAnswer, Vec<String>) {
        let before = self.relay.lines().len();
        let answer = view.await;
        (answer, self.relay.lines().split_off(before))
    }

    /// Lading's content cache forgets every manifest and config: a view now has to ask.
    fn forget_content(&self) {
        self.state.upstream.content.manifests.invalidate_all();
        self.state.upstream.content.configs.invalidate_all();
    }

    fn anonymous_scope(&self, image: &PushedImage) -> ContentScope {
        let name = format!(
            "{}/{}@{}",
            self.relay.host(),
            image.repo,
            image.manifest.digest
        );
        let repository = Reference::parse(&name).unwrap().repository();
        ContentScope {
            registry: repository.registry,
            repository: repository.repository,
            identity: Identity::Anonymous,
        }
    }
}

fn trace_len(answer: &RawAnswer) -> usize {
    answer.json()["trace"].as_array().expect("a trace").len()
}

/// A cold view, then a warm one made with no exchange (the one kept); returns the warm one.
async fn warmed(world: &World, image: &PushedImage, user: Option<(&str, &str)>) -> RawAnswer {
    let cold = world.view(image, user, None).await;
    assert_eq!(cold.status, StatusCode::OK, "{}", cold.json());
    let warm = world.view(image, user, None).await;
    assert_eq!(warm.status, StatusCode::OK);
    assert_eq!(trace_len(&warm), 0, "the warm view asked: {}", warm.json());
    warm
}

#[track_caller]
fn assert_same_headers(kept: &RawAnswer, made: &RawAnswer) {
    let names = [
        header::CACHE_CONTROL,
        header::ETAG,
        header::VARY,
        header::CONTENT_TYPE,
    ];
    for name in names
        .iter()
        .chain(&[HeaderName::from_static("x-content-type-options")])
    {
        assert_eq!(kept.headers.get(name), made.headers.get(name), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_third_identical_view_is_sent_from_the_kept_answer() {
    let world = World::new(Registry::plain());
    let image = world.push("answer-cache/third").await;
    let warm = warmed(&world, &image, None).await;
    world.forget_content();
    let (third, reached) = world.reached(world.view(&image, None, None)).await;
    assert_eq!(third.status, StatusCode::OK);
    assert_eq!(reached, Vec::<String>::new(), "the registry was asked");
    assert_eq!(third.body, warm.body);
    assert_same_headers(&third, &warm);
    assert_eq!(third.headers.get(header::CACHE_CONTROL).unwrap(), IMMUTABLE);
    // Revalidation is unchanged: a held ETag is a 304 with the same headers.
    let etag = third.headers.get(header::ETAG).unwrap().to_str().unwrap();
    let held = world.view(&image, None, Some(etag)).await;
    assert_eq!(held.status, StatusCode::NOT_MODIFIED);
    assert!(held.body.is_empty());
    assert_eq!(held.headers.get(header::ETAG).unwrap(), etag);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_digest_in_another_repository_or_for_another_identity_is_viewed_afresh() {
    let world = World::new(Registry::plain());
    let one = world.push("answer-cache/one").await;
    let two = world.push("answer-cache/two").await;
    assert_eq!(one.manifest.digest, two.manifest.digest, "the same bytes");
    let warm = warmed(&world, &one, None).await;
    let (other, reached) = world.reached(world.view(&two, None, None)).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(
        reached
            .iter()
            .any(|r| r.contains("/answer-cache/two/manifests/")),
        "{reached:?}"
    );
    assert_ne!(other.body, warm.body);
    // Someone signed in (a registry that asks for nothing still sees their own scope).
    let someone = Some((USER, PASSWORD));
    let (theirs, reached) = world.reached(world.view(&one, someone, None)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(trace_len(&theirs) > 0, "{}", theirs.json());
    assert!(!reached.is_empty());
    assert_eq!(theirs.headers.get(header::CACHE_CONTROL).unwrap(), PRIVATE);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_kept_for_someone_is_never_sent_to_anyone_else() {
    let world = World::new(Registry::htpasswd(USER, PASSWORD));
    let image = world.push("answer-cache/private").await;
    let someone = Some((USER, PASSWORD));
    let warm = warmed(&world, &image, someone).await;
    world.forget_content();
    let (again, reached) = world.reached(world.view(&image, someone, None)).await;
    assert_eq!((again.body == warm.body, reached.len()), (true, 0));
    assert_same_headers(&again, &warm);
    assert_eq!(again.headers.get(header::CACHE_CONTROL).unwrap(), PRIVATE);
    for other in [None, Some((USER, "wrong"))] {
        let (refused, reached) = world.reached(world.view(&image, other, None)).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{other:?}");
        assert!(!reached.is_empty(), "{other:?}: the registry was not asked");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_standing_proof_the_registry_is_asked_again() {
    let world = World::new(Registry::plain());
    let image = world.push("answer-cache/withdrawn").await;
    let warm = warmed(&world, &image, None).await;
    world
        .state
        .upstream
        .proofs
        .withdraw(&world.anonymous_scope(&image));
    let (asked, reached) = world.reached(world.view(&image, None, None)).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        reached.iter().any(|r| r.contains("/manifests/")),
        "{reached:?}"
    );
    assert!(trace_len(&asked) > 0);
    // That request proved the scope again: the kept answer stands once more.
    world.forget_content();
    let (kept, reached) = world.reached(world.view(&image, None, None)).await;
    assert_eq!(reached, Vec::<String>::new());
    assert_eq!(kept.body, warm.body);
}
