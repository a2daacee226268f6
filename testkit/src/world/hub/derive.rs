//! The Hub's view derived from the registry's content, so the two always agree: one tag
//! object per stored tag (per-platform images with the manifest digest, compressed layer
//! size and status; times from the push time), one repository entry per `ns/name`, plus the
//! repositories that exist only in the Hub API's listing.

use std::collections::BTreeMap;

use serde_json::Value;

use super::content::{DESCRIBED, NAMESPACE, PRIVATE_REPO, listed_only_names};
use super::meta::{DAY_MICROS, EPOCH_MICROS, HubImage, HubRepo, HubTag, Micros};
use crate::world::store::{Repo, Store, StoredManifest};

/// The one tag whose status is `inactive` (not pulled for a month, as Hub marks them).
pub const INACTIVE_TAG: &str = "build-0000";

fn layers_size(manifest: &Value) -> u64 {
    manifest["layers"].as_array().map_or(0, |layers| {
        layers.iter().filter_map(|l| l["size"].as_u64()).sum()
    })
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(String::from)
}

/// The image entry for a platform manifest; `platform` from the list entry, else the config.
fn image(
    repo: &Repo,
    manifest: &StoredManifest,
    platform: Option<&Value>,
    pushed: Micros,
) -> HubImage {
    let json = manifest.json();
    let config = platform.cloned().unwrap_or_else(|| {
        json["config"]["digest"]
            .as_str()
            .and_then(|d| repo.blobs.get(d))
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .unwrap_or(Value::Null)
    });
    HubImage {
        os: text(&config["os"]).unwrap_or_else(|| "unknown".into()),
        architecture: text(&config["architecture"]).unwrap_or_else(|| "unknown".into()),
        variant: text(&config["variant"]),
        os_version: text(&config["os.version"]).or_else(|| text(&config["os_version"])),
        digest: manifest.digest.clone(),
        size: layers_size(&json),
        status: "active".into(),
        last_pushed: pushed,
        last_pulled: pushed + 2 * DAY_MICROS,
    }
}

fn tags_of(repo: &Repo, repository_id: u64, first_id: u64) -> Vec<HubTag> {
    let mut tags = Vec::new();
    for (i, stored) in repo.tags.iter().enumerate() {
        let Some(manifest) = repo.manifests.get(&stored.digest) else {
            continue;
        };
        // Push times are whole minutes; the Hub's carry microseconds.
        let pushed = stored.pushed_ms as Micros * 1000 + (i as Micros * 7_919) % 1_000_000;
        let images = if manifest.is_list() {
            let json = manifest.json();
            json["manifests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|entry| {
                    let child = repo.manifests.get(entry["digest"].as_str()?)?;
                    Some(image(repo, child, Some(&entry["platform"]), pushed))
                })
                .collect()
        } else {
            vec![image(repo, manifest, None, pushed)]
        };
        let inactive = stored.name == INACTIVE_TAG;
        let mut tag = HubTag {
            name: stored.name.clone(),
            id: first_id + i as u64,
            repository_id,
            digest: manifest.digest.clone(),
            media_type: manifest.media_type.clone(),
            images,
            last_pushed: pushed,
            last_pulled: pushed + 3 * DAY_MICROS,
            status: if inactive { "inactive" } else { "active" }.into(),
        };
        if inactive {
            tag.images
                .iter_mut()
                .for_each(|i| i.status = "inactive".into());
        }
        tags.push(tag);
    }
    tags
}

/// Every Hub repository and, by full name, its tags.
pub fn hub_view(store: &Store) -> (Vec<HubRepo>, BTreeMap<String, Vec<HubTag>>) {
    let mut repos = Vec::new();
    let mut all_tags = BTreeMap::new();
    let mut next_id = 40_000_000u64;
    for name in store.repositories() {
        let Some((ns, short)) = name.split_once('/').filter(|(_, s)| !s.contains('/')) else {
            continue; // Docker Hub names are exactly `namespace/name`.
        };
        next_id += 1;
        let id = next_id;
        let tags = store
            .read(&name, |r| tags_of(r, id, id * 1000))
            .unwrap_or_default();
        let (description, stars, pulls) = DESCRIBED
            .iter()
            .find(|(n, ..)| *n == name)
            .map_or(("", 0, 0), |(_, d, s, p)| (*d, *s, *p));
        let mut media_types: Vec<String> = Vec::new();
        for tag in &tags {
            if !media_types.contains(&tag.media_type) {
                media_types.push(tag.media_type.clone());
            }
        }
        repos.push(HubRepo {
            namespace: ns.into(),
            name: short.into(),
            repository_type: Some("image".into()),
            description: description.into(),
            is_private: name == PRIVATE_REPO,
            star_count: stars,
            pull_count: pulls,
            last_updated: tags
                .iter()
                .map(|t| t.last_pushed)
                .max()
                .unwrap_or(EPOCH_MICROS),
            date_registered: EPOCH_MICROS - 900 * DAY_MICROS + id as Micros % 1000 * 1_000_003,
            storage_size: tags.iter().flat_map(|t| &t.images).map(|i| i.size).sum(),
            categories: if ns == "library" {
                vec![("Operating systems".into(), "operating-systems".into())]
            } else {
                Vec::new()
            },
            media_types,
        });
        all_tags.insert(name, tags);
    }
    for (i, name) in listed_only_names().into_iter().enumerate() {
        let updated = EPOCH_MICROS - ((i * 53 % 127) as Micros) * DAY_MICROS - i as Micros * 7_919;
        repos.push(HubRepo {
            namespace: NAMESPACE.into(),
            name,
            repository_type: match i % 40 {
                17 => None,
                29 => Some("plugin".into()),
                _ => Some("image".into()),
            },
            description: format!("Fixture repository number {i}."),
            is_private: false,
            star_count: (i * 7 % 50) as u64,
            pull_count: (i * 7_919 % 100_000) as u64,
            last_updated: updated,
            date_registered: updated - 400 * DAY_MICROS,
            storage_size: 0,
            categories: Vec::new(),
            media_types: Vec::new(),
        });
    }
    (repos, all_tags)
}
