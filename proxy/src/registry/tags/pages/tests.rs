use reqwest::header::HeaderValue;

use super::*;

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

#[test]
fn reads_relative_and_absolute_next_links() {
    let current = url("http://r.example:5000/v2/a/tags/list?n=2");
    let cases = [
        (
            r#"</v2/a/tags/list?n=2&last=b>; rel="next""#,
            Some("http://r.example:5000/v2/a/tags/list?n=2&last=b"),
        ),
        (
            r#"<https://other.example/x>; rel=next"#,
            Some("https://other.example/x"),
        ),
        (r#"</v2/a/tags/list?last=z>; rel="prev""#, None),
        // ACR: relative, with an empty `orderby=` kept exactly as sent.
        (
            r#"</v2/a/tags/list?last=v1&n=2&orderby=>; rel="next""#,
            Some("http://r.example:5000/v2/a/tags/list?last=v1&n=2&orderby="),
        ),
    ];
    for (value, want) in cases {
        let mut headers = HeaderMap::new();
        headers.insert(LINK, HeaderValue::from_str(value).unwrap());
        let got = next_link(&headers, &current).unwrap();
        assert_eq!(got.as_ref().map(Url::as_str), want, "{value}");
    }
    assert!(next_link(&HeaderMap::new(), &current).unwrap().is_none());
}

#[test]
fn artifactory_links_without_the_api_prefix_are_the_same_endpoint() {
    let current = url("https://a.example/v2/team/app/tags/list?n=100");
    let next = url("https://a.example/team/app/tags/list?n=100&last=x");
    let fixed = with_api_prefix(&next, &current).unwrap();
    assert_eq!(
        fixed.as_str(),
        "https://a.example/v2/team/app/tags/list?n=100&last=x"
    );
    // Another path outside /v2/ is not "fixed" into the API.
    for other in [
        "https://a.example/admin",
        "https://a.example/team/tags/list",
    ] {
        assert!(with_api_prefix(&url(other), &current).is_none(), "{other}");
    }
    let catalog = url("https://a.example/v2/_catalog?n=100");
    let next = url("https://a.example/_catalog?n=100&last=b");
    assert_eq!(
        with_api_prefix(&next, &catalog).unwrap().path(),
        "/v2/_catalog"
    );
}

#[test]
fn ecr_page_size_refusal_names_its_bound() {
    let body = br#"{"errors":[{"code":"UNSUPPORTED","message":"1 validation error detected: Value '10000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"}]}"#;
    assert_eq!(page_size_bound(body), Some(1000));
    assert_eq!(
        page_size_bound(b"Member must have value less than or equal to 250"),
        Some(250)
    );
    assert_eq!(
        page_size_bound(b"less than or equal to"),
        Some(ECR_MAX_PAGE_SIZE)
    );
    assert_eq!(page_size_bound(b"Method Not Allowed"), None);
    let big = url("https://e.example/v2/a/tags/list?n=10000&orderby=");
    assert_eq!(
        with_page_size(&big, 1000).unwrap().as_str(),
        "https://e.example/v2/a/tags/list?n=1000&orderby="
    );
    assert!(with_page_size(&url("https://e.example/v2/a/tags/list?n=1000"), 1000).is_none());
    assert!(with_page_size(&url("https://e.example/v2/a/tags/list"), 1000).is_none());
}
