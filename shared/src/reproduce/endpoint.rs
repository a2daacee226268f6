//! Which endpoint of the OCI distribution-spec (or of the token spec, or of a web API beside
//! the registry) an exchange used, with the spec's own ids (`end-1` … `end-13`), so the
//! Requests panel and the explainer pages can name and link them.

use crate::api::{Exchange, ExchangePurpose};

/// The distribution-spec, at the section that lists the endpoints.
pub const SPEC_URL: &str = "https://github.com/opencontainers/distribution-spec/blob/main/spec.md";

/// An endpoint a registry conversation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// end-1 `GET /v2/`.
    Base,
    /// end-2 `GET`/`HEAD /v2/<name>/blobs/<digest>`.
    Blob,
    /// end-3 `GET`/`HEAD /v2/<name>/manifests/<reference>`.
    Manifest,
    /// end-4a `POST /v2/<name>/blobs/uploads/`.
    UploadStart,
    /// end-4b `POST /v2/<name>/blobs/uploads/?digest=<digest>`.
    UploadMonolithic,
    /// end-5 `PATCH /v2/<name>/blobs/uploads/<reference>`.
    UploadChunk,
    /// end-6 `PUT /v2/<name>/blobs/uploads/<reference>?digest=<digest>`.
    UploadClose,
    /// end-7 `PUT /v2/<name>/manifests/<reference>`.
    ManifestPut,
    /// end-8a `GET /v2/<name>/tags/list`.
    Tags,
    /// end-8b `GET /v2/<name>/tags/list?n=<integer>&last=<tag>`.
    TagsPaged,
    /// end-9 `DELETE /v2/<name>/manifests/<reference>`.
    ManifestDelete,
    /// end-10 `DELETE /v2/<name>/blobs/<digest>`.
    BlobDelete,
    /// end-11 `POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other_name>`.
    Mount,
    /// end-12a `GET /v2/<name>/referrers/<digest>`.
    Referrers,
    /// end-12b `GET /v2/<name>/referrers/<digest>?artifactType=<artifactType>`.
    ReferrersFiltered,
    /// end-13 `GET /v2/<name>/blobs/uploads/<reference>`.
    UploadStatus,
    /// `GET /v2/_catalog`: distribution's, not in the OCI spec.
    Catalog,
    /// A token request to a `Bearer` challenge's realm (the token authentication spec).
    Token,
    /// The same blob where the registry redirected (a CDN or object store).
    Redirected,
    /// A web API beside the registry (Docker Hub's, Quay's, Harbor's).
    WebApi,
}

impl Endpoint {
    /// Every spec endpoint, in the spec's order (for the explainer pages).
    pub const SPEC: [Endpoint; 16] = [
        Endpoint::Base,
        Endpoint::Blob,
        Endpoint::Manifest,
        Endpoint::UploadStart,
        Endpoint::UploadMonolithic,
        Endpoint::UploadChunk,
        Endpoint::UploadClose,
        Endpoint::ManifestPut,
        Endpoint::Tags,
        Endpoint::TagsPaged,
        Endpoint::ManifestDelete,
        Endpoint::BlobDelete,
        Endpoint::Mount,
        Endpoint::Referrers,
        Endpoint::ReferrersFiltered,
        Endpoint::UploadStatus,
    ];

    /// The spec's id (`end-3`), or `None` for what the spec does not list.
    pub fn id(self) -> Option<&'static str> {
        Some(match self {
            Endpoint::Base => "end-1",
            Endpoint::Blob => "end-2",
            Endpoint::Manifest => "end-3",
            Endpoint::UploadStart => "end-4a",
            Endpoint::UploadMonolithic => "end-4b",
            Endpoint::UploadChunk => "end-5",
            Endpoint::UploadClose => "end-6",
            Endpoint::ManifestPut => "end-7",
            Endpoint::Tags => "end-8a",
            Endpoint::TagsPaged => "end-8b",
            Endpoint::ManifestDelete => "end-9",
            Endpoint::BlobDelete => "end-10",
            Endpoint::Mount => "end-11",
            Endpoint::Referrers => "end-12a",
            Endpoint::ReferrersFiltered => "end-12b",
            Endpoint::UploadStatus => "end-13",
            Endpoint::Catalog | Endpoint::Token | Endpoint::Redirected | Endpoint::WebApi => {
                return None;
            }
        })
    }

    /// Method(s) and path as the spec writes them.
    pub fn route(self) -> &'static str {
        match self {
            Endpoint::Base => "GET /v2/",
            Endpoint::Blob => "GET | HEAD /v2/<name>/blobs/<digest>",
            Endpoint::Manifest => "GET | HEAD /v2/<name>/manifests/<reference>",
            Endpoint::UploadStart => "POST /v2/<name>/blobs/uploads/",
            Endpoint::UploadMonolithic => "POST /v2/<name>/blobs/uploads/?digest=<digest>",
            Endpoint::UploadChunk => "PATCH /v2/<name>/blobs/uploads/<reference>",
            Endpoint::UploadClose => "PUT /v2/<name>/blobs/uploads/<reference>?digest=<digest>",
            Endpoint::ManifestPut => "PUT /v2/<name>/manifests/<reference>",
            Endpoint::Tags => "GET /v2/<name>/tags/list",
            Endpoint::TagsPaged => "GET /v2/<name>/tags/list?n=<integer>&last=<tag>",
            Endpoint::ManifestDelete => "DELETE /v2/<name>/manifests/<reference>",
            Endpoint::BlobDelete => "DELETE /v2/<name>/blobs/<digest>",
            Endpoint::Mount => "POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other_name>",
            Endpoint::Referrers => "GET /v2/<name>/referrers/<digest>",
            Endpoint::ReferrersFiltered => {
                "GET /v2/<name>/referrers/<digest>?artifactType=<artifactType>"
            }
            Endpoint::UploadStatus => "GET /v2/<name>/blobs/uploads/<reference>",
            Endpoint::Catalog => "GET /v2/_catalog?n=<integer>&last=<name>",
            Endpoint::Token => "GET <realm>?service=<service>&scope=<scope>",
            Endpoint::Redirected => "GET <Location of the blob's redirect>",
            Endpoint::WebApi => "GET <the registry's web API>",
        }
    }

    /// What it is for, in the spec's terms.
    pub fn title(self) -> &'static str {
        match self {
            Endpoint::Base => "API version check (and the auth challenge)",
            Endpoint::Blob => "pull a blob",
            Endpoint::Manifest => "pull a manifest (HEAD: its digest only)",
            Endpoint::UploadStart => "start a blob upload",
            Endpoint::UploadMonolithic => "upload a blob in one request",
            Endpoint::UploadChunk => "upload a chunk",
            Endpoint::UploadClose => "finish a blob upload",
            Endpoint::ManifestPut => "push a manifest",
            Endpoint::Tags => "list tags",
            Endpoint::TagsPaged => "list tags, one page",
            Endpoint::ManifestDelete => "delete a manifest",
            Endpoint::BlobDelete => "delete a blob",
            Endpoint::Mount => "mount a blob from another repository",
            Endpoint::Referrers => "list referrers",
            Endpoint::ReferrersFiltered => "list referrers of one artifact type",
            Endpoint::UploadStatus => "upload status",
            Endpoint::Catalog => "list repositories (distribution's catalog)",
            Endpoint::Token => "token request (token authentication spec)",
            Endpoint::Redirected => "the blob from where the registry redirected",
            Endpoint::WebApi => "the registry's web API (not the registry protocol)",
        }
    }

    /// Where the spec (or the nearest documentation) describes it.
    pub fn spec_link(self) -> String {
        let anchor = match self {
            Endpoint::Base => "#determining-support",
            Endpoint::Blob | Endpoint::Redirected => "#pulling-blobs",
            Endpoint::Manifest => "#pulling-manifests",
            Endpoint::UploadStart
            | Endpoint::UploadMonolithic
            | Endpoint::UploadChunk
            | Endpoint::UploadClose
            | Endpoint::UploadStatus => "#pushing-blobs",
            Endpoint::ManifestPut => "#pushing-manifests",
            Endpoint::Tags | Endpoint::TagsPaged => "#listing-tags",
            Endpoint::ManifestDelete | Endpoint::BlobDelete => "#deleting-tags",
            Endpoint::Mount => "#mounting-a-blob-from-another-repository",
            Endpoint::Referrers | Endpoint::ReferrersFiltered => "#listing-referrers",
            Endpoint::Catalog => {
                return "https://distribution.github.io/distribution/spec/api/#listing-repositories"
                    .to_string();
            }
            Endpoint::Token => {
                return "https://distribution.github.io/distribution/spec/auth/token/".to_string();
            }
            Endpoint::WebApi => {
                return "https://docs.docker.com/reference/api/hub/latest/".to_string();
            }
        };
        format!("{SPEC_URL}{anchor}")
    }

    /// The endpoint `exchange` used: by its purpose where that decides, else by its path.
    pub fn of(exchange: &Exchange) -> Option<Endpoint> {
        match exchange.purpose {
            ExchangePurpose::Token | ExchangePurpose::RefreshToken => return Some(Endpoint::Token),
            ExchangePurpose::Redirect | ExchangePurpose::ForeignLayer => {
                return Some(Endpoint::Redirected);
            }
            ExchangePurpose::HubSignIn | ExchangePurpose::HubApi | ExchangePurpose::RegistryApi => {
                return Some(Endpoint::WebApi);
            }
            _ => {}
        }
        let (path, query) = path_and_query(&exchange.url)?;
        let method = exchange.method.to_ascii_uppercase();
        Endpoint::from_route(&method, path, query)
    }

    /// Classifies a request by method, path (`/v2/…`) and query.
    pub fn from_route(method: &str, path: &str, query: &str) -> Option<Endpoint> {
        let rest = path.strip_prefix("/v2/")?;
        if rest.is_empty() {
            return Some(Endpoint::Base);
        }
        if rest == "_catalog" {
            return Some(Endpoint::Catalog);
        }
        let has = |key: &str| {
            query
                .split('&')
                .any(|pair| pair.split('=').next() == Some(key))
        };
        // The name may itself hold `blobs` or `manifests` components: the last marker wins.
        let marker = |m: &str| rest.rfind(m);
        if rest.ends_with("/tags/list") {
            return Some(if has("n") || has("last") {
                Endpoint::TagsPaged
            } else {
                Endpoint::Tags
            });
        }
        if let Some(at) = marker("/blobs/uploads") {
            let tail = &rest[at + "/blobs/uploads".len()..];
            let session = !tail.trim_matches('/').is_empty();
            return Some(match (method, session) {
                ("POST", _) if has("mount") => Endpoint::Mount,
                ("POST", _) if has("digest") => Endpoint::UploadMonolithic,
                ("POST", _) => Endpoint::UploadStart,
                ("PATCH", _) => Endpoint::UploadChunk,
                ("PUT", _) => Endpoint::UploadClose,
                _ => Endpoint::UploadStatus,
            });
        }
        if marker("/referrers/").is_some() {
            return Some(if has("artifactType") {
                Endpoint::ReferrersFiltered
            } else {
                Endpoint::Referrers
            });
        }
        if marker("/manifests/").is_some() {
            return Some(match method {
                "PUT" => Endpoint::ManifestPut,
                "DELETE" => Endpoint::ManifestDelete,
                _ => Endpoint::Manifest,
            });
        }
        if marker("/blobs/").is_some() {
            return Some(match method {
                "DELETE" => Endpoint::BlobDelete,
                _ => Endpoint::Blob,
            });
        }
        None
    }
}

/// The path and query of an absolute URL, without a URL parser (this crate stays small).
fn path_and_query(url: &str) -> Option<(&str, &str)> {
    let after_scheme = url.split_once("://")?.1;
    let path_start = after_scheme.find('/')?;
    let rest = &after_scheme[path_start..];
    let rest = rest.split('#').next().unwrap_or(rest);
    Some(match rest.split_once('?') {
        Some((path, query)) => (path, query),
        None => (rest, ""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_classified_by_the_spec_table() {
        let cases = [
            ("GET", "/v2/", "", Some(Endpoint::Base)),
            (
                "HEAD",
                "/v2/library/alpine/manifests/3.9",
                "",
                Some(Endpoint::Manifest),
            ),
            ("PUT", "/v2/a/manifests/v1", "", Some(Endpoint::ManifestPut)),
            ("GET", "/v2/a/blobs/sha256:ab", "", Some(Endpoint::Blob)),
            ("GET", "/v2/a/tags/list", "", Some(Endpoint::Tags)),
            (
                "GET",
                "/v2/a/tags/list",
                "n=100&last=b",
                Some(Endpoint::TagsPaged),
            ),
            ("GET", "/v2/_catalog", "n=100", Some(Endpoint::Catalog)),
            (
                "POST",
                "/v2/a/blobs/uploads/",
                "",
                Some(Endpoint::UploadStart),
            ),
            (
                "POST",
                "/v2/a/blobs/uploads/",
                "digest=sha256:ab",
                Some(Endpoint::UploadMonolithic),
            ),
            (
                "POST",
                "/v2/a/blobs/uploads/",
                "mount=sha256:ab&from=b",
                Some(Endpoint::Mount),
            ),
            (
                "PATCH",
                "/v2/a/blobs/uploads/uuid",
                "",
                Some(Endpoint::UploadChunk),
            ),
            (
                "PUT",
                "/v2/a/blobs/uploads/uuid",
                "digest=sha256:ab",
                Some(Endpoint::UploadClose),
            ),
            (
                "GET",
                "/v2/a/blobs/uploads/uuid",
                "",
                Some(Endpoint::UploadStatus),
            ),
            (
                "GET",
                "/v2/a/referrers/sha256:ab",
                "",
                Some(Endpoint::Referrers),
            ),
            (
                "GET",
                "/v2/a/referrers/sha256:ab",
                "artifactType=x",
                Some(Endpoint::ReferrersFiltered),
            ),
            // A repository named like a marker: the last marker decides.
            (
                "GET",
                "/v2/manifests/blobs/manifests/v1",
                "",
                Some(Endpoint::Manifest),
            ),
            ("GET", "/token", "", None),
        ];
        for (method, path, query, expected) in cases {
            assert_eq!(
                Endpoint::from_route(method, path, query),
                expected,
                "{method} {path}?{query}"
            );
        }
        for endpoint in Endpoint::SPEC {
            assert!(endpoint.id().is_some_and(|id| id.starts_with("end-")));
            assert!(endpoint.spec_link().starts_with(SPEC_URL), "{endpoint:?}");
        }
    }
}
