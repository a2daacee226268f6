//! The upstream exchange log every API answer carries ("Requests" in the UI).
//!
//! Secrets never enter it: URLs, header values and notes pass through [`redact`] before an
//! [`Exchange`] is built, so nothing downstream (UI, logs, tests) can leak them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use lading_shared::api::{
    CachedKind, CachedRead, Exchange, ExchangePurpose, Header, MAX_ERROR_BODY_CHARS, RegistryNotes,
};
use reqwest::header::HeaderMap;

use crate::error::{Failure, ProxyError};
use crate::redact;
use crate::registry::rate_limit;

/// The ordered exchanges of one API call. Cheap to clone; shared by concurrent sub-requests.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    /// Set when an exchange went to an `--insecure-host` (certificates not verified).
    insecure_tls: Arc<AtomicBool>,
    /// What was answered from Lading's cache instead (no exchange stands for it).
    from_cache: Arc<Mutex<Vec<CachedRead>>>,
}

/// An exchange in flight: started, not yet answered.
pub struct Pending {
    method: String,
    url: String,
    started: Instant,
    request_headers: Vec<Header>,
    purpose: ExchangePurpose,
    note: Option<String>,
    started_unix_ms: Option<u64>,
    http_version: Option<String>,
}

impl Pending {
    /// The HTTP version the answer came in (`HTTP/1.1`), for the HAR export.
    pub fn answered_in(mut self, version: reqwest::Version) -> Pending {
        self.http_version = Some(format!("{version:?}"));
        self
    }
}

impl Trace {
    pub fn start(
        &self,
        method: &str,
        url: &url::Url,
        headers: &HeaderMap,
        purpose: ExchangePurpose,
        note: Option<&str>,
    ) -> Pending {
        Pending {
            method: method.to_string(),
            url: redact::url(url),
            started: Instant::now(),
            request_headers: redact::headers(headers),
            purpose,
            // Notes may quote a realm, a `Link` or a redirect target: redacted like the rest.
            note: note.map(redact::text),
            started_unix_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_millis() as u64),
            http_version: None,
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
        // The outcome is an error text, which may quote a URL (a refused hop, a failed
        // connection).
        let outcome = outcome.as_deref().map(redact::text);
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
            response_headers: response_headers.map(redact::headers).unwrap_or_default(),
            purpose: pending.purpose,
            note,
            started_unix_ms: pending.started_unix_ms,
            http_version: pending.http_version,
            error_body: None,
        };
        self.lock().push(exchange);
    }

    /// Keeps the start of a failed answer's body beside its exchange (the latest one to
    /// `url` with `status` that has none yet), redacted like every other text.
    pub fn attach_error_body(&self, url: &url::Url, status: u16, body: &[u8]) {
        if body.is_empty() {
            return;
        }
        // Redacted whole, then cut: a cut first could keep half a secret unrecognised.
        let whole = redact::body(&String::from_utf8_lossy(body));
        let mut text: String = whole.chars().take(MAX_ERROR_BODY_CHARS).collect();
        if text.len() < whole.len() {
            text.push('…');
        }
        let redacted_url = redact::url(url);
        let mut exchanges = self.lock();
        if let Some(exchange) = exchanges
            .iter_mut()
            .rev()
            .find(|e| e.status == Some(status) && e.error_body.is_none() && e.url == redacted_url)
        {
            exchange.error_body = Some(text);
        }
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.lock().clone()
    }

    /// Records that this view spoke to a host without verifying its certificate.
    pub fn note_insecure_tls(&self) {
        self.insecure_tls.store(true, Ordering::Relaxed);
    }

    /// What the answer says about how the registry was reached and what the view cost,
    /// read from the exchanges themselves (so success and failure say the same).
    pub fn registry_notes(&self) -> RegistryNotes {
        let exchanges = self.lock();
        RegistryNotes {
            insecure_tls: self.insecure_tls.load(Ordering::Relaxed),
            rate_limit: rate_limit::last_reported(&exchanges),
            pulls_spent: rate_limit::pulls_spent(&exchanges),
            from_cache: self.cached_reads().clone(),
        }
    }

    /// Records that `digest` was answered from Lading's cache (once per view and digest).
    pub fn note_from_cache(&self, what: CachedKind, digest: &lading_shared::Digest) {
        let mut reads = self.cached_reads();
        if !reads.iter().any(|r| r.what == what && r.digest == *digest) {
            reads.push(CachedRead {
                what,
                digest: digest.clone(),
            });
        }
    }

    fn cached_reads(&self) -> std::sync::MutexGuard<'_, Vec<CachedRead>> {
        self.from_cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `error` as an API failure carrying the exchanges made so far: the one way a handler
    /// attaches the trace to what went wrong.
    pub fn fail(&self, error: ProxyError) -> Failure {
        Failure {
            error,
            trace: self.exchanges(),
            notes: self.registry_notes(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        // A panic elsewhere must not hide the log: take it even if poisoned.
        self.exchanges.lock().unwrap_or_else(|e| e.into_inner())
    }
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
        let pending = trace.start("GET", &url, &headers, ExchangePurpose::Blob, Some("blob"));
        let mut response = HeaderMap::new();
        response.insert("set-cookie", HeaderValue::from_static("session=zzz"));
        response.insert(
            "location",
            HeaderValue::from_static("https://cdn.example/b?X-Amz-Signature=def"),
        );
        let outcome = "could not reach https://cdn.example/b?sig=ghi".to_string();
        trace.finish(pending, Some(307), Some(&response), Some(outcome));
        let text = serde_json::to_string(&trace.exchanges()).unwrap();
        for secret in ["s3cr3t", "pw@", "abc", "zzz", "def", "ghi"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("Bearer <redacted"));
    }

    #[test]
    fn an_error_body_lands_beside_its_exchange_redacted_and_cut() {
        let trace = Trace::default();
        let url = url::Url::parse("https://r.example/v2/a/manifests/x").unwrap();
        let other = url::Url::parse("https://r.example/v2/b/manifests/x").unwrap();
        for u in [&url, &other] {
            let pending = trace.start(
                "GET",
                u,
                &HeaderMap::new(),
                ExchangePurpose::ManifestGet,
                None,
            );
            trace.finish(pending, Some(404), None, None);
        }
        let body = r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"see https://cdn.example/x?X-Amz-Signature=abc"}]}"#;
        trace.attach_error_body(&url, 404, body.as_bytes());
        let exchanges = trace.exchanges();
        let attached = exchanges[0].error_body.as_deref().unwrap();
        assert!(attached.contains("MANIFEST_UNKNOWN"), "{attached}");
        assert!(!attached.contains("abc"), "signature kept: {attached}");
        assert_eq!(exchanges[1].error_body, None);
        // A huge body is cut, and a second body never overwrites the first.
        trace.attach_error_body(&other, 404, "x".repeat(10_000).as_bytes());
        trace.attach_error_body(&other, 404, b"second");
        let cut = trace.exchanges()[1].error_body.clone().unwrap();
        assert_eq!(cut.chars().count(), MAX_ERROR_BODY_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
