//! One profile per registry row of REGISTRIES.md ("Other registries"), and the shared steps
//! that turn a profile into a running World.

mod acr;
mod artifactory;
mod ecr;
mod ghcr;
mod gitlab;
mod google;
mod harbor;
mod quay;

use axum::Router;

use super::engine::{Engine, Profile};
use super::{Vendor, WorldBuilder, block_on, cdn, fill};

pub(crate) fn build(vendor: Vendor, world: &mut WorldBuilder) {
    match vendor {
        Vendor::Ghcr => ghcr::build(world),
        Vendor::Gcr => google::build_gcr(world),
        Vendor::ArtifactRegistry => google::build_ar(world),
        Vendor::Quay => quay::build(world),
        Vendor::Ecr => ecr::build_ecr(world),
        Vendor::PublicEcr => ecr::build_public(world),
        Vendor::Acr => acr::build(world),
        Vendor::GitLab => gitlab::build(world),
        Vendor::Harbor => harbor::build(world),
        Vendor::Artifactory => artifactory::build(world),
        Vendor::DockerHub => unreachable!("Docker Hub is built by world::hub"),
    }
}

/// The engine for `profile` with `credentials` as its one account.
pub(super) fn engine(
    world: &WorldBuilder,
    profile: Profile,
    credentials: &Option<(String, String)>,
) -> Engine {
    let accounts: Vec<(String, String)> = credentials.iter().cloned().collect();
    Engine::new(profile, world.store.clone(), &accounts)
}

/// Serves the engine's registry (plus `extra` routes on the same host) and its CDN host.
pub(super) fn serve_registry(world: &mut WorldBuilder, engine: &Engine, extra: Router) {
    let profile = engine.profile.clone();
    world.serve(&[profile.host.as_str()], engine.router().merge(extra));
    if let Some(cdn) = &profile.cdn {
        world.serve(&[cdn.host.as_str()], cdn::router(world.store.clone(), cdn));
    }
}

/// Pushes the standard content and records what a person types as `registry`.
pub(super) fn fill(
    world: &mut WorldBuilder,
    registry: &str,
    public: &str,
    private: Option<&str>,
    credentials: Option<(String, String)>,
) {
    let pusher = world.pusher().clone();
    let store = world.store.clone();
    let fixtures = block_on(fill::standard(
        &pusher,
        &store,
        registry,
        public,
        private,
        credentials,
    ));
    world.registry = Some(registry.to_owned());
    world.fixtures = Some(fixtures);
}

/// `fn(&str) -> String` hooks can't capture, so signed CDN URLs use fixed, plausible values.
pub(super) fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}
