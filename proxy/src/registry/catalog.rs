//! A registry's repositories: `GET /v2/_catalog?n=…`, every page (walked like tag lists,
//! `Link` quirks included), filtered by a namespace prefix after all pages are read.
//!
//! Many registries do not offer a catalog. Docker Hub refuses it (401 for
//! `registry:catalog:*`, still 401 `insufficient_scope` with a token for it) and GHCR has
//! none; others answer 404, 405 or `UNSUPPORTED`. Those become [`ProxyError::NoCatalog`]
//! saying what to use instead. A catalog that wants credentials stays `unauthorized`.

use lading_shared::api::{
    CatalogEntry, ErrorCode, ErrorKind, ExchangePurpose, parse_registry_errors,
};
use reqwest::StatusCode;
use reqwest::header::WWW_AUTHENTICATE;

mod page;

use super::Session;
use super::challenge::{self, Challenge};
use super::tags::{FailedPage, TAGS_PAGE_SIZE, Walk};
use crate::error::{Fetching, ProxyError};

/// One catalog page's body.
pub const MAX_CATALOG_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// Catalog pages followed at most.
pub const MAX_CATALOG_PAGES: u32 = 1000;
/// Entries accepted over all pages, valid or not.
pub const MAX_CATALOG_ENTRIES: usize = 200_000;
/// Asked for per page (ECR-style bounds are handled by the page walk).
pub const CATALOG_PAGE_SIZE: u32 = TAGS_PAGE_SIZE;

/// The scope a catalog needs.
pub const CATALOG_SCOPE: &str = "registry:catalog:*";

/// The repositories read, and how many entries were skipped.
#[derive(Debug, Default)]
pub struct Catalog {
    pub repositories: Vec<CatalogEntry>,
    pub skipped: u64,
    pub pages: u32,
}

/// What to use instead where a registry has no catalog.
pub fn instead(registry: &str) -> String {
    match registry {
        "docker.io" => "Docker Hub offers no catalog; name a namespace: \
                        ?registry=docker.io&namespace=library"
            .to_string(),
        "ghcr.io" => "GitHub's registry offers no catalog; an organisation's or user's \
                      packages are listed on github.com (https://github.com/orgs/ORG/packages), \
                      or type a repository (ghcr.io/ORG/NAME)"
            .to_string(),
        _ => format!(
            "{registry} offers no catalog of its repositories; type a repository \
             ({registry}/NAME) to see its tags"
        ),
    }
}

/// Whether `name` is within `namespace`, by whole path segments: `team` and `team/` match
/// `team` and `team/api`, never `team2/api`.
pub fn in_namespace(name: &str, namespace: &str) -> bool {
    let prefix = namespace.trim_end_matches('/');
    prefix.is_empty()
        || name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Session {
    /// Every repository of the catalog within `namespace` (all pages read, then filtered).
    pub async fn list_catalog(&self, namespace: Option<&str>) -> Result<Catalog, ProxyError> {
        let scopes = [CATALOG_SCOPE.to_string()];
        let mut url = self.url("/v2/_catalog");
        url.query_pairs_mut()
            .append_pair("n", &CATALOG_PAGE_SIZE.to_string());
        let walk = Walk {
            what: "catalog",
            purpose: ExchangePurpose::CatalogPage,
            fetching: Fetching::Tags,
            scopes: &scopes,
            max_pages: MAX_CATALOG_PAGES,
            max_page_bytes: MAX_CATALOG_PAGE_BYTES,
        };
        let mut catalog = Catalog::default();
        let mut entries = 0usize;
        let registry = self.registry.clone();
        let read_page = |body: &[u8]| {
            let mut accept = |entry: Option<&str>| {
                entries += 1;
                if entries > MAX_CATALOG_ENTRIES {
                    return false;
                }
                match entry.filter(|name| is_repository(&registry, name)) {
                    Some(name) if namespace.is_none_or(|ns| in_namespace(name, ns)) => {
                        catalog.repositories.push(CatalogEntry {
                            name: name.to_string(),
                            ..CatalogEntry::default()
                        });
                    }
                    Some(_) => {}
                    None => catalog.skipped += 1,
                }
                true
            };
            let capped = page::read(body, &mut accept).map_err(|e| {
                ProxyError::BadUpstream(format!(
                    "{registry}'s catalog is not the expected JSON: {e}"
                ))
            })?;
            if capped {
                return Err(ProxyError::TooMany {
                    what: "repositories in the catalog".into(),
                    limit: MAX_CATALOG_ENTRIES as u64,
                });
            }
            Ok(true)
        };
        let refused = |page: FailedPage<'_>, error: ProxyError| self.catalog_refused(page, error);
        catalog.pages = self.walk_pages(url, &walk, read_page, refused).await?;
        catalog.repositories.sort_by(|a, b| a.name.cmp(&b.name));
        catalog.repositories.dedup_by(|a, b| a.name == b.name);
        Ok(catalog)
    }

    /// A refused catalog page: "no catalog here" where the registry says so, else the
    /// registry's error with the catalog named.
    fn catalog_refused(&self, page: FailedPage<'_>, error: ProxyError) -> ProxyError {
        let codes = parse_registry_errors(page.body);
        let unsupported = codes.iter().any(|e| e.code == ErrorCode::Unsupported);
        let values = page.headers.get_all(WWW_AUTHENTICATE);
        let challenge = challenge::select(values.iter().filter_map(|v| v.to_str().ok()));
        let insufficient = matches!(
            &challenge,
            Some(Challenge::Bearer { error: Some(e), .. }) if e == "insufficient_scope"
        );
        let none = match page.status {
            StatusCode::NOT_FOUND
            | StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::NOT_IMPLEMENTED => true,
            // A token was issued but the catalog scope was not granted: there is none to grant.
            StatusCode::UNAUTHORIZED => insufficient,
            StatusCode::FORBIDDEN => unsupported,
            _ => unsupported,
        };
        if none {
            // Some registries (ACR) refuse an anonymous catalog as if there were none.
            let anonymous = if self.credentials.is_none() {
                " (asked without credentials: signed in, the registry may list it)"
            } else {
                ""
            };
            return ProxyError::NoCatalog(format!("{}{anonymous}", instead(&self.registry)));
        }
        match error {
            ProxyError::Upstream {
                kind: ErrorKind::Unauthorized,
                registry,
                errors,
                retry_after,
                suggestions,
                ..
            } => ProxyError::Upstream {
                kind: ErrorKind::Unauthorized,
                message: format!(
                    "{registry} wants credentials for its catalog, or rejected the ones given"
                ),
                registry,
                errors,
                retry_after,
                suggestions,
            },
            ProxyError::Upstream {
                kind: ErrorKind::Denied,
                registry,
                errors,
                retry_after,
                suggestions,
                ..
            } => ProxyError::Upstream {
                kind: ErrorKind::Denied,
                message: format!("{registry} denied access to its catalog"),
                registry,
                errors,
                retry_after,
                suggestions,
            },
            other => other,
        }
    }
}

/// Whether a catalog entry is a repository name of this registry (else it would make a
/// broken link).
fn is_repository(registry: &str, name: &str) -> bool {
    lading_shared::Repository::parse(&format!("{registry}/{name}"))
        .is_ok_and(|parsed| parsed.registry == registry && parsed.repository == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_namespace_matches_whole_segments() {
        for (name, namespace, want) in [
            ("team/api", "team", true),
            ("team/api", "team/", true),
            ("team", "team", true),
            ("team2/api", "team", false),
            ("team2/api", "team/", false),
            ("a/b/c", "a/b", true),
            ("a/bc", "a/b", false),
            ("anything", "", true),
        ] {
            assert_eq!(in_namespace(name, namespace), want, "{name} in {namespace}");
        }
    }

    #[test]
    fn entries_must_be_repositories_of_this_registry() {
        assert!(is_repository("r.example", "team/api"));
        assert!(is_repository("r.example", "app"));
        for bad in ["", "Team/api", "a//b", "a:b", "-x"] {
            assert!(!is_repository("r.example", bad), "{bad:?}");
        }
    }

    #[test]
    fn no_catalog_says_what_to_use_instead() {
        assert!(instead("docker.io").contains("?registry=docker.io&namespace=library"));
        assert!(instead("ghcr.io").contains("github.com"));
        assert!(instead("registry.gitlab.com").contains("type a repository"));
    }
}
