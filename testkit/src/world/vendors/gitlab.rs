//! GitLab's registry (`registry.gitlab.com`, tokens from `gitlab.com`):
//! `Bearer realm="https://gitlab.com/jwt/auth",service="container_registry"` — the literal
//! service, not the host (the token endpoint refuses any other) → `{"token":…}`; a distribution
//! fork, so strict `Accept` with distribution's wording (404 MANIFEST_UNKNOWN "OCI manifest
//! found, but accept header does not support OCI manifests") and the linux/amd64 answer for a
//! client that does not take lists; tokens only for projects that exist; no catalog; blobs on
//! signed Google Cloud CDN URLs (`Expires`, `KeyName`, `Signature`).

use axum::Router;

use super::{engine, fill, hex_of, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{
    Auth, BearerRules, CatalogRules, Cdn, Profile, ScopeParam, TokenShape, distribution_errors,
};

pub const HOST: &str = "registry.gitlab.com";
pub const AUTH_HOST: &str = "gitlab.com";
pub const CDN_HOST: &str = "cdn.registry.gitlab-static.net";
pub const SERVICE: &str = "container_registry";
pub const PUBLIC: &str = "lading-group/lading-project";
pub const PRIVATE: &str = "lading-group/secret-project";

fn cdn_location(digest: &str) -> String {
    let hex = hex_of(digest);
    format!(
        "/gitlab-gprd-registry/docker/registry/v2/blobs/sha256/{}/{hex}/data?Expires=1796162400&KeyName=gprd-registry-cdn&Signature=TGFkaW5nVGVzdGtpdA==",
        &hex[..2]
    )
}

pub fn profile() -> Profile {
    let mut p = Profile::distribution(HOST);
    p.auth = Auth::Bearer(BearerRules {
        realm: format!("https://{AUTH_HOST}/jwt/auth"),
        params: format!(",service=\"{SERVICE}\""),
        service: Some(SERVICE.to_owned()),
        scope: ScopeParam::Requested,
        ping_scope: None,
        token_shape: TokenShape::TokenOnly,
        token_prefix: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.",
        grant_all: false,
    });
    p.catalog = CatalogRules::NotOffered;
    p.cdn = Some(Cdn {
        host: CDN_HOST.to_owned(),
        location: cdn_location,
        signature_param: "Signature",
        refuses_authorization: true,
    });
    p.hide_missing = true;
    p.grant_missing = false;
    p.errors = distribution_errors;
    p
}

pub(super) fn build(world: &mut WorldBuilder) {
    let credentials = Some((
        "lading-user".to_owned(),
        "glpat-LadingTestkitToken01234".to_owned(),
    ));
    let engine = engine(world, profile(), &credentials);
    serve_registry(world, &engine, Router::new());
    world.serve(&[AUTH_HOST], engine.token_router());
    fill(world, HOST, PUBLIC, Some(PRIVATE), credentials);
}
