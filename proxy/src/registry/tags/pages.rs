//! Walking a paged registry list (`tags/list`, `_catalog`) to its last `Link`.
//!
//! Many registries ignore `n` or send short pages, so only `Link` decides whether there is
//! more. Links may be relative (resolved against the request URL) and must stay on the
//! registry's host and API. Quirks survived here, once for both lists:
//! - ECR refuses `n` over 1000 with 405 "Member must have value less than or equal to
//!   1000": the page is asked again, once, with the bound it names;
//! - ACR's `</v2/repo/tags/list?last=v1&n=2&orderby=>` is followed as sent (an empty
//!   `orderby=` kept);
//! - Artifactory and Nexus send `next` links without the `/v2` prefix
//!   (`</repo/tags/list?last=x>`): a link that is the request's own endpoint minus `/v2` is
//!   read as that endpoint; any other path outside `/v2/` is refused.

use std::collections::HashSet;

use lading_shared::api::ExchangePurpose;
use reqwest::header::{HeaderMap, LINK};
use reqwest::{Method, StatusCode};
use url::Url;

use super::link;
use crate::error::{Fetching, ProxyError};
use crate::registry::Session;
use crate::registry::transport::{read_capped, retry_after, same_url_origin};

/// The `n` ECR accepts at most (and public.ecr.aws caps at).
pub const ECR_MAX_PAGE_SIZE: u32 = 1000;

/// What is being walked, and its bounds.
pub struct Walk<'a> {
    /// "tag list" or "catalog", for notes and messages.
    pub what: &'static str,
    pub purpose: ExchangePurpose,
    pub fetching: Fetching,
    pub scopes: &'a [String],
    pub max_pages: u32,
    pub max_page_bytes: usize,
}

/// A failed page as the registry answered it, for a caller that reads more into it (a
/// catalog that is not offered).
pub struct FailedPage<'a> {
    pub status: StatusCode,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Session {
    /// Fetches `url` and every page its `Link`s lead to, handing each body to `page`
    /// (which returns `false` to stop early). Answers how many pages were read. A failed
    /// page becomes the registry's error, through `failed` for a caller's reading of it.
    pub async fn walk_pages(
        &self,
        mut url: Url,
        walk: &Walk<'_>,
        mut page: impl FnMut(&[u8]) -> Result<bool, ProxyError>,
        failed: impl Fn(FailedPage<'_>, ProxyError) -> ProxyError,
    ) -> Result<u32, ProxyError> {
        let mut seen = HashSet::new();
        let mut pages = 0u32;
        let mut shrunk = false;
        loop {
            if !seen.insert(url.to_string()) {
                return Err(ProxyError::BadUpstream(format!(
                    "{}'s {} pagination loops back to {}",
                    self.registry,
                    walk.what,
                    crate::redact::url(&url)
                )));
            }
            if pages >= walk.max_pages {
                return Err(ProxyError::TooMany {
                    what: format!("{} pages", walk.what),
                    limit: walk.max_pages.into(),
                });
            }
            let note = format!("GET {} page {}", walk.what, pages + 1);
            let response = self
                .send(
                    Method::GET,
                    &url,
                    Some("application/json"),
                    walk.scopes,
                    walk.purpose,
                    &note,
                )
                .await?;
            let status = response.status();
            if !status.is_success() {
                let headers = response.headers().clone();
                let retry = retry_after(&headers);
                let body = self.error_body(response).await;
                if status == StatusCode::METHOD_NOT_ALLOWED
                    && !shrunk
                    && let Some(bound) = page_size_bound(&body)
                    && let Some(smaller) = with_page_size(&url, bound)
                {
                    // ECR's answer to a large `n`: ask this page again with its bound.
                    shrunk = true;
                    seen.remove(url.as_str());
                    url = smaller;
                    continue;
                }
                let error = ProxyError::from_upstream(
                    status.as_u16(),
                    retry,
                    &body,
                    &self.registry,
                    walk.fetching,
                );
                let seen = FailedPage {
                    status,
                    headers: &headers,
                    body: &body,
                };
                return Err(failed(seen, error));
            }
            let next = next_link(response.headers(), &url)?;
            let body = read_capped(
                response,
                walk.max_page_bytes,
                &format!("{} page", walk.what),
            )
            .await?;
            pages += 1;
            if !page(&body)? {
                return Ok(pages);
            }
            match next {
                None => return Ok(pages),
                Some(next) => url = self.checked_next(next, &url, walk.what)?,
            }
        }
    }

    /// The next page's URL if it stays on the registry's origin and API.
    fn checked_next(&self, next: Url, current: &Url, what: &str) -> Result<Url, ProxyError> {
        if !same_url_origin(&next, current) {
            return Err(ProxyError::BadUpstream(format!(
                "{}'s {what} pagination points to another host ({}); refused",
                self.registry,
                next.host_str().unwrap_or("?")
            )));
        }
        if is_api_path(&next) {
            return Ok(next);
        }
        if let Some(fixed) = with_api_prefix(&next, current) {
            return Ok(fixed);
        }
        Err(ProxyError::BadUpstream(format!(
            "{}'s {what} pagination points outside the registry API ({}); refused",
            self.registry,
            next.path()
        )))
    }
}

/// Whether a link stays on the registry API. A hostile registry's `Link` must not turn
/// Lading into a client of the host's other paths (`/admin`, a co-hosted app); `..` segments
/// are already resolved by the URL parser, so `/v2/../admin` is `/admin` here.
fn is_api_path(url: &Url) -> bool {
    url.path().starts_with("/v2/")
}

/// Artifactory's `next` without `/v2`: the same endpoint as the request once prefixed, and
/// only then (anything else outside `/v2/` stays refused).
fn with_api_prefix(next: &Url, current: &Url) -> Option<Url> {
    let prefixed = format!("/v2{}", next.path());
    if prefixed != current.path() {
        return None;
    }
    let mut fixed = next.clone();
    fixed.set_path(&prefixed);
    Some(fixed)
}

/// The `rel="next"` target of a `Link` header, resolved against the request URL.
pub fn next_link(headers: &HeaderMap, current: &Url) -> Result<Option<Url>, ProxyError> {
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

/// The bound of ECR's "Member must have value less than or equal to 1000" (any JSON or text
/// body), if the body says so.
fn page_size_bound(body: &[u8]) -> Option<u32> {
    let text = String::from_utf8_lossy(body);
    let (_, rest) = text.split_once("less than or equal to")?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let bound = digits.parse().unwrap_or(ECR_MAX_PAGE_SIZE);
    (bound > 0).then_some(bound)
}

/// `url` with its `n` set to `bound`, if it asked for more than that.
fn with_page_size(url: &Url, bound: u32) -> Option<Url> {
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let asked = pairs
        .iter()
        .find(|(k, _)| k == "n")?
        .1
        .parse::<u32>()
        .ok()?;
    if asked <= bound {
        return None;
    }
    let mut smaller = url.clone();
    smaller
        .query_pairs_mut()
        .clear()
        .extend_pairs(pairs.iter().map(|(k, v)| {
            let v = if k == "n" {
                bound.to_string()
            } else {
                v.clone()
            };
            (k.clone(), v)
        }));
    Some(smaller)
}

#[cfg(test)]
mod tests;
