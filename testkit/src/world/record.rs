//! Every request any fake of a World saw, for assertions ("the token went to gitlab.com",
//! "no Authorization reached the CDN").

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::Response;

/// Requests kept per World; later ones are dropped (a runaway client must not eat memory).
const LOG_LIMIT: usize = 200_000;

#[derive(Clone, Debug)]
pub struct SeenRequest {
    /// The host the request was for (its `Host` header, else the service's first name).
    pub host: String,
    pub method: String,
    pub path_and_query: String,
    /// Lower-cased names, in arrival order.
    pub headers: Vec<(String, String)>,
}

impl SeenRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(p, _)| p)
    }
}

#[derive(Clone, Default)]
pub struct RequestLog(Arc<Mutex<Vec<SeenRequest>>>);

impl RequestLog {
    pub fn snapshot(&self) -> Vec<SeenRequest> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn push(&self, seen: SeenRequest) {
        let mut log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() < LOG_LIMIT {
            log.push(seen);
        }
    }
}

/// `router` with every request recorded into `log`.
pub fn recorded(router: Router, log: RequestLog, service: String) -> Router {
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let log = log.clone();
        let service = service.clone();
        async move {
            let headers = request.headers();
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(|h| h.strip_suffix(":443").unwrap_or(h).to_owned())
                .unwrap_or(service);
            log.push(SeenRequest {
                host,
                method: request.method().to_string(),
                path_and_query: request
                    .uri()
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                headers: headers
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
            });
            let response: Response = next.run(request).await;
            response
        }
    }))
}
