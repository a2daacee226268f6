//! gcr.io and Artifact Registry (`us-docker.pkg.dev`).
//!
//! gcr.io: `Bearer realm="https://gcr.io/v2/token",service=gcr.io` (service unquoted), tokens
//! for 43200 s, 401s after the ping carry **no** `WWW-Authenticate` (a client reuses the
//! ping's challenge), `tags/list` all in one page (`n`/`last` ignored) with `child` and a
//! `manifest` map whose numbers are strings (creation dates for free), `_catalog` offered,
//! blobs on signed `storage.googleapis.com` URLs.
//! Artifact Registry: the same family, its challenge has no `service` at all.
//!
//! Uncertain (`WorldOptions::alternate`): Artifact Registry offers `_catalog` (default: not).

use axum::Router;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{engine, fill, hex_of, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{
    Auth, BearerRules, CatalogRules, Cdn, Fault, Profile, Reply, ScopeParam, TokenShape,
};
use crate::world::store::{Repo, Store};

pub const GCR_HOST: &str = "gcr.io";
pub const AR_HOST: &str = "us-docker.pkg.dev";
pub const STORAGE_HOST: &str = "storage.googleapis.com";
pub const GCR_PUBLIC: &str = "lading-project/app";
pub const GCR_PRIVATE: &str = "lading-project/secret";
pub const AR_PUBLIC: &str = "lading-project/lading-repo/app";
pub const AR_PRIVATE: &str = "lading-project/lading-repo/secret";
/// Token lifetime of both.
pub const TOKEN_SECONDS: u64 = 43200;
/// A creation time is this long before the push (so created ≠ uploaded, as for real images).
const BUILD_BEFORE_PUSH_MS: u64 = 3_600_000;

const PERMISSION: &str = "You don't have the needed permissions to perform this operation, and \
you may have invalid credentials. To authenticate your request, follow the steps in: \
https://cloud.google.com/container-registry/docs/advanced-authentication";

fn errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    let e = |s, c, m: &str| Reply::errors(s, c, m, None);
    match fault {
        Fault::Unauthorized { .. } | Fault::Denied { .. } => {
            e(S::UNAUTHORIZED, "UNAUTHORIZED", PERMISSION)
        }
        Fault::NameUnknown { repo } => e(
            S::NOT_FOUND,
            "NAME_UNKNOWN",
            &format!("Repository \"{repo}\" not found"),
        ),
        Fault::NotAccepted { .. } => crate::world::engine::distribution_errors(fault),
        Fault::ManifestUnknown { repo, reference } => e(
            S::NOT_FOUND,
            "MANIFEST_UNKNOWN",
            &format!(
                "Failed to fetch \"{reference}\" from request \"/v2/{repo}/manifests/{reference}\"."
            ),
        ),
        Fault::BlobUnknown { digest } => e(
            S::NOT_FOUND,
            "BLOB_UNKNOWN",
            &format!("Failed to fetch \"{digest}\""),
        ),
        Fault::BadN { .. } => e(S::BAD_REQUEST, "UNSUPPORTED", "Invalid page size"),
        Fault::NoCatalog => e(S::NOT_FOUND, "UNSUPPORTED", "_catalog is not supported"),
        Fault::NotFound => Reply::text(S::NOT_FOUND, "404 page not found\n"),
    }
}

/// gcr's `child` (direct sub-repositories) and `manifest` map (every manifest, tagged or
/// not, numbers as strings).
fn extend(store: &Store, repo: &str, content: &Repo, body: &mut Value, _first: bool) {
    let prefix = format!("{repo}/");
    let child: Vec<String> = store
        .repositories()
        .into_iter()
        .filter_map(|r| r.strip_prefix(&prefix).map(String::from))
        .filter(|rest| !rest.contains('/'))
        .collect();
    let mut manifests = Map::new();
    for (digest, m) in &content.manifests {
        let tags: Vec<&str> = content
            .tags_of(digest)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        let uploaded = content
            .tags_of(digest)
            .iter()
            .map(|t| t.pushed_ms)
            .max()
            .unwrap_or(m.pushed_ms);
        manifests.insert(
            digest.clone(),
            json!({
                "imageSizeBytes": m.content_size().to_string(),
                "layerId": "",
                "mediaType": m.media_type,
                "tag": tags,
                "timeCreatedMs": (m.pushed_ms - BUILD_BEFORE_PUSH_MS).to_string(),
                "timeUploadedMs": uploaded.to_string(),
            }),
        );
    }
    body["child"] = json!(child);
    body["manifest"] = Value::Object(manifests);
}

fn storage_location(digest: &str) -> String {
    format!(
        "/artifacts.lading-project.appspot.com/containers/images/sha256:{}?X-Goog-Algorithm=GOOG4-RSA-SHA256\
&X-Goog-Credential=gcr-signer%40lading-project.iam.gserviceaccount.com%2F20261201%2Fauto%2Fstorage%2Fgoog4_request\
&X-Goog-Date=20261201T220000Z&X-Goog-Expires=300&X-Goog-SignedHeaders=host\
&X-Goog-Signature=5a1e0c0ffee0ddba11deadbeef0123456789abcdef",
        hex_of(digest)
    )
}

fn profile(host: &str, params: &str, service: Option<&str>) -> Profile {
    let mut p = Profile::distribution(host);
    p.auth = Auth::Bearer(BearerRules {
        realm: format!("https://{host}/v2/token"),
        params: params.to_owned(),
        service: service.map(String::from),
        scope: ScopeParam::Requested,
        ping_scope: None,
        token_shape: TokenShape::TokenWithExpiry(TOKEN_SECONDS),
        token_prefix: "ya29.",
        grant_all: false,
    });
    p.challenge_after_ping = false;
    p.tags.honour_n = false;
    p.tags.default_page = None;
    p.tags.link = None;
    p.tags.extend = Some(extend);
    p.catalog = CatalogRules::Offered {
        default_page: None,
        link: Some("<https://{host}/v2/_catalog?last={last}&n={n}>; rel=\"next\"".into()),
    };
    p.errors = errors;
    p
}

pub fn gcr_profile() -> Profile {
    let mut p = profile(GCR_HOST, ",service=gcr.io", Some(GCR_HOST));
    p.cdn = Some(Cdn {
        host: STORAGE_HOST.to_owned(),
        location: storage_location,
        signature_param: "X-Goog-Signature",
        refuses_authorization: true,
    });
    p
}

pub fn ar_profile(alternate: bool) -> Profile {
    let mut p = profile(AR_HOST, "", None);
    if !alternate {
        p.catalog = CatalogRules::NotOffered;
    }
    p
}

fn credentials() -> Option<(String, String)> {
    // What `gcloud auth print-access-token` users pass: user `oauth2accesstoken`.
    Some((
        "oauth2accesstoken".to_owned(),
        "ya29.LadingTestkitAccessToken0123456789".to_owned(),
    ))
}

pub(super) fn build_gcr(world: &mut WorldBuilder) {
    let credentials = credentials();
    let engine = engine(world, gcr_profile(), &credentials);
    serve_registry(world, &engine, Router::new());
    fill(world, GCR_HOST, GCR_PUBLIC, Some(GCR_PRIVATE), credentials);
}

pub(super) fn build_ar(world: &mut WorldBuilder) {
    let credentials = credentials();
    let engine = engine(world, ar_profile(world.options.alternate), &credentials);
    serve_registry(world, &engine, Router::new());
    fill(world, AR_HOST, AR_PUBLIC, Some(AR_PRIVATE), credentials);
}
