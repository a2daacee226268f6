//! Calls the app in-process, as the browser would, and reads its JSON answers.

pub mod relay;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use lading::guard::AllowedHost;
use lading::{AppState, Settings, app};
use lading_shared::layer::{Entry, LayerInfo, ListingEvent, ListingSummary};
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
    /// The ordered `(method, status, url)` triples of the trace.
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

    /// Asserts the status and the error kind together (the body is shown when they differ),
    /// and returns the message.
    #[track_caller]
    pub fn assert_kind(&self, status: u16, kind: &str) -> &str {
        assert_eq!(
            (self.status.as_u16(), self.kind()),
            (status, kind),
            "{:#}",
            self.json
        );
        self.json["message"].as_str().unwrap_or_default()
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
            ..Default::default()
        })
    }

    pub fn with(settings: Settings) -> Lading {
        Lading::of(AppState::new(settings).expect("state"))
    }

    /// The app over a state the test keeps a handle on (its registry client, its caches).
    pub fn of(state: AppState) -> Lading {
        Lading { router: app(state) }
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

/// An answer whose body is not (or not only) one JSON value: NDJSON streams, downloads.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl RawAnswer {
    /// The body as one JSON value (error answers), panicking with the body if it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

impl Lading {
    /// GET without assuming the body's shape; the whole body is read.
    pub async fn get_raw(&self, path_and_query: &str) -> RawAnswer {
        let request = Request::get(path_and_query).body(Body::empty()).unwrap();
        self.send_raw(request).await
    }

    /// Sends `request` to the app and reads the whole answer.
    pub async fn send_raw(&self, request: Request<Body>) -> RawAnswer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        RawAnswer {
            status,
            headers,
            body,
        }
    }
}

impl Lading {
    /// GET as the client at `peer` ("203.0.113.7:40000"): the address a served app learns
    /// from the connection (`ConnectInfo`), which the per-client limits key on.
    pub async fn get_from(&self, peer: &str, path_and_query: &str) -> RawAnswer {
        let peer: std::net::SocketAddr = peer.parse().expect("peer address");
        let mut request = Request::get(path_and_query).body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.send_raw(request).await
    }
}

/// What a listing stream (`/api/layer`, `/api/merged`) said, checked for shape: `Start`
/// first, then entries and progress (never decreasing, never past `total_bytes`), then one
/// `Done` or `Error` as the last line.
pub struct Listing {
    pub start: ListingEvent,
    pub entries: Vec<Entry>,
    /// How many `Entries` lines carried them.
    pub batches: usize,
    pub last: ListingEvent,
}

impl Listing {
    pub fn parse(answer: &RawAnswer) -> Listing {
        let text = String::from_utf8_lossy(&answer.body);
        assert_eq!(answer.status, 200, "{text}");
        let events: Vec<ListingEvent> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let (Some(start), Some(last)) = (events.first(), events.last()) else {
            panic!("empty listing")
        };
        let ListingEvent::Start { total_bytes, .. } = start else {
            panic!("first line is not Start: {start:?}")
        };
        assert!(
            matches!(last, ListingEvent::Done(_) | ListingEvent::Error(_)),
            "last line: {last:?}"
        );
        let (mut entries, mut batches, mut read) = (Vec::new(), 0, 0);
        for event in &events[1..events.len() - 1] {
            match event {
                ListingEvent::Entries { entries: batch } => {
                    entries.extend(batch.iter().cloned());
                    batches += 1;
                }
                ListingEvent::Progress { read_bytes } => {
                    assert!(
                        read <= *read_bytes && read_bytes <= total_bytes,
                        "{event:?}"
                    );
                    read = *read_bytes;
                }
                other => panic!("unexpected mid-stream event {other:?}"),
            }
        }
        Listing {
            start: start.clone(),
            entries,
            batches,
            last: last.clone(),
        }
    }

    /// The `Done` summary: panics with the error if the listing failed.
    pub fn done(&self) -> &ListingSummary {
        match &self.last {
            ListingEvent::Done(summary) => summary,
            other => panic!("listing failed: {other:?}"),
        }
    }

    /// The layers `Start` announced, bottom first.
    pub fn layers(&self) -> &[LayerInfo] {
        match &self.start {
            ListingEvent::Start { layers, .. } => layers,
            _ => unreachable!("checked by parse"),
        }
    }
}

impl Lading {
    /// GET a listing stream and check its shape.
    pub async fn listing(&self, path_and_query: &str) -> Listing {
        Listing::parse(&self.get_raw(path_and_query).await)
    }
}

/// The real `lading` binary, serving the built frontend and allowed to reach `hosts`: what the
/// browser tests click through.
pub fn lading_allowing(hosts: &[&str]) -> lading_testkit::LadingProcess {
    let args: Vec<&str> = hosts.iter().flat_map(|h| ["--allow-host", *h]).collect();
    lading_testkit::LadingProcess::spawn(std::path::Path::new(env!("CARGO_BIN_EXE_lading")), &args)
}
