//! What registries say about tags beyond their names (dates, sizes, digests), where they say
//! it without a request per tag, fetched beside the tag list in the same `/api/tags` call.
//!
//! Which source a registry gets: by host for Docker Hub (`docker.io`: the Hub web API),
//! Quay (`quay.io`: its REST API) and Google (`gcr.io`, `*.gcr.io`, `*.pkg.dev`: the tag
//! list's own `manifest` map, see [`google`]); by its challenge for Harbor on any host
//! (`service="harbor-registry"` or `Basic realm="harbor"`: its REST API). Details are a
//! bonus: bounded by pages, bytes and a share of the answer's time, and any failure becomes
//! `detail_error` beside a tag list that is still shown.

pub mod dates;
pub mod google;
mod harbor;
mod quay;

use std::time::Duration;

use lading_shared::api::{BasicCredentials, ExchangePurpose, TagDetail, TagDetailSource};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};

use super::Session;
use super::challenge::Challenge;
use super::credentials::Credentials;
use crate::error::ProxyError;
use crate::hub::Hub;

/// Pages of a REST API read for details at most (100 tags a page).
pub const MAX_DETAIL_PAGES: u32 = 100;
/// One REST API page's body (100 tags with their fields).
pub const MAX_REST_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Share of the answer's time limit details may take: the tag list must still be answered.
pub const DETAIL_TIME_SHARE: f64 = 0.75;
/// Details kept in all (the rest of a huge repository's tags show without them).
pub const MAX_DETAILS: usize = 20_000;
/// A registry's text in a detail (media type, status, platform words) at most; longer is
/// dropped, not cut: it is not a real value.
pub const MAX_DETAIL_TEXT: usize = 256;
/// Platforms kept per tag (Docker Hub's `images`).
pub const MAX_TAG_IMAGES: usize = 64;

/// Details as found, or why not.
#[derive(Debug, Default)]
pub struct Details {
    pub details: Vec<TagDetail>,
    pub source: Option<TagDetailSource>,
    pub error: Option<String>,
}

impl Details {
    fn from(source: TagDetailSource, read: Result<(Vec<TagDetail>, bool), ProxyError>) -> Details {
        match read {
            Ok((details, cut)) => Details {
                error: cut.then(|| {
                    format!(
                        "{} lists more than {} pages or {} tags; details are shown for the first \
                         ones",
                        source.label(),
                        MAX_DETAIL_PAGES,
                        MAX_DETAILS
                    )
                }),
                details,
                source: Some(source),
            },
            Err(error) => {
                // Hub errors name the Hub already; others get their source named.
                // Serde's messages quote the registry's body: redacted like every text shown.
                let text = crate::redact::text(&error.to_string());
                let error = if text.starts_with(source.label()) {
                    text
                } else {
                    format!("{}: {text}", source.label())
                };
                Details {
                    details: Vec::new(),
                    source: Some(source),
                    error: Some(error),
                }
            }
        }
    }
}

/// The source a registry gets by its host alone, if any (Google's comes with the tag list).
pub fn source_by_host(registry: &str) -> Option<TagDetailSource> {
    match registry {
        "docker.io" => Some(TagDetailSource::DockerHubApi),
        "quay.io" => Some(TagDetailSource::QuayApi),
        host if google::is_google(host) => Some(TagDetailSource::GoogleTagList),
        _ => None,
    }
}

/// Whether a challenge is Harbor's.
pub fn is_harbor(challenge: &Challenge) -> bool {
    match challenge {
        Challenge::Bearer { service, .. } => service.as_deref() == Some("harbor-registry"),
        Challenge::Basic { realm } => realm
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("harbor")),
        Challenge::Anonymous => false,
    }
}

impl Session {
    /// Details from a web or REST API (`source` of [`source_by_host`], or Harbor's), within
    /// `time`. Never fails: a failure is the answer's `detail_error`.
    pub async fn tag_details(
        &self,
        source: TagDetailSource,
        repository: &str,
        hub_credentials: Option<&BasicCredentials>,
        time: Duration,
    ) -> Details {
        let work = async {
            match source {
                TagDetailSource::DockerHubApi => {
                    self.hub_details(repository, hub_credentials).await
                }
                TagDetailSource::QuayApi => self.quay_details(repository).await,
                TagDetailSource::HarborApi => self.harbor_details(repository).await,
                // Read from the tag list's pages instead.
                TagDetailSource::GoogleTagList => Ok((Vec::new(), false)),
            }
        };
        match tokio::time::timeout(time, work).await {
            Ok(read) => Details::from(source, read),
            Err(_) => Details {
                source: Some(source),
                error: Some(format!(
                    "{} did not answer in time ({} s); the tags are listed without details",
                    source.label(),
                    time.as_secs()
                )),
                ..Details::default()
            },
        }
    }

    /// Harbor's, when the cached challenge (from this view's tag list) is Harbor's.
    pub async fn harbor_source(&self) -> Option<TagDetailSource> {
        let challenge = self.upstream.challenges.get(self.base.as_str()).await?;
        is_harbor(&challenge).then_some(TagDetailSource::HarborApi)
    }

    async fn hub_details(
        &self,
        repository: &str,
        credentials: Option<&BasicCredentials>,
    ) -> Result<(Vec<TagDetail>, bool), ProxyError> {
        let Some((namespace, name)) = repository.split_once('/').filter(|(_, n)| !n.contains('/'))
        else {
            return Ok((Vec::new(), false));
        };
        let hub = Hub::open(&self.upstream, &self.trace, credentials).await?;
        let read = hub.list_tags(namespace, name).await?;
        Ok((read.details, read.cut))
    }

    /// Headers for the registry's own REST API: JSON, and the registry's credentials as
    /// Basic (the API is on the registry's origin; nothing goes anywhere else).
    fn rest_headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(Credentials::Password { username, password }) = &self.credentials {
            let value = BasicCredentials::new(username, password.expose()).authorization();
            if let Ok(mut value) = HeaderValue::from_str(&value) {
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
        }
        headers
    }
}

/// Keeps the first detail per name (a tag listed twice across pages).
/// `detail` with every registry string and list bounded, so what a page costs in memory is
/// bounded by the page's bytes, not by how often a field is copied per tag.
pub fn bounded(mut detail: TagDetail) -> TagDetail {
    let short = |text: Option<String>| text.filter(|t| t.len() <= MAX_DETAIL_TEXT);
    detail.media_type = short(detail.media_type);
    detail.status = short(detail.status);
    detail.pushed = short(detail.pushed);
    detail.created = short(detail.created);
    detail.images.truncate(MAX_TAG_IMAGES);
    for image in &mut detail.images {
        for word in [&mut image.os, &mut image.architecture] {
            if word.len() > MAX_DETAIL_TEXT {
                word.clear();
            }
        }
        image.variant = short(image.variant.take());
        image.status = short(image.status.take());
        image.pushed = short(image.pushed.take());
    }
    detail
}

fn dedupe(details: &mut Vec<TagDetail>) {
    let mut seen = std::collections::HashSet::new();
    details.retain(|d| seen.insert(d.name.clone()));
}

/// Pages of a registry's REST API read for details, each bounded; `page(N)` is the URL of
/// page N, `read` turns a body into details and says whether more pages follow.
async fn rest_pages(
    session: &Session,
    what: &str,
    page: impl Fn(u32) -> url::Url,
    read: impl Fn(&[u8]) -> Result<(Vec<TagDetail>, bool), String>,
) -> Result<(Vec<TagDetail>, bool), ProxyError> {
    let mut details = Vec::new();
    for number in 1..=MAX_DETAIL_PAGES {
        let url = page(number);
        let note = format!("{what}, page {number}");
        let response = session
            .exchange(
                reqwest::Method::GET,
                &url,
                session.rest_headers(),
                ExchangePurpose::RegistryApi,
                Some(&note),
            )
            .await?;
        let status = response.status();
        if !status.is_success() {
            session.error_body(response).await;
            let hint = match status.as_u16() {
                401 | 403 => {
                    " (its REST API may want a sign-in that the registry protocol does not)"
                }
                404 => " (the REST API does not know this repository)",
                _ => "",
            };
            return Err(ProxyError::BadUpstream(format!(
                "answered HTTP {status}{hint}"
            )));
        }
        let body = super::transport::read_capped(response, MAX_REST_PAGE_BYTES, what).await?;
        let (page_details, more) = read(&body)
            .map_err(|e| ProxyError::BadUpstream(format!("not the expected JSON: {e}")))?;
        let empty = page_details.is_empty();
        details.extend(page_details.into_iter().map(bounded));
        dedupe(&mut details);
        if details.len() >= MAX_DETAILS {
            details.truncate(MAX_DETAILS);
            return Ok((details, true));
        }
        if !more || empty {
            return Ok((details, false));
        }
    }
    dedupe(&mut details);
    Ok((details, true))
}
