use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    headers
}

#[test]
fn a_hub_rate_limit_says_whose_limit_and_when_to_retry() {
    let seen = headers(&[
        ("retry-after", "42"),
        ("x-ratelimit-limit", "180"),
        ("x-ratelimit-remaining", "0"),
    ]);
    let error = failure(StatusCode::TOO_MANY_REQUESTS, &seen, b"{}", false);
    assert_eq!(error.kind(), ErrorKind::TooManyRequests);
    let text = error.to_string();
    assert!(text.contains("not the pull rate limit"), "{text}");
    assert!(text.contains("limit 180"), "{text}");
    assert!(text.contains("try again in 42 s"), "{text}");
    let ProxyError::Upstream { retry_after, .. } = error else {
        panic!("not upstream");
    };
    assert_eq!(retry_after, Some(42));
}

#[test]
fn a_reset_time_stands_in_for_retry_after() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let seen = headers(&[("x-ratelimit-reset", &(now + 30).to_string())]);
    let ProxyError::Upstream { retry_after, .. } =
        failure(StatusCode::TOO_MANY_REQUESTS, &seen, b"", false)
    else {
        panic!("not upstream");
    };
    assert!(
        retry_after.is_some_and(|s| (1..=30).contains(&s)),
        "{retry_after:?}"
    );
}

#[test]
fn refusals_keep_their_kind_and_quote_the_hub() {
    let empty = HeaderMap::new();
    let error = failure(
        StatusCode::UNAUTHORIZED,
        &empty,
        br#"{"detail":"token expired"}"#,
        true,
    );
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert!(error.to_string().contains("token expired"));
    assert!(error.to_string().contains("sign in to Docker Hub again"));
    let error = failure(StatusCode::FORBIDDEN, &empty, b"", false);
    assert_eq!(error.kind(), ErrorKind::Denied);
    let error = failure(StatusCode::BAD_GATEWAY, &empty, b"<html>", false);
    assert_eq!(error.kind(), ErrorKind::Upstream);
}
