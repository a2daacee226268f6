//! The Hub API's own rate limit (separate from the registry's pull limit):
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (unix time) on every
//! answer; 429 with `Retry-After` (seconds) once nothing remains in the window.

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use super::{HubApi, error};

/// Requests per window (180 is what captures show).
pub const API_LIMIT: u64 = 180;
pub const API_WINDOW_SECS: u64 = 60;

#[derive(Debug)]
struct Window {
    remaining: u64,
    reset: u64,
}

/// Remaining requests per caller (`None`: anonymous).
#[derive(Debug, Default)]
pub struct ApiLimits {
    windows: HashMap<Option<String>, Window>,
}

fn now() -> u64 {
    crate::jwt::unix_now()
}

impl ApiLimits {
    fn window(&mut self, caller: Option<&str>) -> &mut Window {
        let now = now();
        let window = self
            .windows
            .entry(caller.map(String::from))
            .or_insert(Window {
                remaining: API_LIMIT,
                reset: now + API_WINDOW_SECS,
            });
        if window.reset <= now {
            *window = Window {
                remaining: API_LIMIT,
                reset: now + API_WINDOW_SECS,
            };
        }
        window
    }

    pub fn set_remaining(&mut self, caller: Option<&str>, remaining: u64) {
        self.window(caller).remaining = remaining;
    }

    /// Takes one request; `Err(retry_after)` when none remains.
    fn take(&mut self, caller: Option<&str>) -> (Result<(), u64>, HeaderMap) {
        let now = now();
        let window = self.window(caller);
        let result = if window.remaining == 0 {
            Err(window.reset.saturating_sub(now).max(1))
        } else {
            window.remaining -= 1;
            Ok(())
        };
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", HeaderValue::from(API_LIMIT));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(window.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(window.reset));
        (result, headers)
    }
}

pub async fn rate_limit(State(api): State<HubApi>, request: Request, next: Next) -> Response {
    // A bad token is the handler's to refuse; it still counts against the anonymous caller.
    let caller = api.caller(request.headers()).ok().flatten();
    let (taken, headers) = api.limits().take(caller.as_deref());
    let mut response = match taken {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            let mut refused = error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests: rate limit exceeded",
                json!({}),
            );
            refused
                .headers_mut()
                .insert("retry-after", HeaderValue::from(retry_after));
            refused
        }
    };
    response.headers_mut().extend(headers);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spent_window_refuses_with_retry_after() {
        let mut limits = ApiLimits::default();
        let (ok, headers) = limits.take(None);
        assert!(ok.is_ok());
        assert_eq!(headers["x-ratelimit-remaining"], "179");
        limits.set_remaining(None, 0);
        let (refused, _) = limits.take(None);
        let retry = refused.expect_err("spent");
        assert!((1..=API_WINDOW_SECS).contains(&retry), "{retry}");
        assert!(
            limits.take(Some("bob")).0.is_ok(),
            "callers are counted apart"
        );
    }
}
