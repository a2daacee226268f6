//! Every href the app builds: the views (all at `/`, chosen and set up by the query, so each
//! is a link that opens fresh) and the API calls (the shared query types, serialised).
//!
//! API URLs go through `serde_qs` (the contract's own field names, skipped `None`s). View
//! links go through [`ViewQuery`] and `percent-encoding` with [`QUERY_VALUE`], which keeps
//! `:`, `/` and `@` readable: a reference in a shared link should look like a reference.

use lading_shared::api::{CATALOG_PATH, CatalogQuery, TAGS_PATH, TagsQuery};
use lading_shared::layer::{LAYER_PATH, MERGED_PATH, parent};
use lading_shared::{Reference, Repository};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::layer_links::{Source, Subject};
use crate::view_query::{ListingState, ViewQuery};

/// What a query value keeps as is: RFC 3986's unreserved characters plus `:`, `/` and `@`
/// (all allowed in a query). `+` is encoded, since URLSearchParams reads it as a space.
pub const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'@');

/// `PATH?QUERY` of an API call. The shared query types are flat structs of strings and
/// numbers, which `serde_qs` always serialises; an empty query leaves the bare path.
pub fn api_url(path: &str, query: &impl Serialize) -> String {
    match serde_qs::to_string(query) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}

/// `GET /api/tags`.
pub fn tags_api(repository: &Repository) -> String {
    let query = TagsQuery {
        repo: repository.to_string(),
    };
    api_url(TAGS_PATH, &query)
}

/// `GET /api/catalog`.
pub fn catalog_api(query: &CatalogQuery) -> String {
    api_url(CATALOG_PATH, query)
}

/// The repositories of `registry` (a Docker Hub namespace, or a catalog under a prefix).
pub fn catalog_href(registry: &str, namespace: Option<&str>) -> String {
    view_href(&ViewQuery {
        registry: Some(registry.to_owned()),
        namespace: namespace.map(str::to_owned),
        ..ViewQuery::default()
    })
}

/// The NDJSON listing of a layer or of the merged filesystem.
pub fn listing_api(subject: &Subject) -> String {
    let path = match subject.source {
        Source::Layer(_) => LAYER_PATH,
        Source::Merged => MERGED_PATH,
    };
    api_url(path, &subject.query(None))
}

/// A view link: `/?` and the query's pairs, encoded with [`QUERY_VALUE`].
pub fn view_href(query: &ViewQuery) -> String {
    let pairs: Vec<String> = query
        .pairs()
        .into_iter()
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(&value, QUERY_VALUE)))
        .collect();
    if pairs.is_empty() {
        return "/".to_owned();
    }
    format!("/?{}", pairs.join("&"))
}

/// The image view of `reference`.
pub fn image_href(reference: &Reference) -> String {
    image_input_href(&reference.to_string())
}

/// The image view of a reference as a person typed it (normalised by the view itself).
pub fn image_input_href(input: &str) -> String {
    view_href(&ViewQuery {
        image: Some(input.trim().to_owned()),
        ..ViewQuery::default()
    })
}

/// The tag list of `repository`.
pub fn repo_href(repository: &Repository) -> String {
    view_href(&ViewQuery {
        repo: Some(repository.to_string()),
        ..ViewQuery::default()
    })
}

/// The listing of `subject`, fresh (filter empty, folders closed).
pub fn listing_href(subject: &Subject) -> String {
    view_href(&subject.view_query(None))
}

/// The file view (or directory, symlink, missing-path view) of `path`.
pub fn file_href(subject: &Subject, path: &str) -> String {
    view_href(&subject.view_query(Some(path)))
}

/// The listing of `subject` with the tree opened down to `directory` (and it open).
pub fn tree_href(subject: &Subject, directory: &str) -> String {
    view_href(&tree_query(subject, directory))
}

/// [`tree_href`] with what whiteouts hid shown (`hidden=1`): where a deleted path still is.
pub fn hidden_tree_href(subject: &Subject, directory: &str) -> String {
    let mut query = tree_query(subject, directory);
    query.listing.show_hidden = true;
    view_href(&query)
}

fn tree_query(subject: &Subject, directory: &str) -> ViewQuery {
    let mut open = Vec::new();
    let mut at = directory;
    while at != "/" && !at.is_empty() {
        open.push(at.to_owned());
        at = parent(at);
    }
    open.reverse();
    let mut query = subject.view_query(None);
    query.listing = ListingState {
        open,
        ..ListingState::default()
    };
    query
}

#[cfg(test)]
mod tests {
    use super::*;
    use lading_shared::Digest;

    fn digest(c: char) -> Digest {
        Digest::parse(&format!("sha256:{}", c.to_string().repeat(64))).expect("digest")
    }

    fn subject(source: Source) -> Subject {
        Subject {
            reference: Reference::parse("localhost:5000/team/api:v1").expect("reference"),
            platform: None,
            source,
        }
    }

    #[test]
    fn views_stay_readable() {
        let layer = subject(Source::Layer(digest('d')));
        let d = "sha256:".to_owned() + &"d".repeat(64);
        assert_eq!(
            listing_href(&layer),
            format!("/?image=localhost:5000/team/api:v1&layer={d}")
        );
        assert_eq!(
            listing_href(&subject(Source::Merged)),
            "/?image=localhost:5000/team/api:v1&fs=merged"
        );
        assert_eq!(
            file_href(&subject(Source::Merged), "/etc/a b+c&d#é"),
            "/?image=localhost:5000/team/api:v1&fs=merged&path=/etc/a%20b%2Bc%26d%23%C3%A9"
        );
        assert_eq!(
            tree_href(&subject(Source::Merged), "/usr/share"),
            "/?image=localhost:5000/team/api:v1&fs=merged&open=/usr&open=/usr/share"
        );
        assert_eq!(
            hidden_tree_href(&subject(Source::Merged), "/etc"),
            "/?image=localhost:5000/team/api:v1&fs=merged&hidden=1&open=/etc"
        );
        let alpine = Reference::parse("alpine:3.9").expect("reference");
        assert_eq!(image_href(&alpine), "/?image=docker.io/library/alpine:3.9");
        assert_eq!(
            repo_href(&alpine.repository()),
            "/?repo=docker.io/library/alpine"
        );
        assert_eq!(image_input_href(" alpine "), "/?image=alpine");
        assert_eq!(
            catalog_href("docker.io", Some("bitnami")),
            "/?registry=docker.io&namespace=bitnami"
        );
        assert_eq!(
            catalog_href("localhost:5000", None),
            "/?registry=localhost:5000"
        );
    }

    #[test]
    fn api_urls_are_the_shared_queries() {
        let layer = subject(Source::Layer(digest('d')));
        let d = "sha256%3A".to_owned() + &"d".repeat(64);
        assert_eq!(
            listing_api(&layer),
            format!("/api/layer?ref=localhost%3A5000%2Fteam%2Fapi%3Av1&digest={d}")
        );
        assert_eq!(
            listing_api(&subject(Source::Merged)),
            "/api/merged?ref=localhost%3A5000%2Fteam%2Fapi%3Av1"
        );
        let query = lading_shared::api::ImageQuery {
            reference: "alpine".to_owned(),
            platform: Some(digest('e')),
        };
        assert_eq!(
            api_url(lading_shared::api::IMAGE_PATH, &query),
            format!("/api/image?ref=alpine&platform=sha256%3A{}", "e".repeat(64))
        );
        let repository = Repository::parse("r.example/a b").map(|r| tags_api(&r));
        assert!(repository.is_err(), "a space is no repository");
        let repository = Repository::parse("r.example/team/app").expect("repository");
        assert_eq!(
            tags_api(&repository),
            "/api/tags?repo=r.example%2Fteam%2Fapp"
        );
        let query = CatalogQuery {
            registry: "r.example:5000".to_owned(),
            namespace: Some("team/".to_owned()),
        };
        assert_eq!(
            catalog_api(&query),
            "/api/catalog?registry=r.example%3A5000&namespace=team%2F"
        );
    }
}
