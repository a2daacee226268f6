use axum::body::Body;

use super::*;

fn public(urls: &[&str]) -> ServedHosts {
    ServedHosts::new(urls.iter().map(|u| u.parse().unwrap()).collect())
}

#[test]
fn served_names_are_localhost_ip_literals_and_public_urls() {
    let hosts = public(&["https://lading.example/", "http://lading:8080"]);
    let cases = [
        ("localhost", true),
        ("LocalHost", true),
        ("localhost.", true),
        ("127.0.0.1", true),
        ("10.1.2.3", true),
        ("[::1]", true),
        ("[2001:db8::7]", true),
        ("lading.example", true),
        ("LADING.example.", true),
        ("lading", true),
        ("evil.example", false),
        ("app.localhost", false),
        ("localhost.evil.example", false),
        ("127.0.0.1.nip.io", false),
        ("lading.example.evil.example", false),
        ("2130706433", false),
        ("127.1", false),
        ("[::1", false),
        ("", false),
    ];
    for (host, want) in cases {
        assert_eq!(hosts.serves(host), want, "{host:?}");
    }
}

#[test]
fn public_urls_are_http_urls_with_a_host() {
    for good in ["http://lading.example", "https://lading.example:8443/app/"] {
        assert!(good.parse::<PublicUrl>().is_ok(), "{good}");
    }
    for bad in [
        "lading.example",
        "ftp://lading.example",
        "https://u:p@lading.example",
    ] {
        assert!(bad.parse::<PublicUrl>().is_err(), "{bad}");
    }
}

#[test]
fn origins_match_the_host_they_were_sent_to() {
    let hosts = public(&[]);
    let cases = [
        ("http://127.0.0.1:8080", "127.0.0.1:8080", true),
        ("http://localhost:8080", "localhost:8080", true),
        ("http://127.0.0.1:8081", "127.0.0.1:8080", false),
        ("http://[::1]:8080", "[::1]:8080", true),
        // A rebinding page sends its own name in both; the name is not served.
        ("http://evil.example", "evil.example", false),
        ("http://evil.example:8080", "evil.example:8080", false),
        ("null", "localhost", false),
        ("file://", "localhost", false),
    ];
    for (origin, host, want) in cases {
        assert_eq!(
            hosts.allows_origin(origin, Some(host)),
            want,
            "{origin} vs {host}"
        );
    }
    assert!(!hosts.allows_origin("http://localhost", None));
}

#[test]
fn a_public_url_origin_is_allowed_whatever_host_the_proxy_sends() {
    let hosts = public(&["https://lading.example"]);
    let cases = [
        ("https://lading.example", Some("127.0.0.1:8080"), true),
        ("https://Lading.Example:443", None, true),
        ("https://lading.example", Some("lading.example"), true),
        ("https://lading.example", Some("lading.example:443"), true),
        (
            "http://lading.example:8443",
            Some("lading.example:8080"),
            false,
        ),
        ("https://evil.example", Some("127.0.0.1:8080"), false),
    ];
    for (origin, host, want) in cases {
        assert_eq!(
            hosts.allows_origin(origin, host),
            want,
            "{origin} vs {host:?}"
        );
    }
}

fn request(uri: &str, host: &[&str]) -> Request {
    let mut builder = Request::builder().uri(uri);
    for value in host {
        builder = builder.header(header::HOST, *value);
    }
    builder.body(Body::empty()).unwrap()
}

#[test]
fn the_uri_and_the_host_header_must_agree_and_be_served() {
    let hosts = public(&[]);
    let ok = |uri: &str, host: &[&str]| request_authority(&request(uri, host), &hosts).is_ok();
    assert!(ok("/api/image", &["localhost:8080"]));
    assert!(ok("/api/image", &[]), "no host at all: not a browser");
    assert!(ok("http://127.0.0.1:8080/", &["127.0.0.1:8080"]));
    assert!(ok("http://localhost:8080/", &[]));
    assert!(!ok("/", &["evil.example"]));
    assert!(!ok("/", &[""]));
    assert!(!ok("/", &["localhost", "evil.example"]));
    assert!(!ok("/", &["user@localhost"]));
    assert!(!ok("http://evil.example/", &["localhost"]));
    assert!(!ok("http://localhost:8080/", &["127.0.0.1:8080"]));
}

#[test]
fn a_refusal_says_which_flag_to_set_and_quotes_little() {
    let hosts = public(&[]);
    let long = format!("{}.example", "a".repeat(5000));
    let error = request_authority(&request("/", &["lading.internal:9000"]), &hosts).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("--public-url http://lading.internal:9000"),
        "{message}"
    );
    assert_eq!(error.kind(), lading_shared::api::ErrorKind::MisdirectedHost);
    let error = request_authority(&request("/", &[&long]), &hosts).unwrap_err();
    assert!(error.to_string().len() < 3 * MAX_QUOTED_HOST + 600);
}
