//! The registry engine: the distribution API v2 (read side) over a [`Store`], shaped by a
//! [`Profile`] of switches, one per quirk in REGISTRIES.md. Every vendor's fake is this engine
//! with its profile plus whatever extra routes the vendor has (token endpoints, REST APIs).
//!
//! A profile is plain data plus a few `fn` hooks (error bodies, tag-list extras), so a vendor
//! file reads as the list of its quirks and a test can flip one switch.

mod auth;
mod blobs;
mod manifests;
mod routes;
mod tags;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use serde_json::{Value, json};

pub use auth::{Grant, Identity, Tokens, basic_identity, bearer_challenge, random_token};
pub use blobs::ranged;
pub use routes::Need;

use super::store::{Repo, Store};

/// How the registry wants callers to authenticate.
#[derive(Clone, Debug)]
pub enum Auth {
    /// Everything readable without credentials.
    None,
    /// Tokens from a token endpoint; the registry accepts only `Bearer`.
    Bearer(BearerRules),
    /// `Basic` on every request. `challenge` is the whole `WWW-Authenticate` value.
    /// `anonymous_public`: public repositories readable without credentials.
    Basic {
        challenge: String,
        anonymous_public: bool,
    },
    /// Harbor: a Bearer challenge when no `Authorization` was sent, `basic_challenge` when one
    /// was (or for `_catalog`); Basic credentials accepted directly.
    Harbor {
        bearer: BearerRules,
        basic_challenge: String,
    },
}

/// A Bearer challenge and the token service behind it.
#[derive(Clone, Debug)]
pub struct BearerRules {
    /// The token endpoint, e.g. `https://ghcr.io/token`; served on its host at its path.
    pub realm: String,
    /// Everything after `realm="…"` in the challenge, verbatim: `,service="ghcr.io"`,
    /// `,service=gcr.io` (unquoted), or empty (Artifact Registry).
    pub params: String,
    /// The service the token endpoint insists on (None: any or none).
    pub service: Option<String>,
    /// What scope the challenge names on a repository request.
    pub scope: ScopeParam,
    /// The challenge of `GET /v2/` may name a placeholder scope (GHCR's `repository:user/image:pull`).
    pub ping_scope: Option<String>,
    pub token_shape: TokenShape,
    /// Token text starts with this (GHCR's `djE6`, …).
    pub token_prefix: &'static str,
    /// Every token grants pull on every repository its holder may read, whatever the scope
    /// asked (public.ecr.aws, whose challenge scope is literally `aws`).
    pub grant_all: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeParam {
    /// No `scope` in the challenge.
    None,
    /// `scope="repository:NAME:pull"` of the request.
    Requested,
    /// A fixed value, quoted (`scope="aws"`).
    Fixed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenShape {
    /// `{"token":…}` only.
    TokenOnly,
    /// `{"access_token":…}` only (ACR).
    AccessTokenOnly,
    /// `{"token","expires_in",…,"issued_at"}`.
    TokenWithExpiry(u64),
    /// `{"token","access_token","expires_in","issued_at"}` (Docker Hub).
    Both(u64),
}

/// How `Accept` on a manifest request is honoured.
#[derive(Clone, Copy, Debug)]
pub struct AcceptRules {
    /// 404 (via [`Fault::NotAccepted`]) when `Accept` lacks the stored type.
    pub strict: bool,
    /// Distribution: a client that does not accept lists gets the linux/amd64 child.
    pub list_fallback: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagOrder {
    /// Byte-wise sorted (distribution, Harbor).
    Lexical,
    /// Oldest push first (GHCR, Quay).
    OldestFirst,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverMax {
    /// `n` above the maximum is treated as the maximum.
    Cap,
    /// `n` above the maximum is refused ([`Fault::BadN`], ECR's 405).
    Reject,
}

/// `tags/list` paging.
#[derive(Clone, Debug)]
pub struct TagRules {
    pub order: TagOrder,
    /// Page size without `n` (None: everything at once).
    pub default_page: Option<usize>,
    /// Whether `n`/`last` are read at all (gcr.io: no, always one page).
    pub honour_n: bool,
    pub max_n: Option<(usize, OverMax)>,
    /// The `Link` header of a page with more after it, with `{repo}`, `{tail}` (the repository
    /// without its first segment), `{host}`, `{n}` and `{last}` (URL-encoded) filled in; None:
    /// no Link.
    pub link: Option<String>,
    /// A Link only when the request gave `n` (Harbor).
    pub link_only_with_n: bool,
    /// Reshapes a page's JSON (gcr's `child`/`manifest`, Artifactory's `null`s); the flag
    /// says whether it is the first page.
    pub extend: Option<ExtendPage>,
}

/// See [`TagRules::extend`].
pub type ExtendPage = fn(&Store, &str, &Repo, &mut Value, bool);

/// `_catalog`.
#[derive(Clone, Debug)]
pub enum CatalogRules {
    /// Answered by [`Fault::NoCatalog`] once authorised.
    NotOffered,
    Offered {
        default_page: Option<usize>,
        /// With `{n}`, `{last}`, `{host}`.
        link: Option<String>,
    },
}

/// Blobs answered with a redirect to a CDN/storage host.
#[derive(Clone, Debug)]
pub struct Cdn {
    pub host: String,
    /// Path and query on `host` for a digest, signature parameters included.
    pub location: fn(&str) -> String,
    /// The query parameter without which the CDN answers 403.
    pub signature_param: &'static str,
    /// Whether a request carrying `Authorization` is refused (S3, GCS, Azure do). Go
    /// clients forward `Authorization` to a subdomain (`cdn01.quay.io` under `quay.io`), and
    /// docker and skopeo work against Quay, so its CloudFront must tolerate it; the request
    /// log still shows whether a client sent it.
    pub refuses_authorization: bool,
}

/// What went wrong, for the vendor's error hook to word.
#[derive(Clone, Debug)]
pub enum Fault<'a> {
    /// No or bad credentials. `ping`: on `/v2/`.
    Unauthorized {
        ping: bool,
    },
    /// Authenticated (or anonymous token) but not allowed to read `repo`.
    Denied {
        repo: &'a str,
    },
    NameUnknown {
        repo: &'a str,
    },
    ManifestUnknown {
        repo: &'a str,
        reference: &'a str,
    },
    /// Strict Accept: the stored type is not accepted.
    NotAccepted {
        stored: &'a str,
        reference: &'a str,
    },
    BlobUnknown {
        digest: &'a str,
    },
    /// `n` above the maximum with [`OverMax::Reject`].
    BadN {
        n: usize,
        max: usize,
    },
    /// `_catalog` not offered.
    NoCatalog,
    /// Unknown path.
    NotFound,
}

/// A vendor's answer for a [`Fault`]. A 401 gets the challenge added by the engine.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: body.to_string(),
        }
    }

    /// `{"errors":[{"code","message"[,"detail"]}]}`; `detail` None leaves the field out.
    pub fn errors(status: StatusCode, code: &str, message: &str, detail: Option<Value>) -> Self {
        let mut error = json!({ "code": code, "message": message });
        if let Some(detail) = detail {
            error["detail"] = detail;
        }
        Self::json(status, json!({ "errors": [error] }))
    }

    pub fn text(status: StatusCode, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.to_owned(),
        }
    }
}

/// distribution's wording, the default for every vendor that does not override it.
pub fn distribution_errors(fault: &Fault<'_>) -> Reply {
    use StatusCode as S;
    let e = |s, c, m: &str, d| Reply::errors(s, c, m, Some(d));
    match fault {
        Fault::Unauthorized { .. } => e(
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            "authentication required",
            Value::Null,
        ),
        Fault::Denied { repo } => e(
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            "authentication required",
            json!([{ "Type": "repository", "Class": "", "Name": repo, "Action": "pull" }]),
        ),
        Fault::NameUnknown { repo } => e(
            S::NOT_FOUND,
            "NAME_UNKNOWN",
            "repository name not known to registry",
            json!({ "name": repo }),
        ),
        Fault::ManifestUnknown { reference, .. } => e(
            S::NOT_FOUND,
            "MANIFEST_UNKNOWN",
            "manifest unknown",
            json!({ "Tag": reference }),
        ),
        Fault::NotAccepted { stored, .. } => {
            let message = if stored.contains("oci.image.index") {
                "OCI index found, but accept header does not support OCI indexes"
            } else {
                "OCI manifest found, but accept header does not support OCI manifests"
            };
            e(S::NOT_FOUND, "MANIFEST_UNKNOWN", message, Value::Null)
        }
        Fault::BlobUnknown { digest } => e(
            S::NOT_FOUND,
            "BLOB_UNKNOWN",
            "blob unknown to registry",
            json!(digest),
        ),
        Fault::BadN { .. } => e(
            S::BAD_REQUEST,
            "PAGINATION_NUMBER_INVALID",
            "invalid number of results requested",
            Value::Null,
        ),
        Fault::NoCatalog => e(
            S::NOT_FOUND,
            "UNSUPPORTED",
            "The operation is unsupported.",
            Value::Null,
        ),
        Fault::NotFound => Reply::text(S::NOT_FOUND, "404 page not found\n"),
    }
}

/// Every switch of one registry.
#[derive(Clone, Debug)]
pub struct Profile {
    /// The host the registry answers on (`ghcr.io`).
    pub host: String,
    pub auth: Auth,
    /// Whether 401s other than the ping's carry `WWW-Authenticate` (gcr.io: not always).
    pub challenge_after_ping: bool,
    /// The 401 answer to `GET /v2/` when it differs from [`Fault::Unauthorized`] (Quay's
    /// `{"error": …}`).
    pub ping_401: Option<Reply>,
    pub accept: AcceptRules,
    pub tags: TagRules,
    pub catalog: CatalogRules,
    pub cdn: Option<Cdn>,
    /// Send `Docker-Distribution-API-Version: registry/2.0`.
    pub api_version_header: bool,
    /// A repository the caller may not read answers like a missing one would (and vice
    /// versa) — GHCR answers both with the same denial.
    pub hide_missing: bool,
    /// The token endpoint grants pull on repositories that do not exist (most do; GitLab
    /// grants only projects that exist).
    pub grant_missing: bool,
    pub errors: fn(&Fault<'_>) -> Reply,
}

impl Profile {
    /// A plain distribution registry on `host` without auth: the base every vendor edits.
    pub fn distribution(host: &str) -> Self {
        Self {
            host: host.to_owned(),
            auth: Auth::None,
            challenge_after_ping: true,
            ping_401: None,
            accept: AcceptRules {
                strict: true,
                list_fallback: true,
            },
            tags: TagRules {
                order: TagOrder::Lexical,
                default_page: None,
                honour_n: true,
                max_n: None,
                link: Some("</v2/{repo}/tags/list?last={last}&n={n}>; rel=\"next\"".into()),
                link_only_with_n: false,
                extend: None,
            },
            catalog: CatalogRules::Offered {
                default_page: None,
                link: Some("</v2/_catalog?last={last}&n={n}>; rel=\"next\"".into()),
            },
            cdn: None,
            api_version_header: true,
            hide_missing: false,
            grant_missing: true,
            errors: distribution_errors,
        }
    }
}

/// One registry: profile, content, issued tokens, accounts. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Engine {
    pub profile: Arc<Profile>,
    pub store: Store,
    pub tokens: Tokens,
    /// `(user, password)` pairs that may read everything; vendor routes may add more (ACR's
    /// refresh tokens).
    pub accounts: Arc<Mutex<Vec<(String, String)>>>,
}

impl Engine {
    pub fn new(profile: Profile, store: Store, accounts: &[(String, String)]) -> Self {
        Self {
            profile: Arc::new(profile),
            store,
            tokens: Tokens::default(),
            accounts: Arc::new(Mutex::new(accounts.to_vec())),
        }
    }

    pub fn add_account(&self, user: &str, password: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        accounts.push((user.to_owned(), password.to_owned()));
    }

    pub fn check_password(&self, user: &str, password: &str) -> bool {
        let accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        accounts.iter().any(|(u, p)| u == user && p == password)
    }

    /// The distribution API (`/v2/…`) of this registry.
    pub fn router(&self) -> axum::Router {
        routes::router(self.clone())
    }

    /// The token endpoint of a Bearer profile, at its realm's path (mount it on the realm's
    /// host; merge it into [`Engine::router`] when that is the registry's own).
    pub fn token_router(&self) -> axum::Router {
        auth::token_router(self.clone())
    }
}
