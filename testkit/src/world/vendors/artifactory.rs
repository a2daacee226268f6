//! JFrog Artifactory (`lading.jfrog.io`, repository key `docker-local` as the first path
//! segment): `Basic realm="Artifactory Realm"` (a realm that is not a URL), anonymous reads of
//! public repositories; tag lists with a JSON `null` entry and a digest listed as a tag; `next`
//! links that drop the repository key (`</v2/app/tags/list?…>` for `docker-local/app`);
//! `_catalog` offered.
//!
//! Uncertain (`WorldOptions::alternate`): anonymous access off (every read needs credentials).

use axum::Router;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{engine, fill, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{Auth, Fault, Profile, Reply, distribution_errors};
use crate::world::store::{Repo, Store};

pub const HOST: &str = "lading.jfrog.io";
pub const PUBLIC: &str = "docker-local/app";
pub const PRIVATE: &str = "docker-local/secret";

fn errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    match fault {
        Fault::Unauthorized { .. } | Fault::Denied { .. } => Reply::errors(
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            "Authentication is required",
            Some(Value::Null),
        ),
        Fault::ManifestUnknown { reference, .. } => Reply::errors(
            S::NOT_FOUND,
            "MANIFEST_UNKNOWN",
            "Manifest unknown",
            Some(json!({ "manifest": reference })),
        ),
        Fault::NameUnknown { .. } => Reply::errors(
            S::NOT_FOUND,
            "NAME_UNKNOWN",
            "Repository name not known to registry",
            None,
        ),
        other => distribution_errors(other),
    }
}

/// The first page gets a `null` and the first manifest's digest among its tags.
fn extend(_store: &Store, _repo: &str, content: &Repo, body: &mut Value, first: bool) {
    if !first {
        return;
    }
    let digest = content.tags.first().map(|t| t.digest.clone());
    if let Some(tags) = body["tags"].as_array_mut() {
        tags.insert(0, Value::Null);
        if let Some(digest) = digest {
            tags.push(json!(digest));
        }
    }
}

pub fn profile(alternate: bool) -> Profile {
    let mut p = Profile::distribution(HOST);
    p.auth = Auth::Basic {
        challenge: "Basic realm=\"Artifactory Realm\"".to_owned(),
        anonymous_public: !alternate,
    };
    p.tags.link = Some("</v2/{tail}/tags/list?last={last}&n={n}>; rel=\"next\"".into());
    p.tags.extend = Some(extend);
    p.errors = errors;
    p
}

pub(super) fn build(world: &mut WorldBuilder) {
    let credentials = Some((
        "lading".to_owned(),
        "cmVmdGtuOjAxOjE3OTYxNjI0MDA6TGFkaW5n".to_owned(),
    ));
    let engine = engine(world, profile(world.options.alternate), &credentials);
    serve_registry(world, &engine, Router::new());
    fill(world, HOST, PUBLIC, Some(PRIVATE), credentials);
}
