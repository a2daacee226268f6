//! The repositories of a Docker Hub namespace: `GET /v2/namespaces/{ns}/repositories`, every
//! page (the registry offers no catalog). Private repositories appear only to a Hub sign-in
//! that may see them.

use lading_shared::api::CatalogEntry;

use super::types::{Page, Repository};
use super::{HUB_PAGE_SIZE, Hub, HubPage};
use crate::error::ProxyError;
use crate::registry::tag_details::dates;

/// Pages read at most: 10,000 repositories (the largest namespaces hold a few thousand).
pub const MAX_HUB_REPOSITORY_PAGES: u32 = 100;
/// Longest namespace name Docker Hub allows.
pub const MAX_NAMESPACE_CHARS: usize = 255;

/// A namespace's repositories, as listed.
#[derive(Debug, Default)]
pub struct Namespace {
    pub repositories: Vec<CatalogEntry>,
    pub skipped: u64,
    pub pages: u32,
    pub total: Option<u64>,
}

/// Whether `name` can be a Docker Hub namespace (lowercase letters, digits, `-`, `_`, `.`):
/// checked before it becomes a URL path segment.
pub fn is_namespace(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAMESPACE_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && !name.starts_with('.')
}

impl Hub {
    /// Every repository of `namespace`, all pages (bounded).
    pub async fn list_namespace(&self, namespace: &str) -> Result<Namespace, ProxyError> {
        if !is_namespace(namespace) {
            return Err(ProxyError::BadRequest(format!(
                "{namespace:?} is not a Docker Hub namespace (lowercase letters, digits, '-', '_')"
            )));
        }
        let path = format!("/v2/namespaces/{namespace}/repositories");
        let mut listed = Namespace::default();
        loop {
            if listed.pages >= MAX_HUB_REPOSITORY_PAGES {
                return Err(ProxyError::TooMany {
                    what: "pages of Docker Hub repositories".into(),
                    limit: MAX_HUB_REPOSITORY_PAGES.into(),
                });
            }
            let number = listed.pages + 1;
            let query = [
                ("page_size", HUB_PAGE_SIZE.to_string()),
                ("page", number.to_string()),
            ];
            let url = self.url(&path, &query);
            let note = format!("Hub API: repositories of {namespace}, page {number}");
            let body = match self.get_page(&url, &note).await? {
                HubPage::Body(body) => body,
                // Past the last page (a count that changed between pages).
                HubPage::NotFound if number > 1 => return Ok(listed),
                HubPage::NotFound => return Err(no_namespace(namespace, self.signed_in)),
            };
            let page: Page<Repository> = serde_json::from_slice(&body).map_err(|e| {
                ProxyError::BadUpstream(format!(
                    "Docker Hub's repository list is not the expected JSON: {e}"
                ))
            })?;
            listed.pages = number;
            listed.total = page.count.or(listed.total);
            let empty = page.results.is_empty();
            for repository in page.results {
                match entry(namespace, repository) {
                    Some(entry) => listed.repositories.push(entry),
                    None => listed.skipped += 1,
                }
            }
            if page.next.is_none() || empty {
                return Ok(listed);
            }
        }
    }
}

fn no_namespace(namespace: &str, signed_in: bool) -> ProxyError {
    let hint = if signed_in {
        ""
    } else {
        " (a private namespace shows only to a Docker Hub sign-in)"
    };
    ProxyError::Upstream {
        kind: lading_shared::api::ErrorKind::NameUnknown,
        message: format!("Docker Hub has no namespace {namespace:?}{hint}"),
        registry: "docker.io".into(),
        errors: Vec::new(),
        retry_after: None,
        suggestions: Vec::new(),
    }
}

/// A listed repository as a catalog entry named `namespace/name`; `None` when its name could
/// not be a repository (it would make a broken link).
fn entry(namespace: &str, repository: Repository) -> Option<CatalogEntry> {
    let name = repository.name?;
    let full = format!("{namespace}/{name}");
    let parsed = lading_shared::Repository::parse(&format!("docker.io/{full}")).ok()?;
    if parsed.repository != full || name.contains('/') {
        return None;
    }
    Some(CatalogEntry {
        name: full,
        description: repository.description.filter(|d| !d.is_empty()),
        stars: repository.star_count,
        pulls: repository.pull_count,
        last_updated: repository
            .last_updated
            .as_deref()
            .and_then(dates::normalise),
        private: repository.is_private,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_and_entries() {
        for good in ["library", "bitnami", "my-org", "a_b", "x1"] {
            assert!(is_namespace(good), "{good}");
        }
        for bad in ["", "Library", "a/b", "../x", "a b", ".x", "%2e"] {
            assert!(!is_namespace(bad), "{bad}");
        }
        let listed = Repository {
            name: Some("alpine".into()),
            description: Some("A minimal image".into()),
            is_private: Some(false),
            star_count: Some(11_000),
            pull_count: Some(1_000_000_000),
            last_updated: Some("2023-06-20T10:44:45.459826Z".into()),
            ..Repository::default()
        };
        let entry = entry("library", listed).unwrap();
        assert_eq!(entry.name, "library/alpine");
        assert_eq!(entry.last_updated.as_deref(), Some("2023-06-20T10:44:45Z"));
        assert_eq!(entry.stars, Some(11_000));
        for bad in ["Alpine", "a/b", "", "-x"] {
            let listed = Repository {
                name: Some(bad.into()),
                ..Repository::default()
            };
            assert!(super::entry("library", listed).is_none(), "{bad}");
        }
    }
}
