//! Amazon ECR (private) and ECR Public.
//!
//! ECR: **Basic only** — `Basic realm="https://<host>/",service="ecr.amazonaws.com"`, a
//! `Not Authorized` text/plain body, user `AWS` with a 12-hour password; `n` above 1000 → 405
//! "Member must have value less than or equal to 1000"; pages on `n` with a relative `Link`;
//! no catalog; blobs on presigned S3 URLs (`X-Amz-*`, with a security token).
//! ECR Public: `Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws"`
//! (scope literally `aws`; the token reads every repository) → `{"token":…}`; `n` capped at
//! 1000; blobs on signed CloudFront URLs (`Expires`, `Signature`, `Key-Pair-Id`).

use axum::Router;
use axum::http::StatusCode;

use super::{engine, fill, hex_of, serve_registry};
use crate::world::WorldBuilder;
use crate::world::engine::{
    Auth, BearerRules, CatalogRules, Cdn, Fault, OverMax, Profile, Reply, ScopeParam, TokenShape,
    distribution_errors,
};

pub const ACCOUNT: &str = "123456789012";
pub const HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
pub const S3_HOST: &str = "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com";
pub const PUBLIC: &str = "lading/app";
pub const PRIVATE: &str = "lading/secret";
pub const PUBLIC_HOST: &str = "public.ecr.aws";
pub const CLOUDFRONT_HOST: &str = "d2glxqk2uabbnd.cloudfront.net";
pub const PUBLIC_REPO: &str = "lading/app";
pub const MAX_N: usize = 1000;

fn errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    let e = |s, c, m: &str| Reply::errors(s, c, m, None);
    match fault {
        Fault::Unauthorized { .. } => Reply::text(S::UNAUTHORIZED, "Not Authorized\n"),
        Fault::Denied { repo } => e(
            S::FORBIDDEN,
            "DENIED",
            &format!(
                "User: arn:aws:iam::{ACCOUNT}:user/lading is not authorized to perform: \
                 ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{repo}"
            ),
        ),
        Fault::NameUnknown { repo } => e(
            S::NOT_FOUND,
            "NAME_UNKNOWN",
            &format!(
                "The repository with name '{repo}' does not exist in the registry with id '{ACCOUNT}'"
            ),
        ),
        Fault::ManifestUnknown { .. } => e(
            S::NOT_FOUND,
            "MANIFEST_UNKNOWN",
            "Requested image not found",
        ),
        Fault::NotAccepted { .. } => e(
            S::NOT_FOUND,
            "MANIFEST_UNKNOWN",
            "Requested image not found",
        ),
        Fault::BlobUnknown { digest } => e(
            S::NOT_FOUND,
            "BLOB_UNKNOWN",
            &format!("The image layer '{digest}' does not exist in the repository"),
        ),
        Fault::BadN { .. } => e(
            S::METHOD_NOT_ALLOWED,
            "UNSUPPORTED",
            "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have \
             value less than or equal to 1000'",
        ),
        Fault::NoCatalog => e(
            S::METHOD_NOT_ALLOWED,
            "UNSUPPORTED",
            "The operation is unsupported.",
        ),
        Fault::NotFound => Reply::text(S::NOT_FOUND, "404 page not found\n"),
    }
}

fn s3_location(digest: &str) -> String {
    format!(
        "/e2a1b3c4-{ACCOUNT}-9d8c7b6a-5f4e-3d2c-1b0a-lading/{digest}?X-Amz-Security-Token=IQoJb3JpZ2luX2VjELadingTestkitSessionToken\
&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261201T220000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600\
&X-Amz-Credential=ASIALADINGTESTKIT%2F20261201%2Fus-east-1%2Fs3%2Faws4_request\
&X-Amz-Signature=a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
    )
}

fn cloudfront_location(digest: &str) -> String {
    format!(
        "/lading/app/sha256:{}?Expires=1796162400&Signature=LadingTestkit~CloudFront~Signature__&Key-Pair-Id=K2LADINGTESTKIT",
        hex_of(digest)
    )
}

pub fn ecr_profile() -> Profile {
    let mut p = Profile::distribution(HOST);
    p.auth = Auth::Basic {
        challenge: format!("Basic realm=\"https://{HOST}/\",service=\"ecr.amazonaws.com\""),
        anonymous_public: false,
    };
    p.tags.max_n = Some((MAX_N, OverMax::Reject));
    p.catalog = CatalogRules::NotOffered;
    p.cdn = Some(Cdn {
        host: S3_HOST.to_owned(),
        location: s3_location,
        signature_param: "X-Amz-Signature",
        refuses_authorization: true,
    });
    p.errors = errors;
    p
}

pub fn public_profile() -> Profile {
    let mut p = Profile::distribution(PUBLIC_HOST);
    p.auth = Auth::Bearer(BearerRules {
        realm: format!("https://{PUBLIC_HOST}/token/"),
        params: format!(",service=\"{PUBLIC_HOST}\""),
        service: Some(PUBLIC_HOST.to_owned()),
        scope: ScopeParam::Fixed("aws".to_owned()),
        ping_scope: None,
        token_shape: TokenShape::TokenOnly,
        token_prefix: "eyJwYXlsb2FkIjoi",
        grant_all: true,
    });
    p.tags.max_n = Some((MAX_N, OverMax::Cap));
    p.catalog = CatalogRules::NotOffered;
    p.cdn = Some(Cdn {
        host: CLOUDFRONT_HOST.to_owned(),
        location: cloudfront_location,
        signature_param: "Signature",
        refuses_authorization: true,
    });
    p.errors = distribution_errors;
    p
}

pub(super) fn build_ecr(world: &mut WorldBuilder) {
    // `aws ecr get-login-password`: user AWS, a long base64 password.
    let password = "eyJwYXlsb2FkIjoiTGFkaW5nVGVzdGtpdEVDUlBhc3N3b3JkIiwiZGF0YWtleSI6IngiLCJ2ZXJzaW9uIjoiMiIsInR5cGUiOiJEQVRBX0tFWSIsImV4cGlyYXRpb24iOjE3OTYxNjI0MDB9";
    let credentials = Some(("AWS".to_owned(), password.to_owned()));
    let engine = engine(world, ecr_profile(), &credentials);
    serve_registry(world, &engine, Router::new());
    fill(world, HOST, PUBLIC, Some(PRIVATE), credentials);
    // Every ECR repository needs credentials.
    for repo in world.store.repositories() {
        world.store.set_private(&repo, true);
    }
}

pub(super) fn build_public(world: &mut WorldBuilder) {
    let engine = engine(world, public_profile(), &None);
    serve_registry(world, &engine, Router::new());
    fill(world, PUBLIC_HOST, PUBLIC_REPO, None, None);
}
