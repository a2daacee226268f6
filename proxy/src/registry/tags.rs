//! Tag lists, every page (see `pages` for how pages are walked and which quirks are
//! survived), with what Google's `tags/list` extension says about each tag for free.

mod link;
mod pages;
mod sort;

use lading_shared::api::{ExchangePurpose, TagDetail};

pub use pages::{ECR_MAX_PAGE_SIZE, FailedPage, Walk, next_link};
pub use sort::{MAX_SAMPLE_CHARS, MAX_SKIPPED_SAMPLES, MAX_TAG_CHARS, SortedTags};

use super::Session;
use super::tag_details::google;
use crate::error::{Fetching, ProxyError};
use crate::limits::budget::{LISTING_MEMORY, Reservation};

/// Asked for per page (a hint; many registries ignore it). Always sent: Harbor sends `Link`
/// only when `n` was given, and without it would answer its first page as if it were all.
pub const TAGS_PAGE_SIZE: u32 = 1000;
/// gcr.io and Artifact Registry answer every tag in one page when asked for this many.
pub const GOOGLE_PAGE_SIZE: u32 = 10_000;
/// One page's body, read whole before parsing.
pub const MAX_TAGS_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The tags of all pages, sorted out as they were read ([`SortedTags`]), and the share of the
/// memory budget they hold (with their JSON answer) until the answer is sent.
pub struct TagPages {
    pub sorted: SortedTags,
    pub pages: u32,
    pub memory: Reservation,
    /// Google's `manifest` map, read from the same pages (empty elsewhere).
    pub details: Vec<TagDetail>,
    /// Why Google's extension could not be read, if it could not (the tags still count).
    pub detail_error: Option<String>,
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
        let is_google = google::is_google(self.base.host_str().unwrap_or_default());
        let size = if is_google {
            GOOGLE_PAGE_SIZE
        } else {
            TAGS_PAGE_SIZE
        };
        let mut url = self.url(&format!("/v2/{repository}/tags/list"));
        url.query_pairs_mut().append_pair("n", &size.to_string());
        let limits = &self.upstream.limits;
        let mut result = TagPages {
            sorted: SortedTags::default(),
            pages: 0,
            memory: Reservation::new(&LISTING_MEMORY),
            details: Vec::new(),
            detail_error: None,
        };
        let walk = Walk {
            what: "tag list",
            purpose: ExchangePurpose::TagPage,
            fetching: Fetching::Tags,
            scopes: &scopes,
            max_pages: limits.tag_pages,
            max_page_bytes: MAX_TAGS_PAGE_BYTES,
        };
        let registry = self.registry.clone();
        let read_page = |body: &[u8]| {
            let read = result.sorted.read_page(body, limits.tags);
            if result.sorted.over_limit {
                return Err(ProxyError::TooMany {
                    what: "tags in the tag list".into(),
                    limit: limits.tags as u64,
                });
            }
            read.map_err(|e| {
                ProxyError::BadUpstream(format!(
                    "{registry}'s tag list is not the expected JSON: {e}"
                ))
            })?;
            if is_google {
                let room = limits.tags.saturating_sub(result.details.len());
                match google::read(body, room) {
                    Ok(page) => result.details.extend(page.details),
                    Err(e) => {
                        result.detail_error = Some(format!(
                            "{registry}'s tag list has a malformed manifest map: {e}"
                        ));
                    }
                }
            }
            result
                .memory
                .resize(result.sorted.heap() + details_heap(&result.details))?;
            Ok(wanted == TagPagesWanted::All)
        };
        let pages = self.walk_pages(url, &walk, read_page, |_, e| e).await?;
        result.pages = pages;
        result.sorted.finish();
        Ok(result)
    }
}

/// A rough upper bound of the heap details hold and add to the answer.
pub fn details_heap(details: &[TagDetail]) -> u64 {
    let text = |t: &Option<String>| t.as_ref().map_or(0, String::len) as u64;
    details
        .iter()
        .map(|d| {
            let images: u64 = d
                .images
                .iter()
                .map(|i| {
                    std::mem::size_of_val(i) as u64
                        + (i.os.len() + i.architecture.len()) as u64
                        + text(&i.variant)
                        + text(&i.status)
                        + text(&i.pushed)
                        + 80
                })
                .sum();
            std::mem::size_of::<TagDetail>() as u64
                + d.name.len() as u64
                + text(&d.media_type)
                + text(&d.status)
                + text(&d.pushed)
                + text(&d.created)
                + images
                + 160
        })
        .sum()
}
