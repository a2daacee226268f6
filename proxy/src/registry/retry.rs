//! One more try for answers that mean "not now": 408, 429, 499, 5xx (but 501 and 505, which
//! will not change) and Cloudflare's 522, after `Retry-After` or a short backoff.
//!
//! Bounded so a retry can never eat the answer's time limit: at most [`MAX_TRIES`] tries,
//! and a registry asking for a longer wait than [`MAX_RETRY_WAIT`] is not waited for — its
//! `Retry-After` goes to the person instead. A pull limit that is spent
//! (`ratelimit-remaining: 0`) is not retried: only its window can help.

use std::time::Duration;

use lading_shared::api::ExchangePurpose;
use reqwest::header::HeaderMap;
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::transport::retry_after;
use super::{Session, rate_limit};
use crate::error::ProxyError;

/// Tries of one request in all: the first and one retry.
pub const MAX_TRIES: u32 = 2;
/// The longest `Retry-After` waited for; a longer one is the person's to wait.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(2);
/// The wait before the first retry when the registry names none; doubled for each further.
pub const BACKOFF: Duration = Duration::from_millis(500);

/// How long to wait before trying `method` again after `status`, or `None` to stop.
pub fn wait_before_retry(
    method: &Method,
    status: StatusCode,
    headers: &HeaderMap,
    tries: u32,
) -> Option<Duration> {
    let idempotent = *method == Method::GET || *method == Method::HEAD;
    let transient = matches!(status.as_u16(), 408 | 429 | 499 | 522)
        || status.is_server_error() && !matches!(status.as_u16(), 501 | 505);
    if !idempotent || !transient || tries >= MAX_TRIES {
        return None;
    }
    let spent = rate_limit::from_header_map(headers).is_some_and(|l| l.remaining == Some(0));
    if status == StatusCode::TOO_MANY_REQUESTS && spent {
        return None;
    }
    match retry_after(headers) {
        Some(seconds) => {
            let wait = Duration::from_secs(seconds);
            (wait <= MAX_RETRY_WAIT).then_some(wait)
        }
        None => Some(BACKOFF * 2u32.saturating_pow(tries - 1)),
    }
}

impl Session {
    /// [`Session::exchange`], tried again (within the bounds above) when the answer says
    /// "not now". Each try is its own exchange in the trace.
    pub async fn exchange_retrying(
        &self,
        method: Method,
        url: &Url,
        headers: HeaderMap,
        purpose: ExchangePurpose,
        note: Option<&str>,
    ) -> Result<Response, ProxyError> {
        let mut tries = 1;
        let mut response = self
            .exchange(method.clone(), url, headers.clone(), purpose, note)
            .await?;
        while let Some(wait) =
            wait_before_retry(&method, response.status(), response.headers(), tries)
        {
            let status = response.status().as_u16();
            drop(response);
            tokio::time::sleep(wait).await;
            tries += 1;
            let again = format!(
                "{} (tried again after {status}, waiting {} ms)",
                note.unwrap_or("request"),
                wait.as_millis()
            );
            response = self
                .exchange(method.clone(), url, headers.clone(), purpose, Some(&again))
                .await?;
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn retries_only_what_may_change_and_only_briefly() {
        let none = headers(&[]);
        let get = Method::GET;
        let cases: Vec<(Method, u16, HeaderMap, u32, Option<Duration>)> = vec![
            (get.clone(), 503, none.clone(), 1, Some(BACKOFF)),
            (Method::HEAD, 502, none.clone(), 1, Some(BACKOFF)),
            (get.clone(), 408, none.clone(), 1, Some(BACKOFF)),
            (get.clone(), 499, none.clone(), 1, Some(BACKOFF)),
            (get.clone(), 522, none.clone(), 1, Some(BACKOFF)),
            (
                get.clone(),
                429,
                headers(&[("retry-after", "1")]),
                1,
                Some(Duration::from_secs(1)),
            ),
            // Bounded: never a third try, never a long wait, never a spent pull limit.
            (get.clone(), 503, none.clone(), MAX_TRIES, None),
            (
                get.clone(),
                429,
                headers(&[("retry-after", "3600")]),
                1,
                None,
            ),
            (
                get.clone(),
                429,
                headers(&[
                    ("ratelimit-limit", "100;w=21600"),
                    ("ratelimit-remaining", "0;w=21600"),
                ]),
                1,
                None,
            ),
            // Answers that will not change, and requests that must not be repeated.
            (get.clone(), 501, none.clone(), 1, None),
            (get.clone(), 505, none.clone(), 1, None),
            (get.clone(), 404, none.clone(), 1, None),
            (get.clone(), 401, none.clone(), 1, None),
            (Method::POST, 503, none.clone(), 1, None),
        ];
        for (method, status, headers, tries, want) in cases {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                wait_before_retry(&method, status, &headers, tries),
                want,
                "{method} {status} {headers:?}"
            );
        }
        assert!(
            MAX_RETRY_WAIT + BACKOFF < Duration::from_secs(5),
            "a retry stays a small part of the answer's time"
        );
    }
}
