//! The upstream exchange log every API answer carries ("Requests" in the UI).
//!
//! Secrets never enter it: credential-bearing header values are replaced before an
//! [`Exchange`] is built, so nothing downstream (UI, logs, tests) can leak them.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use lading_shared::api::{Exchange, Header};
use reqwest::header::HeaderMap;

/// Request headers whose values are secrets.
const SECRET_REQUEST_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-registry-auth",
];
/// Response headers whose values are secrets.
const SECRET_RESPONSE_HEADERS: [&str; 2] = ["set-cookie", "x-amz-security-token"];
/// Query parameters that are secrets (presigned CDN URLs carry them).
const SECRET_QUERY_PARAMS: [&str; 6] = [
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "signature",
    "sig",
    "token",
];

/// The ordered exchanges of one API call. Cheap to clone; shared by concurrent sub-requests.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

/// An exchange in flight: started, not yet answered.
pub struct Pending {
    method: String,
    url: String,
    started: Instant,
    request_headers: Vec<Header>,
    note: Option<String>,
}

impl Trace {
    pub fn start(
        &self,
        method: &str,
        url: &url::Url,
        headers: &HeaderMap,
        note: Option<&str>,
    ) -> Pending {
        Pending {
            method: method.to_string(),
            url: redact_url(url),
            started: Instant::now(),
            request_headers: redact_headers(headers, &SECRET_REQUEST_HEADERS),
            note: note.map(str::to_string),
        }
    }

    /// Records a finished exchange; `status` is `None` when no response arrived.
    pub fn finish(
        &self,
        pending: Pending,
        status: Option<u16>,
        response_headers: Option<&HeaderMap>,
        outcome: Option<String>,
    ) {
        let note = match (pending.note, outcome) {
            (Some(a), Some(b)) => Some(format!("{a}: {b}")),
            (a, b) => a.or(b),
        };
        let exchange = Exchange {
            method: pending.method,
            url: pending.url,
            status,
            duration_ms: pending.started.elapsed().as_millis() as u64,
            request_headers: pending.request_headers,
            response_headers: response_headers
                .map(|h| redact_headers(h, &SECRET_RESPONSE_HEADERS))
                .unwrap_or_default(),
            note,
        };
        self.lock().push(exchange);
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        // A panic elsewhere must not hide the log: take it even if poisoned.
        self.exchanges.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn redact_headers(headers: &HeaderMap, secret: &[&str]) -> Vec<Header> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_string();
            let value = if secret.contains(&name.as_str()) {
                redact_value(value.to_str().unwrap_or_default())
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            Header { name, value }
        })
        .collect()
}

/// Keeps the scheme word (`Bearer`, `Basic`) so readers see which auth was used.
fn redact_value(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, secret)) if !scheme.contains('=') => {
            format!("{scheme} <redacted, {} chars>", secret.len())
        }
        _ => format!("<redacted, {} chars>", value.len()),
    }
}

/// Removes userinfo and signature-like query parameters from a URL before it is shown.
pub fn redact_url(url: &url::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_QUERY_PARAMS.contains(&k.to_ascii_lowercase().as_str());
                let v = if secret {
                    "<redacted>".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{AUTHORIZATION, HeaderValue};

    #[test]
    fn secrets_never_enter_the_trace() {
        let trace = Trace::default();
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cr3t-token"),
        );
        let url = url::Url::parse("https://u:pw@cdn.example/b?X-Amz-Signature=abc&n=1").unwrap();
        let pending = trace.start("GET", &url, &headers, Some("blob"));
        let mut response = HeaderMap::new();
        response.insert("set-cookie", HeaderValue::from_static("session=zzz"));
        trace.finish(pending, Some(200), Some(&response), None);
        let text = serde_json::to_string(&trace.exchanges()).unwrap();
        for secret in ["s3cr3t", "pw@", "abc", "zzz"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("Bearer <redacted"));
    }
}
