//! The app under fault: an in-process `lading` with short time limits, calls that tolerate a
//! body that breaks (a download must fail rather than complete), and the checks every fault
//! test ends with: a typed, explained error, then a healthy answer from the same app.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use lading::guard::AllowedHost;
use lading::limits::Limits;
use lading::{AppState, Settings, app};
use lading_shared::layer::ListingEvent;
use lading_testkit::{FAULT_FILE, FAULT_REPO, FaultRegistry};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::{Listing, RawAnswer, encode};

/// Limits shrunk so stalls and drips end in seconds, not minutes (the defaults are 20 s idle,
/// 60 s per request and per answer); wide enough that a loaded 2-core machine never trips them
/// on a healthy loopback answer.
pub fn short_limits() -> Limits {
    Limits {
        idle_read: Duration::from_secs(2),
        upstream_request: Duration::from_secs(4),
        answer: Duration::from_secs(8),
        ..Limits::default()
    }
}

/// A drip slower than [`short_limits`]' idle read: a stall.
pub const STALLING_DRIP: Duration = Duration::from_secs(3);
/// A drip fast enough for the idle read, too slow for any whole-request limit.
pub const FAST_DRIP: Duration = Duration::from_millis(250);

pub struct App {
    router: axum::Router,
}

/// A download: the status and headers, and the body or how it broke.
pub struct Download {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Result<Vec<u8>, String>,
}

impl Download {
    /// The JSON error of a download refused before its first byte.
    pub fn error(&self) -> Value {
        let body = self.body.as_ref().expect("an error answer is complete");
        serde_json::from_slice(body).unwrap_or_else(|e| {
            panic!(
                "{}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(body)
            )
        })
    }
}

impl App {
    /// `lading` allowing any loopback port, with [`short_limits`].
    pub fn new() -> App {
        App::with_limits(short_limits())
    }

    pub fn with_limits(limits: Limits) -> App {
        let settings = Settings {
            allow_hosts: vec!["127.0.0.1".parse::<AllowedHost>().unwrap()],
            limits,
            ..Settings::default()
        };
        App {
            router: app(AppState::new(settings).expect("state")),
        }
    }

    pub async fn call(&self, path_and_query: &str) -> Download {
        let request = Request::get(path_and_query).body(Body::empty()).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map(|b| b.to_vec())
            .map_err(|e| e.to_string());
        Download {
            status,
            headers,
            body,
        }
    }

    pub async fn json(&self, path_and_query: &str) -> (StatusCode, Value) {
        let answer = self.call(path_and_query).await;
        (answer.status, answer.error())
    }

    pub async fn image(&self, reference: &str) -> (StatusCode, Value) {
        self.json(&format!("/api/image?ref={}", encode(reference)))
            .await
    }

    pub async fn tags(&self, registry: &FaultRegistry) -> (StatusCode, Value) {
        let repo = format!("{}/{FAULT_REPO}", registry.host());
        self.json(&format!("/api/tags?repo={}", encode(&repo)))
            .await
    }

    /// `/api/layer` of the registry's layer: a JSON error before the stream, or the stream.
    pub async fn layer(&self, registry: &FaultRegistry) -> Result<Listing, Value> {
        let path = format!(
            "/api/layer?ref={}&digest={}",
            encode(&registry.reference()),
            registry.image().layer_digest
        );
        let answer = self.call(&path).await;
        let body = answer.body.expect("listings end in an event, never a cut");
        if answer.status != StatusCode::OK {
            return Err(serde_json::from_slice(&body).expect("a JSON error"));
        }
        Ok(Listing::parse(&RawAnswer {
            status: answer.status,
            headers: answer.headers,
            body,
        }))
    }

    /// The `ApiError` a failed listing ended in, before or inside the stream; panics if the
    /// listing ended in `Done` (whatever its `verified`).
    pub async fn layer_failure(&self, registry: &FaultRegistry) -> Value {
        match self.layer(registry).await {
            Err(error) => error,
            Ok(listing) => match &listing.last {
                ListingEvent::Error(error) => serde_json::to_value(error).unwrap(),
                other => panic!("a faulty layer listed as {other:?}"),
            },
        }
    }

    pub async fn blob(&self, registry: &FaultRegistry, digest: &str) -> Download {
        let path = format!(
            "/api/blob?ref={}&digest={digest}",
            encode(&registry.reference())
        );
        self.call(&path).await
    }

    /// `/api/file` download of [`FAULT_FILE`] in the layer.
    pub async fn file(&self, registry: &FaultRegistry) -> Download {
        let path = format!(
            "/api/file?ref={}&digest={}&path=/{FAULT_FILE}",
            encode(&registry.reference()),
            registry.image().layer_digest
        );
        self.call(&path).await
    }

    /// After a fault: the same app answers a healthy registry fully and correctly.
    pub async fn assert_healthy(&self, healthy: &FaultRegistry) {
        let image = healthy.image();
        let (status, json) = self.image(&healthy.reference()).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "healthy image after a fault: {json}"
        );
        assert_eq!(json["digest"], image.manifest_digest.as_str());
        // A config is answered only once it hashed to its digest (`fetch_blob`).
        assert_eq!(
            json["config"]["digest"],
            image.config_digest.as_str(),
            "{json}"
        );
        assert!(json.get("config_error").is_none(), "{json}");
        let (status, json) = self.tags(healthy).await;
        assert_eq!(status, StatusCode::OK, "healthy tags after a fault: {json}");
        let listing = self.layer(healthy).await.expect("healthy layer lists");
        assert!(listing.done().verified, "healthy layer verified");
        assert!(
            listing
                .entries
                .iter()
                .any(|e| e.path == format!("/{FAULT_FILE}"))
        );
        let blob = self.blob(healthy, &image.layer_digest).await;
        assert_eq!(blob.status, StatusCode::OK);
        assert_eq!(blob.body.as_deref().ok(), Some(&image.layer[..]));
        let file = self.file(healthy).await;
        assert_eq!(file.body.as_deref().ok(), Some(image.file_text.as_bytes()));
    }
}

/// A typed, explained error: `kind`, and a message that says each of `says` (any case).
pub fn assert_error(error: &Value, kind: &str, says: &[&str]) {
    assert_eq!(error["kind"], kind, "{error:#}");
    let message = error["message"].as_str().unwrap_or_default().to_lowercase();
    for phrase in says {
        assert!(
            message.contains(&phrase.to_lowercase()),
            "the message should say {phrase:?}: {message}"
        );
    }
    assert!(error["trace"].is_array(), "errors carry their trace");
}

/// A download that must not complete: refused before its first byte (a JSON error of
/// `kind`), or cut mid-way. Never a complete body with a 200.
pub fn assert_download_fails(download: &Download, kind: &str) {
    match &download.body {
        Err(_) => assert_eq!(download.status, StatusCode::OK, "a cut stream"),
        Ok(body) if download.status == StatusCode::OK => panic!(
            "a faulty download completed ({} bytes): a client would keep a wrong file",
            body.len()
        ),
        Ok(_) => assert_eq!(download.error()["kind"], kind, "{}", download.status),
    }
}
