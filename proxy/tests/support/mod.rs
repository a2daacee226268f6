//! Calls the app in-process, as the browser would, and reads its JSON answers.

#![allow(dead_code)] // each test binary uses a different part of this module

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use lading::guard::AllowedHost;
use lading::{AppState, Settings, app};
use serde_json::Value;
use tower::ServiceExt;

/// The app under test, configured like `lading --allow-host …`.
pub struct Lading {
    router: axum::Router,
}

/// One API answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub json: Value,
}

impl Answer {
    /// The ordered `(method, status)` pairs of the trace.
    pub fn exchanges(&self) -> Vec<(String, Option<u64>, String)> {
        self.json["trace"]
            .as_array()
            .expect("every answer carries a trace")
            .iter()
            .map(|e| {
                (
                    e["method"].as_str().unwrap().to_string(),
                    e["status"].as_u64(),
                    e["url"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    pub fn kind(&self) -> &str {
        self.json["kind"].as_str().unwrap_or("<no kind>")
    }
}

impl Lading {
    pub fn allowing(hosts: &[&str]) -> Lading {
        let allow_hosts = hosts
            .iter()
            .map(|h| h.parse::<AllowedHost>().unwrap())
            .collect();
        Lading::with(Settings {
            allow_hosts,
            docker_config: None,
        })
    }

    pub fn with(settings: Settings) -> Lading {
        Lading {
            router: app(AppState::new(settings).expect("state")),
        }
    }

    pub async fn get(&self, path_and_query: &str, credentials: Option<(&str, &str)>) -> Answer {
        let mut request = Request::get(path_and_query);
        if let Some((user, password)) = credentials {
            let value =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            request = request.header(lading_shared::api::CREDENTIALS_HEADER, value);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{path_and_query}: not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        Answer { status, json }
    }

    pub async fn image(&self, reference: &str) -> Answer {
        self.get(&format!("/api/image?ref={}", encode(reference)), None)
            .await
    }

    pub async fn image_as(&self, reference: &str, user: &str, password: &str) -> Answer {
        self.get(
            &format!("/api/image?ref={}", encode(reference)),
            Some((user, password)),
        )
        .await
    }

    pub async fn tags(&self, repo: &str) -> Answer {
        self.get(&format!("/api/tags?repo={}", encode(repo)), None)
            .await
    }
}

pub fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
