//! Tag lists, tag details and catalogs against every vendor World (real host names over
//! TLS, trusted with `--ca-cert`): every page read, dates where the vendor gives them, no
//! catalog where there is none, Docker Hub namespaces through the Hub API.

mod catalog;
mod details;
mod hub;
mod tags;

use std::time::Duration;

use base64::Engine as _;
use lading_testkit::{LadingProcess, Vendor, World};
use serde_json::Value;

/// A cold debug lading and a TLS World on a loaded 2-core machine.
const TIMEOUT: Duration = Duration::from_secs(90);

/// A World and the lading that trusts it.
pub struct Stand {
    pub world: World,
    pub lading: LadingProcess,
}

impl Stand {
    pub fn start(vendor: Vendor) -> Stand {
        let world = World::start(vendor);
        let lading = world.lading(&crate::lading_bin(), &[]);
        Stand { world, lading }
    }

    /// `GET` an API path with optional registry and Hub credentials: status and JSON.
    pub async fn get(
        &self,
        path_and_query: &str,
        registry: Option<(&str, &str)>,
        hub: Option<(&str, &str)>,
    ) -> (u16, Value, String) {
        let client = reqwest::Client::builder().timeout(TIMEOUT).build().unwrap();
        let mut request = client.get(format!("{}{path_and_query}", self.lading.base_url()));
        if let Some((user, password)) = registry {
            request = request.header(
                lading_shared::api::CREDENTIALS_HEADER,
                encode(user, password),
            );
        }
        if let Some((user, password)) = hub {
            request = request.header(
                lading_shared::api::HUB_CREDENTIALS_HEADER,
                encode(user, password),
            );
        }
        let response = request.send().await.expect("lading answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        (status, json, text)
    }

    /// `/api/tags` of `repository` (on this World's registry).
    pub async fn tags(&self, repository: &str, registry: Option<(&str, &str)>) -> Value {
        let repo = format!("{}/{repository}", self.world.registry());
        let (status, json, _) = self.get(&tags_path(&repo), registry, None).await;
        assert_eq!(status, 200, "{json}");
        json
    }

    /// `/api/tags` anonymously, or with the World's credentials where the vendor wants them
    /// even for a public repository (ECR).
    pub async fn tags_as_needed(&self, repository: &str) -> Value {
        let repo = format!("{}/{repository}", self.world.registry());
        let (status, json, _) = self.get(&tags_path(&repo), None, None).await;
        if status == 401 && self.credentials().is_some() {
            return self.tags(repository, self.credentials()).await;
        }
        assert_eq!(status, 200, "{json}");
        json
    }

    /// The World's credentials, if it has any.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.world
            .fixtures()
            .credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }
}

pub fn tags_path(repo: &str) -> String {
    format!("/api/tags?repo={}", query(repo))
}

pub fn catalog_path(registry: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!(
            "/api/catalog?registry={}&namespace={}",
            query(registry),
            query(ns)
        ),
        None => format!("/api/catalog?registry={}", query(registry)),
    }
}

fn query(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn encode(user: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// The strings of a JSON array.
pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Whether `text` is RFC 3339 UTC to the second (`2024-03-20T20:11:07Z`).
pub fn is_utc_seconds(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 20
        && b[4] == b'-'
        && b[10] == b'T'
        && b[19] == b'Z'
        && text.chars().filter(char::is_ascii_digit).count() == 14
}
