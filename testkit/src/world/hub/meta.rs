//! What `hub.docker.com` knows about repositories and tags, and how it spells it: the
//! captured JSON shapes (not the published OpenAPI schema, which is wrong about tags), times
//! with microseconds (`2023-06-20T10:44:45.459826Z`).

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

/// Microseconds since the epoch: every Hub time is kept this way and formatted on the way out.
pub type Micros = i64;

/// 2023-06-20T10:44:45.459826Z, the time REGISTRIES.md quotes: fixtures count from it.
pub const EPOCH_MICROS: Micros = 1_687_257_885_459_826;
pub const DAY_MICROS: Micros = 86_400_000_000;

/// `2023-06-20T10:44:45.459826Z`.
pub fn hub_time(micros: Micros) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .expect("fixture time in range");
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    ))
    .expect("time formats")
}

/// `2024-03-20T20:08:27Z`: per-image `last_pushed` has no fraction in captures.
pub fn hub_time_seconds(micros: Micros) -> String {
    let at = OffsetDateTime::from_unix_timestamp(micros / 1_000_000).expect("fixture time");
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .expect("time formats")
}

/// One repository as the Hub API lists it.
#[derive(Clone, Debug)]
pub struct HubRepo {
    pub namespace: String,
    pub name: String,
    /// `"image"`, `"plugin"` or `None` (JSON null, seen on old repositories).
    pub repository_type: Option<String>,
    pub description: String,
    pub is_private: bool,
    pub star_count: u64,
    pub pull_count: u64,
    pub last_updated: Micros,
    pub date_registered: Micros,
    pub storage_size: u64,
    pub categories: Vec<(String, String)>,
    pub media_types: Vec<String>,
}

impl HubRepo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The entry of `GET /v2/namespaces/{ns}/repositories`.
    pub fn to_json(&self) -> Value {
        let categories: Vec<Value> = self
            .categories
            .iter()
            .map(|(name, slug)| json!({ "name": name, "slug": slug }))
            .collect();
        json!({
            "name": self.name,
            "namespace": self.namespace,
            "repository_type": self.repository_type,
            "status": 1,
            "status_description": "active",
            "description": self.description,
            "is_private": self.is_private,
            "star_count": self.star_count,
            "pull_count": self.pull_count,
            "last_updated": hub_time(self.last_updated),
            "last_modified": hub_time(self.last_updated),
            "date_registered": hub_time(self.date_registered),
            "affiliation": "",
            "media_types": self.media_types,
            "content_types": ["image"],
            "categories": categories,
            "storage_size": self.storage_size,
        })
    }
}

/// One platform image of a tag (`images[]`).
#[derive(Clone, Debug)]
pub struct HubImage {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub os_version: Option<String>,
    pub digest: String,
    /// Compressed size of the layers.
    pub size: u64,
    pub status: String,
    pub last_pushed: Micros,
    pub last_pulled: Micros,
}

impl HubImage {
    fn to_json(&self) -> Value {
        json!({
            "architecture": self.architecture,
            "features": "",
            "variant": self.variant,
            "digest": self.digest,
            "os": self.os,
            "os_features": "",
            "os_version": self.os_version,
            "size": self.size,
            "status": self.status,
            "last_pulled": hub_time(self.last_pulled),
            "last_pushed": hub_time_seconds(self.last_pushed),
        })
    }
}

/// One tag as the Hub API shows it.
#[derive(Clone, Debug)]
pub struct HubTag {
    pub name: String,
    pub id: u64,
    pub repository_id: u64,
    pub digest: String,
    pub media_type: String,
    pub images: Vec<HubImage>,
    pub last_pushed: Micros,
    pub last_pulled: Micros,
    pub status: String,
}

/// The account that pushes every fixture (`creator`, `last_updater`).
pub const PUSHER_ID: u64 = 936_126;
pub const PUSHER_NAME: &str = "ladingci";

impl HubTag {
    /// `full_size`: Hub reports the first (amd64) image's size for a list.
    pub fn full_size(&self) -> u64 {
        self.images.first().map_or(0, |i| i.size)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "creator": PUSHER_ID,
            "id": self.id,
            "images": self.images.iter().map(HubImage::to_json).collect::<Vec<_>>(),
            "last_updated": hub_time(self.last_pushed),
            "last_updater": PUSHER_ID,
            "last_updater_username": PUSHER_NAME,
            "name": self.name,
            "repository": self.repository_id,
            "full_size": self.full_size(),
            "v2": true,
            "tag_status": self.status,
            "tag_last_pulled": hub_time(self.last_pulled),
            "tag_last_pushed": hub_time(self.last_pushed),
            "media_type": self.media_type,
            "content_type": "image",
            "digest": self.digest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_spelled_like_the_hub() {
        assert_eq!(hub_time(EPOCH_MICROS), "2023-06-20T10:44:45.459826Z");
        assert_eq!(hub_time_seconds(EPOCH_MICROS), "2023-06-20T10:44:45Z");
        assert_eq!(
            hub_time(EPOCH_MICROS - 459_826),
            "2023-06-20T10:44:45.000000Z"
        );
    }
}
