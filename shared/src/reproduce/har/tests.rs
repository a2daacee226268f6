use serde_json::Value;

use super::*;
use crate::api::{Exchange, ExchangePurpose, Header};
use crate::reference::Reference;
use crate::reproduce::{ImageTarget, Subject};

fn headers(list: &[(&str, &str)]) -> Vec<Header> {
    list.iter()
        .map(|(n, v)| Header {
            name: n.to_string(),
            value: v.to_string(),
        })
        .collect()
}

fn exchange(method: &str, url: &str, status: Option<u16>, purpose: ExchangePurpose) -> Exchange {
    Exchange {
        method: method.to_string(),
        url: url.to_string(),
        status,
        duration_ms: 12,
        purpose,
        ..Exchange::default()
    }
}

fn subject(reference: &str) -> Subject {
    Subject::Manifest(ImageTarget {
        reference: Reference::parse(reference).unwrap(),
        platform: None,
    })
}

/// A token-auth pull as the proxy records it, with a failed exchange at the end.
fn sample_trace() -> Vec<Exchange> {
    let mut ping = exchange(
        "GET",
        "https://r.example/v2/",
        Some(401),
        ExchangePurpose::Ping,
    );
    ping.started_unix_ms = Some(1_709_211_909_042);
    ping.http_version = Some("HTTP/2.0".to_string());
    ping.response_headers = headers(&[(
        "www-authenticate",
        r#"Bearer realm="https://auth.example/token",service="r.example""#,
    )]);
    let mut token = exchange(
        "GET",
        "https://auth.example/token?scope=repository%3Aapp%3Apull&service=r.example",
        Some(200),
        ExchangePurpose::Token,
    );
    token.request_headers = headers(&[("authorization", "Basic <redacted>")]);
    token.note = Some("token request".to_string());
    let mut manifest = exchange(
        "GET",
        "https://r.example/v2/app/manifests/1.0",
        Some(200),
        ExchangePurpose::ManifestGet,
    );
    manifest.started_unix_ms = Some(1_709_211_909_100);
    manifest.request_headers = headers(&[
        ("accept", "application/vnd.oci.image.index.v1+json"),
        ("authorization", "Bearer <redacted>"),
    ]);
    manifest.response_headers = headers(&[
        ("content-type", "application/vnd.oci.image.index.v1+json"),
        ("content-length", "512"),
    ]);
    let mut blob = exchange(
        "GET",
        "https://r.example/v2/app/blobs/sha256:ab",
        Some(307),
        ExchangePurpose::Blob,
    );
    blob.response_headers = headers(&[("location", "https://cdn.example/ab?sig=<redacted>")]);
    let mut missing = exchange(
        "GET",
        "https://r.example/v2/app/manifests/2.0",
        Some(404),
        ExchangePurpose::ManifestGet,
    );
    missing.response_headers = headers(&[("content-type", "application/json")]);
    missing.error_body =
        Some(r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#.into());
    let mut refused = exchange(
        "GET",
        "https://cdn.example/ab",
        None,
        ExchangePurpose::Redirect,
    );
    refused.note = Some("connection refused".to_string());
    vec![ping, token, manifest, blob, missing, refused]
}

fn har_of(trace: &[Exchange]) -> Value {
    let flow = Flow::new(subject("r.example/app:1.0"), trace);
    serde_json::from_str(&har(&flow)).expect("HAR is JSON")
}

fn entries(doc: &Value) -> &Vec<Value> {
    doc["log"]["entries"].as_array().expect("entries")
}

#[test]
fn every_required_har_field_is_present() {
    let doc = har_of(&sample_trace());
    let log = &doc["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "Lading");
    assert!(
        log["creator"]["version"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    assert_eq!(
        log["pages"][0]["title"],
        "the manifest of r.example/app:1.0"
    );
    assert_eq!(entries(&doc).len(), 6);
    for entry in entries(&doc) {
        for field in [
            "startedDateTime",
            "time",
            "request",
            "response",
            "cache",
            "timings",
        ] {
            assert!(!entry[field].is_null(), "{field} missing in {entry}");
        }
        for field in [
            "method",
            "url",
            "httpVersion",
            "cookies",
            "headers",
            "queryString",
            "headersSize",
            "bodySize",
        ] {
            assert!(!entry["request"][field].is_null(), "request.{field}");
        }
        for field in [
            "status",
            "statusText",
            "httpVersion",
            "cookies",
            "headers",
            "content",
            "redirectURL",
            "headersSize",
            "bodySize",
        ] {
            assert!(!entry["response"][field].is_null(), "response.{field}");
        }
        assert!(entry["response"]["content"]["size"].is_u64());
        assert!(entry["response"]["content"]["mimeType"].is_string());
        let t = &entry["timings"];
        let sum = t["send"].as_i64().unwrap()
            + t["wait"].as_i64().unwrap()
            + t["receive"].as_i64().unwrap();
        assert_eq!(Some(sum), entry["time"].as_i64(), "timings add up to time");
        assert_eq!(entry["pageref"], "page_1");
    }
}

#[test]
fn entries_copy_the_exchange_as_recorded() {
    let doc = har_of(&sample_trace());
    let e = entries(&doc);
    assert_eq!(e[0]["startedDateTime"], "2024-02-29T13:05:09.042Z");
    assert_eq!(e[0]["response"]["httpVersion"], "HTTP/2.0");
    assert_eq!(e[0]["response"]["statusText"], "Unauthorized");
    assert_eq!(e[0]["comment"], "ping · end-1 GET /v2/");
    // No start recorded: right after the one before (12 ms each).
    assert_eq!(e[1]["startedDateTime"], "2024-02-29T13:05:09.054Z");
    assert_eq!(e[2]["startedDateTime"], "2024-02-29T13:05:09.100Z");
    assert_eq!(
        e[1]["request"]["queryString"],
        serde_json::json!([
            {"name": "scope", "value": "repository:app:pull"},
            {"name": "service", "value": "r.example"},
        ])
    );
    assert!(e[1]["comment"].as_str().unwrap().ends_with("token request"));
    assert_eq!(
        e[2]["response"]["content"]["mimeType"],
        "application/vnd.oci.image.index.v1+json"
    );
    assert_eq!(e[2]["response"]["content"]["size"], 512);
    assert_eq!(e[2]["request"]["headers"][0]["name"], "accept");
    assert_eq!(e[2]["response"]["httpVersion"], "HTTP/1.1");
    assert_eq!(
        e[3]["response"]["redirectURL"],
        "https://cdn.example/ab?sig=<redacted>"
    );
}

#[test]
fn a_failed_exchange_keeps_the_registrys_error_body() {
    let doc = har_of(&sample_trace());
    let e = entries(&doc);
    let missing = &e[4]["response"];
    assert_eq!(missing["status"], 404);
    assert_eq!(missing["statusText"], "Not Found");
    assert_eq!(missing["content"]["mimeType"], "application/json");
    assert!(
        missing["content"]["text"]
            .as_str()
            .unwrap()
            .contains("MANIFEST_UNKNOWN")
    );
    assert_eq!(
        missing["content"]["size"],
        missing["content"]["text"].as_str().unwrap().len()
    );
    // No answer at all: status 0 and the reason, as browsers write it.
    assert_eq!(e[5]["response"]["status"], 0);
    assert_eq!(e[5]["response"]["httpVersion"], "");
    assert_eq!(e[5]["_error"], "connection refused");
    assert!(e[0].get("_error").is_none());
}

#[test]
fn a_trace_without_start_times_still_has_valid_dates() {
    let trace: Vec<Exchange> = sample_trace()
        .into_iter()
        .map(|e| Exchange {
            started_unix_ms: None,
            ..e
        })
        .collect();
    let doc = har_of(&trace);
    assert_eq!(
        entries(&doc)[0]["startedDateTime"],
        "1970-01-01T00:00:00.000Z"
    );
    assert_eq!(
        entries(&doc)[1]["startedDateTime"],
        "1970-01-01T00:00:00.012Z"
    );
    // A start recorded only later: the ones before are counted back from it.
    let mut trace = trace;
    trace[2].started_unix_ms = Some(1_000_000);
    let doc = har_of(&trace);
    assert_eq!(
        entries(&doc)[0]["startedDateTime"],
        iso8601_utc(1_000_000 - 24)
    );
}

#[test]
fn an_empty_trace_is_an_empty_log() {
    let doc = har_of(&[]);
    assert_eq!(doc["log"]["entries"], serde_json::json!([]));
    assert!(doc["log"].get("pages").is_none());
}

#[test]
fn no_credential_beyond_what_the_trace_holds() {
    // The proxy redacts before recording; the HAR holds the same text and adds nothing:
    // every Authorization value in it is the redaction marker.
    let doc = har_of(&sample_trace());
    let mut seen = 0;
    for entry in entries(&doc) {
        for h in entry["request"]["headers"].as_array().unwrap() {
            if h["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("authorization")
            {
                seen += 1;
                assert!(h["value"].as_str().unwrap().ends_with(" <redacted>"), "{h}");
            }
        }
    }
    assert_eq!(seen, 2);
    assert!(!doc.to_string().contains("REGISTRY_PASSWORD"));
}

#[test]
fn hostile_urls_and_headers_stay_json_strings() {
    let hostile =
        "x\"}],\"injected\":{\"a\":\"\n</script><script>alert(1)</script>'$(touch /tmp/x)'";
    let mut e = exchange(
        "GET",
        &format!("https://r.example/v2/?q={hostile}"),
        Some(500),
        ExchangePurpose::Other,
    );
    e.request_headers = headers(&[(hostile, hostile)]);
    e.response_headers = headers(&[("content-type", hostile), ("location", hostile)]);
    e.error_body = Some(hostile.to_string());
    e.note = Some(hostile.to_string());
    let doc = har_of(&[e]);
    let entry = &entries(&doc)[0];
    assert!(doc["log"].get("injected").is_none() && entry.get("injected").is_none());
    assert_eq!(
        entry["request"]["url"],
        format!("https://r.example/v2/?q={hostile}")
    );
    assert_eq!(entry["request"]["headers"][0]["name"], hostile);
    assert_eq!(entry["request"]["headers"][0]["value"], hostile);
    assert_eq!(entry["response"]["content"]["mimeType"], hostile);
    assert_eq!(entry["response"]["content"]["text"], hostile);
    assert_eq!(entry["response"]["redirectURL"], hostile);
    assert!(entry["comment"].as_str().unwrap().ends_with(hostile));
}
