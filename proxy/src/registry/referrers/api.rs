//! The OCI 1.1 referrers API: `GET /v2/<name>/referrers/<digest>[?artifactType=T]`, every
//! `Link` page on the registry's own origin and API, at most [`MAX_REFERRER_PAGES`].
//!
//! "No API" is a 404 (distribution 2.8 and 3.x, GHCR), a 405 or 501, or a 200 that is no OCI
//! index (Harbor 2.9.1 answered `application/json`): the caller then reads the fallback tag.
//! A 401, 403, 429 or 5xx is the registry refusing or failing, never "no API".

use std::collections::HashSet;

use lading_shared::api::{ExchangePurpose, Referrer, ReferrerSource, ReferrersApi};
use lading_shared::media_type::essence;
use lading_shared::{Descriptor, Digest};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use url::Url;

use super::{MAX_REFERRER_PAGES, MAX_REFERRERS, MAX_REFERRERS_PAGE_BYTES, listed};
use crate::error::{Fetching, ProxyError};
use crate::registry::Session;
use crate::registry::tags::next_link;
use crate::registry::transport::{header_string, read_capped, same_url_origin};

/// The header a registry sets when it applied the `artifactType` filter itself.
const FILTERS_APPLIED: &str = "oci-filters-applied";

/// What the API answered, all pages together.
pub struct Listed {
    pub api: ReferrersApi,
    pub referrers: Vec<Referrer>,
    pub notes: Vec<String>,
    pub partial: bool,
}

/// Only the part of an index a listing needs; entries are read one by one so one bad entry
/// does not hide the others.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    manifests: Vec<serde_json::Value>,
}

impl Session {
    /// Every page of the referrers API for `subject`, or why the registry has none.
    pub(super) async fn referrers_api(
        &self,
        repository: &str,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Listed, ProxyError> {
        let mut url = self.url(&format!("/v2/{repository}/referrers/{subject}"));
        if let Some(wanted) = artifact_type {
            url.query_pairs_mut().append_pair("artifactType", wanted);
        }
        let scopes = [Session::pull_scope(repository)];
        let mut listed = Listed {
            api: ReferrersApi::NotAsked,
            referrers: Vec::new(),
            notes: Vec::new(),
            partial: false,
        };
        let (mut pages, mut filtered) = (0u32, false);
        let mut seen = HashSet::new();
        loop {
            seen.insert(url.to_string());
            let note = format!("GET the referrers API, page {}", pages + 1);
            let response = self
                .send(
                    Method::GET,
                    &url,
                    Some(essence::OciIndex),
                    &scopes,
                    ExchangePurpose::Referrers,
                    &note,
                )
                .await?;
            let status = response.status();
            if let Some(why) = absent(status, response.headers(), pages) {
                listed.api = ReferrersApi::Absent { why };
                return Ok(listed);
            }
            if !status.is_success() {
                let error = self.upstream_failure(response, Fetching::Manifest).await;
                return Err(referrers_failure(error, &self.registry, status));
            }
            filtered |= header_string(response.headers(), FILTERS_APPLIED)
                .is_some_and(|v| v.split(',').any(|f| f.trim() == "artifactType"));
            let next = next_link(response.headers(), &url)?;
            let body = read_capped(response, MAX_REFERRERS_PAGE_BYTES, "referrers page").await?;
            pages += 1;
            let skipped =
                read_page(&body, &mut listed.referrers, ReferrerSource::Api).map_err(|e| {
                    ProxyError::BadUpstream(format!(
                        "{}'s referrers API answered an index Lading cannot read: {e}",
                        self.registry
                    ))
                })?;
            if skipped > 0 {
                listed.notes.push(format!(
                    "{skipped} entries of the referrers API were not descriptors and were skipped"
                ));
            }
            listed.api = ReferrersApi::Served { pages, filtered };
            let Some(next) = next else {
                return Ok(listed);
            };
            match next_page(next, &url, pages, &seen) {
                Ok(next) => url = next,
                Err(why) => {
                    listed.notes.push(why);
                    listed.partial = true;
                    return Ok(listed);
                }
            }
        }
    }
}

/// The next page to read, or why it is not read (the listing so far still stands).
fn next_page(next: Url, current: &Url, pages: u32, seen: &HashSet<String>) -> Result<Url, String> {
    let shown = crate::redact::url(&next);
    if !same_url_origin(&next, current) {
        return Err(format!(
            "the referrers API's next page points to another origin ({shown}): not followed"
        ));
    }
    if !next.path().starts_with("/v2/") {
        return Err(format!(
            "the referrers API's next page is outside the registry API ({shown}): not followed"
        ));
    }
    if seen.contains(next.as_str()) {
        return Err(format!(
            "the referrers API's pages loop back to {shown}: stopped"
        ));
    }
    if pages >= MAX_REFERRER_PAGES {
        return Err(format!(
            "only the first {MAX_REFERRER_PAGES} pages of the referrers API were read"
        ));
    }
    Ok(next)
}

/// Why an answer means "this registry has no referrers API", if it does. Only the first
/// page can say so: a later page failing is a failure.
fn absent(status: StatusCode, headers: &HeaderMap, pages: u32) -> Option<String> {
    if pages > 0 {
        return None;
    }
    match status.as_u16() {
        404 => Some("the registry answered 404 to the referrers API".into()),
        405 | 501 => Some(format!(
            "the registry answered {status} to the referrers API"
        )),
        200..=299 => {
            let content_type = header_string(headers, "content-type").unwrap_or_default();
            let media = content_type.split(';').next().unwrap_or_default().trim();
            (!media.eq_ignore_ascii_case(essence::OciIndex)).then(|| {
                let shown = if media.is_empty() { "none" } else { media };
                format!(
                    "the referrers API answered {} with Content-Type {shown}, not an OCI index",
                    status.as_u16()
                )
            })
        }
        _ => None,
    }
}

/// The registry's refusal, worded as the referrers API's (not as a manifest's).
fn referrers_failure(error: ProxyError, registry: &str, status: StatusCode) -> ProxyError {
    let message = match status.as_u16() {
        401 => format!("{registry} wants credentials for the referrers API, or rejected them"),
        403 => format!("{registry} denied access to the referrers API"),
        code => format!("{registry} failed with HTTP {code} while serving the referrers API"),
    };
    match status.as_u16() {
        429 => error,
        _ => error.explained(message, Vec::new()),
    }
}

/// Appends the descriptors of an index body (a referrers page or the fallback index) to
/// `into`, up to [`MAX_REFERRERS`]; answers how many entries were not descriptors.
pub fn read_page(
    body: &[u8],
    into: &mut Vec<Referrer>,
    source: ReferrerSource,
) -> Result<usize, serde_json::Error> {
    let page: Page = serde_json::from_slice(body)?;
    let mut skipped = 0;
    for entry in page.manifests {
        if into.len() >= MAX_REFERRERS {
            break;
        }
        match serde_json::from_value::<Descriptor>(entry) {
            Ok(descriptor) => into.push(listed(&descriptor, source, None)),
            Err(_) => skipped += 1,
        }
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", content_type.parse().unwrap());
        headers
    }

    #[test]
    fn absence_is_told_by_the_first_answer_only() {
        let index = headers("application/vnd.oci.image.index.v1+json; charset=utf-8");
        let json = headers("application/json");
        assert_eq!(absent(StatusCode::OK, &index, 0), None);
        assert!(
            absent(StatusCode::OK, &json, 0)
                .unwrap()
                .contains("application/json")
        );
        assert!(absent(StatusCode::NOT_FOUND, &json, 0).is_some());
        assert_eq!(absent(StatusCode::NOT_FOUND, &json, 1), None);
        for refused in [401, 403, 429, 500, 503] {
            let status = StatusCode::from_u16(refused).unwrap();
            assert_eq!(absent(status, &json, 0), None, "{refused}");
        }
    }

    #[test]
    fn pages_stay_on_the_registry_api_and_do_not_loop() {
        let current = Url::parse("http://r.example:5000/v2/a/referrers/sha256:x").unwrap();
        let seen = HashSet::from([current.to_string()]);
        let next = |u: &str| next_page(Url::parse(u).unwrap(), &current, 1, &seen);
        assert!(next("http://r.example:5000/v2/a/referrers/sha256:x?last=b").is_ok());
        assert!(next("http://other.example:5000/v2/a/referrers/sha256:x").is_err());
        assert!(next("https://r.example:5000/v2/a/referrers/sha256:x").is_err());
        assert!(next("http://r.example:5000/admin").is_err());
        assert!(next(current.as_str()).is_err());
        let far = next_page(
            current.clone(),
            &current,
            MAX_REFERRER_PAGES,
            &HashSet::new(),
        );
        assert!(far.unwrap_err().contains("first 20 pages"));
    }

    #[test]
    fn a_bad_entry_does_not_hide_the_others() {
        let body = br#"{"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","size":3,"artifactType":""},{"digest":7},"x"]}"#;
        let mut into = Vec::new();
        let skipped = read_page(body, &mut into, ReferrerSource::Api).unwrap();
        assert_eq!((into.len(), skipped), (1, 2));
        assert_eq!(into[0].artifact_type, None, "an empty type is no type");
        assert!(read_page(br#"{"manifests":3}"#, &mut into, ReferrerSource::Api).is_err());
    }
}
