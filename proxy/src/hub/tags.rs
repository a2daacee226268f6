//! A Docker Hub repository's tags as the web API describes them: last pushed, status, digest,
//! size and each platform's compressed size and digest — what the registry's `tags/list`
//! does not say.

use lading_shared::Digest;
use lading_shared::api::{TagDetail, TagImage};
use lading_shared::reference::is_valid_tag;

use super::types::{Image, Page, Tag};
use super::{HUB_PAGE_SIZE, Hub, HubPage};
use crate::error::ProxyError;
use crate::registry::tag_details::dates;

/// Pages of tag metadata read at most: 10,000 tags. Past it the rest of the tags are still
/// listed (from the registry), without details.
pub const MAX_HUB_TAG_PAGES: u32 = 100;

/// What was read, and whether the pages ran past the cap.
#[derive(Debug, Default)]
pub struct HubTags {
    pub details: Vec<TagDetail>,
    pub pages: u32,
    pub cut: bool,
}

impl Hub {
    /// Every tag's metadata of `namespace/repository`, up to [`MAX_HUB_TAG_PAGES`] pages.
    pub async fn list_tags(
        &self,
        namespace: &str,
        repository: &str,
    ) -> Result<HubTags, ProxyError> {
        let path = format!("/v2/namespaces/{namespace}/repositories/{repository}/tags");
        let mut read = HubTags::default();
        loop {
            if read.pages >= MAX_HUB_TAG_PAGES {
                read.cut = true;
                return Ok(read);
            }
            let number = read.pages + 1;
            let query = [
                ("page_size", HUB_PAGE_SIZE.to_string()),
                ("page", number.to_string()),
            ];
            let url = self.url(&path, &query);
            let note = format!("Hub API: tags of {namespace}/{repository}, page {number}");
            let body = match self.get_page(&url, &note).await? {
                HubPage::Body(body) => body,
                HubPage::NotFound if number > 1 => return Ok(read),
                HubPage::NotFound => {
                    return Err(ProxyError::BadUpstream(format!(
                        "Docker Hub's web API does not know {namespace}/{repository}"
                    )));
                }
            };
            let page: Page<Tag> = serde_json::from_slice(&body).map_err(|e| {
                ProxyError::BadUpstream(format!(
                    "Docker Hub's tag list is not the expected JSON: {e}"
                ))
            })?;
            read.pages = number;
            let empty = page.results.is_empty();
            read.details.extend(
                page.results
                    .into_iter()
                    .filter_map(detail)
                    .map(crate::registry::tag_details::bounded),
            );
            if read.details.len() >= crate::registry::tag_details::MAX_DETAILS {
                read.details
                    .truncate(crate::registry::tag_details::MAX_DETAILS);
                return Ok(read);
            }
            if page.next.is_none() || empty {
                return Ok(read);
            }
        }
    }
}

/// One tag object as a [`TagDetail`]; `None` without a valid tag name.
pub fn detail(tag: Tag) -> Option<TagDetail> {
    let name = tag.name.filter(|n| is_valid_tag(n))?;
    let pushed = tag
        .tag_last_pushed
        .as_deref()
        .and_then(dates::normalise)
        .or_else(|| tag.last_updated.as_deref().and_then(dates::normalise));
    Some(TagDetail {
        name,
        pushed,
        created: None,
        digest: tag.digest.as_deref().and_then(|d| Digest::parse(d).ok()),
        media_type: tag.media_type.filter(|m| !m.is_empty()),
        size: tag.full_size,
        status: tag.tag_status.filter(|s| !s.is_empty()),
        images: tag.images.into_iter().flatten().filter_map(image).collect(),
    })
}

fn image(image: Image) -> Option<TagImage> {
    Some(TagImage {
        os: image.os.filter(|s| !s.is_empty())?,
        architecture: image.architecture.filter(|s| !s.is_empty())?,
        variant: image.variant.filter(|s| !s.is_empty()),
        digest: image.digest.as_deref().and_then(|d| Digest::parse(d).ok()),
        size: image.size,
        status: image.status.filter(|s| !s.is_empty()),
        pushed: image.last_pushed.as_deref().and_then(dates::normalise),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The captured shape from REGISTRIES.md (linuxserver's `latest`).
    #[test]
    fn maps_a_captured_tag_object() {
        let digest = format!("sha256:{}", "b".repeat(64));
        let json = format!(
            r#"{{"creator":936126,"id":58126414,"images":[{{"architecture":"amd64","features":"",
            "variant":null,"digest":"{digest}","os":"linux","os_features":"","os_version":null,
            "size":301097210,"status":"active","last_pulled":"2026-08-19T14:17:37.982368528Z",
            "last_pushed":"2024-03-20T20:08:27Z"}},{{"architecture":"","os":"unknown"}}],
            "last_updated":"2024-03-20T20:11:07.183053Z","last_updater":936126,
            "last_updater_username":"linuxserverci","name":"latest","repository":7223431,
            "full_size":301097210,"v2":true,"tag_status":"active","tag_last_pulled":"x",
            "tag_last_pushed":"2024-03-20T20:11:07.183053Z",
            "media_type":"application/vnd.docker.distribution.manifest.list.v2+json",
            "content_type":"image","digest":"{digest}"}}"#
        );
        let tag: Tag = serde_json::from_str(&json).unwrap();
        let detail = detail(tag).unwrap();
        assert_eq!(detail.name, "latest");
        assert_eq!(detail.pushed.as_deref(), Some("2024-03-20T20:11:07Z"));
        assert_eq!(detail.size, Some(301_097_210));
        assert_eq!(detail.status.as_deref(), Some("active"));
        assert_eq!(
            detail.digest.as_ref().map(ToString::to_string),
            Some(digest)
        );
        assert_eq!(
            detail.images.len(),
            1,
            "an image without an architecture is dropped"
        );
        let image = &detail.images[0];
        assert_eq!(
            (image.os.as_str(), image.architecture.as_str()),
            ("linux", "amd64")
        );
        assert_eq!(image.variant, None);
        assert_eq!(image.pushed.as_deref(), Some("2024-03-20T20:08:27Z"));
        assert_eq!(image.size, Some(301_097_210));
    }

    #[test]
    fn falls_back_to_last_updated_and_drops_bad_names() {
        let tag: Tag =
            serde_json::from_str(r#"{"name":"3.9","last_updated":"2019-01-30T22:20:00.5Z"}"#)
                .unwrap();
        assert_eq!(
            detail(tag).unwrap().pushed.as_deref(),
            Some("2019-01-30T22:20:00Z")
        );
        let bad: Tag = serde_json::from_str(r#"{"name":"-bad"}"#).unwrap();
        assert!(detail(bad).is_none());
        let none: Tag = serde_json::from_str(r#"{"name":null}"#).unwrap();
        assert!(detail(none).is_none());
    }
}
