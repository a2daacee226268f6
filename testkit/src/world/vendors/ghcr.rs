//! ghcr.io: anonymous tokens `{"token":"djE6…"}` only, the ping's placeholder scope, private
//! and missing repositories answered alike, 100 tags a page (oldest first) with a relative
//! `Link`, strict `Accept` without a list fallback, no catalog, blobs on a signed Azure-style
//! URL at `pkg-containers.githubusercontent.com`.
//!
//! Uncertain (switched by `WorldOptions::alternate`): a denial is 401 UNAUTHORIZED (default)
//! or 403 DENIED.

use axum::Router;
use axum::http::StatusCode;

use super::{engine, fill, hex_of, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{
    AcceptRules, Auth, BearerRules, CatalogRules, Cdn, Fault, Profile, Reply, ScopeParam, TagOrder,
    TokenShape,
};

pub const HOST: &str = "ghcr.io";
pub const CDN_HOST: &str = "pkg-containers.githubusercontent.com";
pub const PUBLIC: &str = "lading-org/app";
pub const PRIVATE: &str = "lading-org/secret";

fn errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    let e = |s, c, m: &str| Reply::errors(s, c, m, None);
    match fault {
        Fault::Unauthorized { .. } | Fault::Denied { .. } => {
            e(S::UNAUTHORIZED, "UNAUTHORIZED", "authentication required")
        }
        Fault::NameUnknown { .. } => e(
            S::NOT_FOUND,
            "NAME_UNKNOWN",
            "repository name not known to registry",
        ),
        Fault::ManifestUnknown { .. } | Fault::NotAccepted { .. } => {
            e(S::NOT_FOUND, "MANIFEST_UNKNOWN", "manifest unknown")
        }
        Fault::BlobUnknown { .. } => e(S::NOT_FOUND, "BLOB_UNKNOWN", "blob unknown to registry"),
        Fault::BadN { .. } => e(
            S::BAD_REQUEST,
            "PAGINATION_NUMBER_INVALID",
            "invalid number of results requested",
        ),
        Fault::NoCatalog => e(S::NOT_FOUND, "NOT_FOUND", "404 page not found"),
        Fault::NotFound => e(S::NOT_FOUND, "NOT_FOUND", "404 page not found"),
    }
}

fn errors_denied(fault: &Fault<'_>) -> Reply {
    match fault {
        Fault::Denied { .. } => Reply::errors(StatusCode::FORBIDDEN, "DENIED", "denied", None),
        other => errors(other),
    }
}

fn cdn_location(digest: &str) -> String {
    format!(
        "/ghcr1/blobs/sha256:{}?se=2026-12-01T22%3A40%3A00Z&sig=Wm9vYmFyU2lnbmF0dXJlMTIzNDU2Nzg5MA%3D%3D&sp=r&spr=https&sr=b&sv=2019-12-12",
        hex_of(digest)
    )
}

pub fn profile(alternate: bool) -> Profile {
    let mut p = Profile::distribution(HOST);
    p.auth = Auth::Bearer(BearerRules {
        realm: format!("https://{HOST}/token"),
        params: format!(",service=\"{HOST}\""),
        service: Some(HOST.to_owned()),
        scope: ScopeParam::Requested,
        ping_scope: Some("repository:user/image:pull".to_owned()),
        token_shape: TokenShape::TokenOnly,
        token_prefix: "djE6",
        grant_all: false,
    });
    p.accept = AcceptRules {
        strict: true,
        list_fallback: false,
    };
    p.tags.order = TagOrder::OldestFirst;
    p.tags.default_page = Some(100);
    p.catalog = CatalogRules::NotOffered;
    p.cdn = Some(Cdn {
        host: CDN_HOST.to_owned(),
        location: cdn_location,
        signature_param: "sig",
        refuses_authorization: true,
    });
    p.hide_missing = true;
    p.errors = if alternate { errors_denied } else { errors };
    p
}

pub(super) fn build(world: &mut WorldBuilder) {
    let credentials = Some((
        "lading-bot".to_owned(),
        "ghp_LadingTestkitToken0123456789abcdef".to_owned(),
    ));
    let engine = engine(world, profile(world.options.alternate), &credentials);
    serve_registry(world, &engine, Router::new());
    fill(world, HOST, PUBLIC, Some(PRIVATE), credentials);
}
