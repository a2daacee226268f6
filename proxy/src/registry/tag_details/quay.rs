//! Quay's REST API: `/api/v1/repository/{ns}/{repo}/tag/?limit=100&page=N&onlyActiveTags=true`
//! → `{"tags": [...], "page": N, "has_additional": bool}`, dates in RFC 2822.

use lading_shared::Digest;
use lading_shared::api::TagDetail;
use lading_shared::reference::is_valid_tag;
use serde::Deserialize;

use super::{dates, rest_pages};
use crate::error::ProxyError;
use crate::registry::Session;

/// Quay's page size (its maximum).
pub const QUAY_PAGE_SIZE: u32 = 100;

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    has_additional: bool,
}

#[derive(Deserialize)]
struct Tag {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
    #[serde(default)]
    start_ts: Option<i64>,
    #[serde(default)]
    manifest_digest: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    is_manifest_list: Option<bool>,
}

impl Session {
    pub(super) async fn quay_details(
        &self,
        repository: &str,
    ) -> Result<(Vec<TagDetail>, bool), ProxyError> {
        let page = |number: u32| {
            let mut url = self.url(&format!("/api/v1/repository/{repository}/tag/"));
            url.query_pairs_mut()
                .append_pair("limit", &QUAY_PAGE_SIZE.to_string())
                .append_pair("page", &number.to_string())
                .append_pair("onlyActiveTags", "true");
            url
        };
        rest_pages(self, "Quay REST API: tags", page, read).await
    }
}

fn read(body: &[u8]) -> Result<(Vec<TagDetail>, bool), String> {
    let page: Page = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let details = page.tags.into_iter().filter_map(detail).collect();
    Ok((details, page.has_additional))
}

fn detail(tag: Tag) -> Option<TagDetail> {
    let name = tag.name.filter(|n| is_valid_tag(n))?;
    let pushed = tag
        .last_modified
        .as_deref()
        .and_then(dates::normalise)
        .or_else(|| {
            tag.start_ts
                .and_then(|s| s.checked_mul(1000))
                .and_then(|ms| dates::from_millis(&ms.to_string()))
        });
    Some(TagDetail {
        name,
        pushed,
        digest: tag
            .manifest_digest
            .as_deref()
            .and_then(|d| Digest::parse(d).ok()),
        size: tag.size,
        // Quay says only whether it is a list; the page shows the type from the manifest.
        media_type: tag
            .is_manifest_list
            .filter(|list| *list)
            .map(|_| "application/vnd.docker.distribution.manifest.list.v2+json".to_string()),
        ..TagDetail::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_quay_page_with_rfc_2822_dates() {
        let digest = format!("sha256:{}", "c".repeat(64));
        let body = format!(
            r#"{{"tags":[{{"name":"v1","reversion":false,"start_ts":1710965467,
            "manifest_digest":"{digest}","is_manifest_list":false,"size":2811478,
            "last_modified":"Wed, 20 Mar 2024 20:11:07 -0000"}},
            {{"name":"v0","start_ts":1710965400}},{{"name":null}},{{"name":"-x"}}],
            "page":1,"has_additional":true}}"#
        );
        let (details, more) = read(body.as_bytes()).unwrap();
        assert!(more);
        assert_eq!(details.len(), 2);
        assert_eq!(details[0].pushed.as_deref(), Some("2024-03-20T20:11:07Z"));
        assert_eq!(details[0].size, Some(2_811_478));
        assert_eq!(
            details[0].digest.as_ref().map(ToString::to_string),
            Some(digest)
        );
        assert_eq!(details[1].pushed.as_deref(), Some("2024-03-20T20:10:00Z"));
        let (_, more) = read(br#"{"tags":[],"page":3,"has_additional":false}"#).unwrap();
        assert!(!more);
        assert!(read(b"<html>").is_err());
    }
}
