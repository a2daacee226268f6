//! A real `docker-registry` behind a counting relay, and Lading in-process pointed at the
//! relay, its registry client kept at hand (to withdraw a proof as its expiry would).

use std::sync::Arc;

use lading::guard::AllowedHost;
use lading::registry::Upstream;
use lading::registry::access::{ContentScope, Identity};
use lading::{AppState, Settings};
use lading_testkit::Registry;
use lading_testkit::fixtures::media_types::{OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};
use lading_testkit::fixtures::{
    Blob, CREATED, ImageSpec, PushedImage, PushedIndex, base_layer, push_image, push_index,
};
use serde_json::json;

use crate::support::relay::Relay;
use crate::support::{Answer, Lading, encode};

/// The platforms of the five-platform index.
pub const PLATFORMS: [(&str, Option<&str>); 5] = [
    ("amd64", None),
    ("arm64", Some("v8")),
    ("arm", Some("v7")),
    ("ppc64le", None),
    ("s390x", None),
];

pub struct Stand {
    pub registry: Registry,
    pub relay: Relay,
    pub upstream: Arc<Upstream>,
    lading: Lading,
}

/// A five-platform OCI index, pushed.
pub struct FivePlatforms {
    pub index: PushedIndex,
    pub children: Vec<PushedImage>,
}

impl Stand {
    pub fn start() -> Stand {
        let registry = Registry::plain();
        let relay = Relay::start(registry.base_url());
        let settings = Settings {
            allow_hosts: vec![relay.host().parse::<AllowedHost>().unwrap()],
            ..Default::default()
        };
        let state = AppState::new(settings).expect("state");
        Stand {
            registry,
            relay,
            upstream: state.upstream.clone(),
            lading: Lading::of(state),
        }
    }

    /// `RELAY/repo` + `suffix` (`:tag` or `@digest`).
    pub fn reference(&self, repo: &str, suffix: &str) -> String {
        format!("{}/{repo}{suffix}", self.relay.host())
    }

    pub async fn image(&self, reference: &str, credentials: Option<(&str, &str)>) -> Answer {
        let path = format!("/api/image?ref={}", encode(reference));
        self.lading.get(&path, credentials).await
    }

    /// The anonymous scope of `repo` on the relay's registry.
    pub fn anonymous_scope(&self, repo: &str) -> ContentScope {
        ContentScope {
            registry: self.relay.host(),
            repository: repo.to_string(),
            identity: Identity::Anonymous,
        }
    }

    /// Pushes five platform images by digest and an index of them as `repo:tag`.
    pub async fn push_five_platforms(&self, repo: &str, tag: &str) -> FivePlatforms {
        let pusher = self.registry.pusher();
        let mut children = Vec::new();
        let mut entries = Vec::new();
        for (seed, (arch, variant)) in PLATFORMS.iter().enumerate() {
            let layer = base_layer(40 + seed as u64).build();
            let mut platform = json!({ "architecture": arch, "os": "linux" });
            if let Some(variant) = variant {
                platform["variant"] = json!(variant);
            }
            let mut config = platform.clone();
            config["created"] = json!(CREATED);
            config["rootfs"] = json!({ "type": "layers", "diff_ids": [layer.diff_id] });
            let spec = ImageSpec::new(
                OCI_MANIFEST,
                Blob::json(OCI_CONFIG, &config),
                vec![layer.blob],
            );
            let image = push_image(&pusher, repo, None, &spec).await;
            entries.push(image.manifest.clone().with_platform(platform));
            children.push(image);
        }
        let index = push_index(&pusher, repo, Some(tag), OCI_INDEX, entries).await;
        FivePlatforms { index, children }
    }
}

/// The `(method, url path)` of each exchange of an answer's trace.
pub fn traced(answer: &Answer) -> Vec<(String, String)> {
    answer
        .exchanges()
        .into_iter()
        .map(|(method, _, url)| {
            let path = url::Url::parse(&url).unwrap().path().to_string();
            (method, path)
        })
        .collect()
}

/// What an answer's registry notes say came from Lading's cache: `(what, digest)`.
pub fn from_cache(answer: &Answer) -> Vec<(String, String)> {
    answer.json["registry_notes"]["from_cache"]
        .as_array()
        .map(|reads| {
            reads
                .iter()
                .map(|r| {
                    let what = r["what"].as_str().unwrap().to_string();
                    (what, r["digest"].as_str().unwrap().to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}
