//! gcr.io and Artifact Registry (`*.pkg.dev`) extend `tags/list` with a `manifest` map —
//! `{digest: {imageSizeBytes, mediaType, tag: [...], timeCreatedMs, timeUploadedMs}}`,
//! numbers written as strings — and `child` (the repositories below this one). Read from the
//! page Lading fetched anyway: creation dates for free.

use std::collections::{BTreeMap, HashSet};

use lading_shared::Digest;
use lading_shared::api::TagDetail;
use lading_shared::reference::is_valid_tag;
use serde::{Deserialize, Deserializer};

use super::dates;

/// Whether `host` is Google's (gcr.io, its regional hosts, Artifact Registry).
pub fn is_google(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or(host);
    host == "gcr.io"
        || host.ends_with(".gcr.io")
        || host.ends_with("-docker.pkg.dev")
        || host.ends_with(".pkg.dev")
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    manifest: Option<BTreeMap<String, Entry>>,
    #[serde(default)]
    child: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default, deserialize_with = "text_or_number")]
    image_size_bytes: Option<String>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    tag: Option<Vec<Option<String>>>,
    #[serde(default, deserialize_with = "text_or_number")]
    time_created_ms: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    time_uploaded_ms: Option<String>,
}

/// What one page's extension says: a detail per tag (at most `limit` in all) and how many
/// child repositories it lists.
#[derive(Debug, Default)]
pub struct GooglePage {
    pub details: Vec<TagDetail>,
    pub children: usize,
}

/// Reads the extension of a `tags/list` body; a body without it gives nothing, and one whose
/// extension is malformed gives an error for `detail_error` (the tags still count).
pub fn read(body: &[u8], limit: usize) -> Result<GooglePage, serde_json::Error> {
    let page: Page = serde_json::from_slice(body)?;
    let mut read = GooglePage {
        children: page.child.map_or(0, |c| c.len()),
        ..GooglePage::default()
    };
    let mut seen = HashSet::new();
    for (digest, entry) in page.manifest.into_iter().flatten() {
        let digest = Digest::parse(&digest).ok();
        for name in entry.tag.iter().flatten().flatten() {
            if read.details.len() >= limit {
                return Ok(read);
            }
            if !is_valid_tag(name) || !seen.insert(name.clone()) {
                continue;
            }
            read.details.push(TagDetail {
                name: name.clone(),
                created: entry
                    .time_created_ms
                    .as_deref()
                    .and_then(dates::from_millis),
                pushed: entry
                    .time_uploaded_ms
                    .as_deref()
                    .and_then(dates::from_millis),
                digest: digest.clone(),
                media_type: entry.media_type.clone().filter(|m| !m.is_empty()),
                size: entry
                    .image_size_bytes
                    .as_deref()
                    .and_then(|s| s.parse().ok()),
                ..TagDetail::default()
            });
        }
    }
    Ok(read)
}

/// `"123"` or `123` (gcr.io writes strings; a number is accepted all the same).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Number(u64),
    }
    Ok(match Option::<Either>::deserialize(d)? {
        Some(Either::Text(text)) => Some(text),
        Some(Either::Number(n)) => Some(n.to_string()),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_manifest_map_with_numbers_as_strings() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let body = format!(
            r#"{{"child":["sub","other"],"manifest":{{"{digest}":{{"imageSizeBytes":"2811478",
            "layerId":"","mediaType":"application/vnd.docker.distribution.manifest.v2+json",
            "tag":["3.9","latest",null,"sha256:x"],"timeCreatedMs":"1710965467183",
            "timeUploadedMs":1710965468000}},"sha256:junk":{{"tag":["latest"]}}}},
            "name":"p/alpine","tags":["3.9","latest"]}}"#
        );
        let page = read(body.as_bytes(), 100).unwrap();
        assert_eq!(page.children, 2);
        let names: Vec<_> = page.details.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["3.9", "latest"]);
        let first = &page.details[0];
        assert_eq!(first.created.as_deref(), Some("2024-03-20T20:11:07Z"));
        assert_eq!(first.pushed.as_deref(), Some("2024-03-20T20:11:08Z"));
        assert_eq!(first.size, Some(2_811_478));
        assert_eq!(first.digest.as_ref().map(ToString::to_string), Some(digest));
        assert!(first.media_type.as_deref().unwrap().contains("manifest.v2"));
        assert_eq!(read(body.as_bytes(), 1).unwrap().details.len(), 1);
        assert!(read(br#"{"tags":["a"]}"#, 10).unwrap().details.is_empty());
        assert!(read(br#"{"manifest":[1]}"#, 10).is_err());
    }

    #[test]
    fn google_hosts() {
        for host in [
            "gcr.io",
            "eu.gcr.io",
            "us-docker.pkg.dev",
            "europe-west1-docker.pkg.dev",
        ] {
            assert!(is_google(host), "{host}");
        }
        for host in ["ghcr.io", "gcr.io.example", "pkg.dev.example", "notgcr.io"] {
            assert!(!is_google(host), "{host}");
        }
    }
}
