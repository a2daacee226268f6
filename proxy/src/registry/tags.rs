//! Tag lists, following `Link` pagination to the end.
//!
//! Many registries ignore `n` or send short pages, so only `Link` decides whether there is
//! more. Links may be relative; they must stay on the registry's host.

mod link;
mod sort;

use std::collections::HashSet;

use lading_shared::api::ExchangePurpose;
use reqwest::Method;
use reqwest::header::{HeaderMap, LINK};
use url::Url;

pub use sort::{MAX_SAMPLE_CHARS, MAX_SKIPPED_SAMPLES, MAX_TAG_CHARS, SortedTags};

use super::Session;
use super::transport::{read_capped, same_url_origin};
use crate::error::{Fetching, ProxyError};
use crate::limits::budget::{LISTING_MEMORY, Reservation};

/// Asked for per page (a hint; many registries ignore it).
pub const TAGS_PAGE_SIZE: u32 = 1000;
/// One page's body, read whole before parsing.
pub const MAX_TAGS_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The tags of all pages, sorted out as they were read ([`SortedTags`]), and the share of the
/// memory budget they hold (with their JSON answer) until the answer is sent.
pub struct TagPages {
    pub sorted: SortedTags,
    pub pages: u32,
    pub memory: Reservation,
}

/// How much of a tag list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagPagesWanted {
    /// Every page, to the last `Link`.
    All,
    /// The first page only (near tags for a missing one: one request, bounded like any).
    First,
}

impl Session {
    /// Every tag of `repository`, all pages.
    pub async fn list_tags(&self, repository: &str) -> Result<TagPages, ProxyError> {
        self.read_tags(repository, TagPagesWanted::All).await
    }

    /// The tag list's pages as `wanted`, each bounded by the same limits.
    pub async fn read_tags(
        &self,
        repository: &str,
        wanted: TagPagesWanted,
    ) -> Result<TagPages, ProxyError> {
        let scopes = [Session::pull_scope(repository)];
        let mut url = self.url(&format!("/v2/{repository}/tags/list"));
        url.query_pairs_mut()
            .append_pair("n", &TAGS_PAGE_SIZE.to_string());
        let mut seen = HashSet::new();
        let mut result = TagPages {
            sorted: SortedTags::default(),
            pages: 0,
            memory: Reservation::new(&LISTING_MEMORY),
        };
        loop {
            if !seen.insert(url.to_string()) {
                return Err(ProxyError::BadUpstream(format!(
                    "{}'s tag pagination loops back to {url}",
                    self.registry
                )));
            }
            let limits = &self.upstream.limits;
            if result.pages >= limits.tag_pages {
                return Err(ProxyError::TooMany {
                    what: "tag list pages".into(),
                    limit: limits.tag_pages.into(),
                });
            }
            let note = format!("GET tag list page {}", result.pages + 1);
            let response = self
                .send(
                    Method::GET,
                    &url,
                    Some("application/json"),
                    &scopes,
                    ExchangePurpose::TagPage,
                    &note,
                )
                .await?;
            let status = response.status();
            if !status.is_success() {
                return Err(self.upstream_failure(response, Fetching::Tags).await);
            }
            let next = next_link(response.headers(), &url)?;
            let body = read_capped(response, MAX_TAGS_PAGE_BYTES, "tag list page").await?;
            let read = result.sorted.read_page(&body, limits.tags);
            if result.sorted.over_limit {
                return Err(ProxyError::TooMany {
                    what: "tags in the tag list".into(),
                    limit: limits.tags as u64,
                });
            }
            read.map_err(|e| {
                ProxyError::BadUpstream(format!(
                    "{}'s tag list is not the expected JSON: {e}",
                    self.registry
                ))
            })?;
            result.pages += 1;
            result.memory.resize(result.sorted.heap())?;
            if wanted == TagPagesWanted::First {
                result.sorted.finish();
                return Ok(result);
            }
            match next {
                Some(next) if same_url_origin(&next, &url) && is_api_path(&next) => url = next,
                Some(next) if same_url_origin(&next, &url) => {
                    return Err(ProxyError::BadUpstream(format!(
                        "{}'s tag pagination points outside the registry API ({}); refused",
                        self.registry,
                        next.path()
                    )));
                }
                Some(next) => {
                    return Err(ProxyError::BadUpstream(format!(
                        "{}'s tag pagination points to another host ({}); refused",
                        self.registry,
                        next.host_str().unwrap_or("?")
                    )));
                }
                None => {
                    result.sorted.finish();
                    return Ok(result);
                }
            }
        }
    }
}

/// Whether a link stays on the registry API. A hostile registry's `Link` must not turn
/// Lading into a client of the host's other paths (`/admin`, a co-hosted app); `..` segments
/// are already resolved by the URL parser, so `/v2/../admin` is `/admin` here.
fn is_api_path(url: &Url) -> bool {
    url.path().starts_with("/v2/")
}

/// The `rel="next"` target of a `Link` header, resolved against the request URL.
fn next_link(headers: &HeaderMap, current: &Url) -> Result<Option<Url>, ProxyError> {
    let values = headers.get_all(LINK);
    let mut values = values.iter().filter_map(|v| v.to_str().ok());
    let Some(target) = values.find_map(|value| link::target_of(value, "next")) else {
        return Ok(None);
    };
    let next = current.join(target).map_err(|e| {
        // A registry's text, quoted: it may carry a signed URL.
        let target = crate::redact::text(target);
        ProxyError::BadUpstream(format!("invalid pagination link {target:?}: {e}"))
    })?;
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_relative_and_absolute_next_links() {
        let current = Url::parse("http://r.example:5000/v2/a/tags/list?n=2").unwrap();
        let cases = [
            (
                r#"</v2/a/tags/list?n=2&last=b>; rel="next""#,
                Some("http://r.example:5000/v2/a/tags/list?n=2&last=b"),
            ),
            (
                r#"<https://other.example/x>; rel=next"#,
                Some("https://other.example/x"),
            ),
            (r#"</v2/a/tags/list?last=z>; rel="prev""#, None),
        ];
        for (value, want) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(LINK, HeaderValue::from_str(value).unwrap());
            let got = next_link(&headers, &current).unwrap();
            assert_eq!(got.as_ref().map(Url::as_str), want, "{value}");
        }
        assert!(next_link(&HeaderMap::new(), &current).unwrap().is_none());
    }
}
