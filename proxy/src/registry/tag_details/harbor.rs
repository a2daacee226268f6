//! Harbor's REST API: `/api/v2.0/projects/{project}/repositories/{repo}/artifacts?with_tag=true`
//! → a JSON array of artifacts with `tags[] {name, push_time}`, `push_time`, `digest`,
//! `size` and `manifest_media_type`. A nested repository name is URL-encoded twice
//! (`a/b` → `a%252Fb`), as Harbor's API reference says.

use lading_shared::Digest;
use lading_shared::api::TagDetail;
use lading_shared::reference::is_valid_tag;
use serde::Deserialize;

use super::{MAX_DETAIL_TEXT, MAX_DETAILS, dates, rest_pages};
use crate::error::ProxyError;
use crate::registry::Session;

/// Artifacts a page (Harbor's maximum is 100).
pub const HARBOR_PAGE_SIZE: usize = 100;

#[derive(Deserialize)]
struct Artifact {
    #[serde(default)]
    digest: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    manifest_media_type: Option<String>,
    #[serde(default)]
    push_time: Option<String>,
    #[serde(default)]
    tags: Option<Vec<Tag>>,
}

#[derive(Deserialize)]
struct Tag {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    push_time: Option<String>,
}

impl Session {
    pub(super) async fn harbor_details(
        &self,
        repository: &str,
    ) -> Result<(Vec<TagDetail>, bool), ProxyError> {
        let Some((project, name)) = repository.split_once('/') else {
            return Ok((Vec::new(), false));
        };
        let name = twice_encoded(name);
        let page = |number: u32| {
            let mut url = self.base.clone();
            // Set whole: `set_path` would decode nothing but must keep `%25` as written.
            url.set_path(&format!(
                "/api/v2.0/projects/{project}/repositories/{name}/artifacts"
            ));
            url.query_pairs_mut()
                .append_pair("with_tag", "true")
                .append_pair("page", &number.to_string())
                .append_pair("page_size", &HARBOR_PAGE_SIZE.to_string());
            url
        };
        rest_pages(self, "Harbor REST API: artifacts", page, read).await
    }
}

/// `a/b` → `a%252Fb`: Harbor decodes the path segment once more after routing.
fn twice_encoded(name: &str) -> String {
    name.replace('/', "%252F")
}

fn read(body: &[u8]) -> Result<(Vec<TagDetail>, bool), String> {
    let artifacts: Vec<Artifact> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    // A full page may have a next one; Harbor's `Link` and `X-Total-Count` say the same.
    let more = artifacts.len() >= HARBOR_PAGE_SIZE;
    let mut details = Vec::new();
    for mut artifact in artifacts {
        // Copied into every tag of the artifact: bounded before the copies, not after.
        let long = |t: &Option<String>| t.as_ref().is_some_and(|t| t.len() > MAX_DETAIL_TEXT);
        if long(&artifact.manifest_media_type) {
            artifact.manifest_media_type = None;
        }
        if long(&artifact.push_time) {
            artifact.push_time = None;
        }
        if details.len() >= MAX_DETAILS {
            break;
        }
        let digest = artifact
            .digest
            .as_deref()
            .and_then(|d| Digest::parse(d).ok());
        for tag in artifact.tags.into_iter().flatten() {
            let Some(name) = tag.name.filter(|n| is_valid_tag(n)) else {
                continue;
            };
            let pushed = tag.push_time.or_else(|| artifact.push_time.clone());
            details.push(TagDetail {
                name,
                pushed: pushed.as_deref().and_then(dates::normalise),
                digest: digest.clone(),
                media_type: artifact
                    .manifest_media_type
                    .clone()
                    .filter(|m| !m.is_empty()),
                size: artifact.size,
                ..TagDetail::default()
            });
        }
    }
    Ok((details, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_artifacts_with_their_tags() {
        let digest = format!("sha256:{}", "d".repeat(64));
        let body = format!(
            r#"[{{"digest":"{digest}","size":1234,"push_time":"2024-03-20T20:11:07.183Z",
            "manifest_media_type":"application/vnd.oci.image.manifest.v1+json",
            "tags":[{{"name":"v1","push_time":"2024-03-21T10:00:00.000Z"}},{{"name":"v2"}}]}},
            {{"digest":"{digest}","tags":null}}]"#
        );
        let (details, more) = read(body.as_bytes()).unwrap();
        assert!(!more);
        assert_eq!(details.len(), 2);
        assert_eq!(details[0].pushed.as_deref(), Some("2024-03-21T10:00:00Z"));
        assert_eq!(details[1].pushed.as_deref(), Some("2024-03-20T20:11:07Z"));
        assert_eq!(details[1].size, Some(1234));
        assert!(
            details[0]
                .media_type
                .as_deref()
                .unwrap()
                .contains("oci.image.manifest")
        );
    }

    #[test]
    fn nested_names_are_encoded_twice() {
        assert_eq!(twice_encoded("team/api"), "team%252Fapi");
        assert_eq!(twice_encoded("app"), "app");
    }
}
