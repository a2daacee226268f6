//! The Docker Hub World: `registry-1.docker.io` (the engine with Docker Hub's profile and
//! pull rate limit), `auth.docker.io` (tokens), `production.cloudflare.docker.com` (signed
//! blob redirects; R2 presigned `X-Amz-*` URLs at `docker-images-prod.….r2.cloudflarestorage.com`
//! with `WorldOptions::alternate`) and `hub.docker.com` (the web API), faithful to the two
//! Docker Hub sections of REGISTRIES.md.
//!
//! `WorldOptions::alternate` flips every reading REGISTRIES.md leaves open: blobs on R2,
//! `tags/list` pages at 100 with `Link` (default: all at once), a manifest-list GET counts
//! as a pull too (default: only platform manifests), plain `ordering=last_updated` is newest
//! first (default: oldest first).

mod api;
mod auth;
mod cdn;
pub mod content;
mod derive;
mod images;
mod meta;
mod pull_limit;
mod registry;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock, Weak};

pub use api::{API_LIMIT, API_WINDOW_SECS, Account, JWT_LIFETIME_SECS};
pub use cdn::SIGNATURE_LIFETIME_SECS;
pub use content::*;
pub use derive::INACTIVE_TAG;
pub use meta::hub_time;
pub use pull_limit::{ANONYMOUS_LIMIT, SIGNED_IN_LIMIT, WINDOW_SECS};
pub use registry::{TOKEN_EXPIRES_IN, UNAUTHORIZED_BODY};

use super::engine::Engine;
use super::{World, WorldBuilder, block_on, fill};
use api::HubApi;
use pull_limit::{PullLimits, Puller};

/// What a person types.
pub const REGISTRY: &str = "docker.io";
pub const REGISTRY_HOST: &str = "registry-1.docker.io";
/// The `service` of the challenge and the token request.
pub const REGISTRY_SERVICE: &str = "registry.docker.io";
pub const AUTH_HOST: &str = "auth.docker.io";
pub const CDN_HOST: &str = "production.cloudflare.docker.com";
pub const R2_HOST: &str =
    "docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com";
pub const HUB_HOST: &str = "hub.docker.com";

/// Where blob redirects point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CdnStyle {
    /// `production.cloudflare.docker.com/…/data?verify=<unix>-<signature>`.
    Cloudflare,
    /// `docker-images-prod.<id>.r2.cloudflarestorage.com/…/data?X-Amz-…`.
    R2,
}

/// `docker-ratelimit-source` of a signed-in pull: the account's id (a fixed UUID per name).
pub fn account_id(user: &str) -> String {
    let digest = crate::fixtures::sha256_digest(user.as_bytes());
    let hex = &digest["sha256:".len()..];
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Handles on a running Docker Hub World's state, for tests that change it mid-way.
#[derive(Clone)]
pub struct DockerHubControls {
    api: HubApi,
    limits: Arc<Mutex<PullLimits>>,
}

impl DockerHubControls {
    fn limits(&self) -> std::sync::MutexGuard<'_, PullLimits> {
        self.limits.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Pulls left for anonymous callers on loopback (`user` None) or for an account.
    pub fn set_pulls_remaining(&self, user: Option<&str>, remaining: u64) {
        let puller = match user {
            None => Puller::Anonymous {
                ip: "127.0.0.1".into(),
            },
            Some(name) => Puller::User {
                name: name.into(),
                id: account_id(name),
            },
        };
        self.limits().set_remaining(&puller, remaining);
    }

    /// A paid plan: no rate-limit headers at all.
    pub fn set_unlimited(&self, unlimited: bool) {
        self.limits().unlimited = unlimited;
    }

    /// Hub API requests left this window for anonymous callers (`user` None) or an account.
    pub fn set_api_remaining(&self, user: Option<&str>, remaining: u64) {
        self.api.set_remaining(user, remaining);
    }
}

/// The served state of a running Docker Hub World, held weakly: it dies with the World.
type WeakControls = (Weak<api::Inner>, Weak<Mutex<PullLimits>>);

/// Running Docker Hub Worlds by their registry address (unique while a World lives):
/// `World` is the shared type, so its Docker Hub handles are found here.
fn running() -> &'static Mutex<HashMap<SocketAddr, WeakControls>> {
    static RUNNING: OnceLock<Mutex<HashMap<SocketAddr, WeakControls>>> = OnceLock::new();
    RUNNING.get_or_init(Default::default)
}

impl World {
    /// The Docker Hub World's controls; panics on another vendor's World.
    pub fn docker_hub(&self) -> DockerHubControls {
        let addr = self.addr_of(REGISTRY_HOST).expect("not a Docker Hub World");
        let running = running().lock().unwrap_or_else(|e| e.into_inner());
        let (api, limits) = running
            .get(&addr)
            .expect("a Docker Hub World registers itself");
        DockerHubControls {
            api: HubApi(api.upgrade().expect("the World is running")),
            limits: limits.upgrade().expect("the World is running"),
        }
    }
}

pub(super) fn build(world: &mut WorldBuilder) {
    let alternate = world.options.alternate;
    let style = if alternate {
        CdnStyle::R2
    } else {
        CdnStyle::Cloudflare
    };
    let mut profile = registry::profile(style);
    if alternate {
        profile.tags.default_page = Some(100);
    }
    let registry_accounts = [
        (USERNAME.to_owned(), PASSWORD.to_owned()),
        (USERNAME.to_owned(), ACCESS_TOKEN.to_owned()),
    ];
    let store = world.store.clone();
    let engine = Engine::new(profile, store.clone(), &registry_accounts);

    let pusher = world.pusher().clone();
    let credentials = Some((USERNAME.to_owned(), PASSWORD.to_owned()));
    let mut fixtures = block_on(fill::standard(
        &pusher,
        &store,
        REGISTRY,
        APP_REPO,
        Some(PRIVATE_REPO),
        credentials,
    ));
    content::store_images(&store);
    fixtures.repositories = store.repositories();

    let (repos, tags) = derive::hub_view(&store);
    let accounts = vec![Account {
        username: USERNAME.into(),
        secrets: vec![PASSWORD.into(), ACCESS_TOKEN.into()],
        member_of: vec![NAMESPACE.into()],
    }];
    let api = HubApi::new(repos, tags, accounts, alternate);
    let limits = Arc::new(Mutex::new(PullLimits::new(
        vec![THROTTLED_REPO.into()],
        alternate,
    )));

    let addr = world.serve(
        &[REGISTRY_HOST],
        registry::router(engine.clone(), limits.clone()),
    );
    world.serve(&[AUTH_HOST], auth::router(engine.clone()));
    world.serve(
        &[CDN_HOST],
        cdn::router(store.clone(), CdnStyle::Cloudflare),
    );
    world.serve(&[R2_HOST], cdn::router(store, CdnStyle::R2));
    world.serve(&[HUB_HOST], api.router());
    world.registry = Some(REGISTRY.into());
    world.fixtures = Some(fixtures);

    let mut running = running().lock().unwrap_or_else(|e| e.into_inner());
    running.retain(|_, (api, _)| api.strong_count() > 0);
    running.insert(addr, (Arc::downgrade(&api.0), Arc::downgrade(&limits)));
}
