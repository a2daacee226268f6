//! The frontend/proxy contract: registry error bodies, error kinds and their statuses, link
//! safety, and the JSON both sides exchange.

use crate::fixtures;

use fixtures::*;
use lading_shared::Manifest;
use lading_shared::api::{
    ApiError, ErrorCode, ErrorKind, ImageResponse, is_linkable_url, parse_registry_errors,
};
use serde_json::json;

#[test]
fn error_codes_round_trip_known_and_unknown() {
    let known = [
        ("BLOB_UNKNOWN", ErrorCode::BlobUnknown),
        ("BLOB_UPLOAD_INVALID", ErrorCode::BlobUploadInvalid),
        ("BLOB_UPLOAD_UNKNOWN", ErrorCode::BlobUploadUnknown),
        ("DIGEST_INVALID", ErrorCode::DigestInvalid),
        ("MANIFEST_BLOB_UNKNOWN", ErrorCode::ManifestBlobUnknown),
        ("MANIFEST_INVALID", ErrorCode::ManifestInvalid),
        ("MANIFEST_UNKNOWN", ErrorCode::ManifestUnknown),
        ("NAME_INVALID", ErrorCode::NameInvalid),
        ("NAME_UNKNOWN", ErrorCode::NameUnknown),
        ("SIZE_INVALID", ErrorCode::SizeInvalid),
        ("UNAUTHORIZED", ErrorCode::Unauthorized),
        ("DENIED", ErrorCode::Denied),
        ("UNSUPPORTED", ErrorCode::Unsupported),
        ("TOOMANYREQUESTS", ErrorCode::TooManyRequests),
    ];
    let unknown = [
        ("QUOTA_EXCEEDED", ErrorCode::Other("QUOTA_EXCEEDED".into())),
        // Codes are case-sensitive in the spec: a lowercase one is somebody else's code.
        (
            "manifest_unknown",
            ErrorCode::Other("manifest_unknown".into()),
        ),
        ("", ErrorCode::Other(String::new())),
    ];
    for (text, code) in known.into_iter().chain(unknown) {
        assert_eq!(ErrorCode::from(text.to_string()), code, "{text}");
        assert_eq!(code.as_str(), text);
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
    }
}

#[test]
fn registry_errors_from_the_spec_body() {
    let body = br#"{
        "errors": [
            {
                "code": "MANIFEST_UNKNOWN",
                "message": "manifest unknown",
                "detail": {"Tag": "no-such-tag"}
            },
            {
                "code": "UNAUTHORIZED",
                "message": "authentication required",
                "detail": [{"Type": "repository", "Name": "library/alpine", "Action": "pull"}]
            },
            {"code": "DENIED"}
        ]
    }"#;
    let errors = parse_registry_errors(body);
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0].code, ErrorCode::ManifestUnknown);
    assert_eq!(errors[0].message, "manifest unknown");
    assert_eq!(errors[0].detail, Some(json!({"Tag": "no-such-tag"})));
    assert_eq!(errors[1].detail.as_ref().unwrap()[0]["Action"], "pull");
    assert_eq!(
        (errors[2].code.clone(), errors[2].message.as_str()),
        (ErrorCode::Denied, "")
    );
    assert_eq!(errors[2].detail, None);

    let hub = br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}"#;
    assert_eq!(
        parse_registry_errors(hub)[0].code,
        ErrorCode::TooManyRequests
    );
}

#[test]
fn one_odd_registry_error_entry_does_not_hide_the_others() {
    let body = br#"{"errors":[{"message":"no code"},{"code":"DENIED","message":"go away"},{"code":"X","message":7},"text"]}"#;
    let errors = parse_registry_errors(body);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, ErrorCode::Denied);
    assert!(parse_registry_errors(br#"{"errors":null}"#).is_empty());
}

#[test]
fn registry_errors_from_junk_are_empty() {
    let junk: [&[u8]; 7] = [
        b"",
        b"not json at all",
        b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        b"{}",
        b"[]",
        br#"{"errors":"nope"}"#,
        &[0xff, 0xfe, 0x00],
    ];
    for body in junk {
        assert!(
            parse_registry_errors(body).is_empty(),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn only_http_and_https_become_links() {
    let cases = [
        ("https://github.com/org/app", true),
        ("http://example.com/docs", true),
        ("HTTPS://EXAMPLE.COM/", true),
        ("javascript:alert(1)", false),
        ("JaVaScRiPt:alert(1)", false),
        (" javascript:alert(1)", false),
        ("\tjavascript:alert(1)", false),
        (
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            false,
        ),
        ("vbscript:msgbox(1)", false),
        ("file:///etc/passwd", false),
        ("//evil.example/x", false),
        ("ftp://example.com/x", false),
        ("https://example.com/a b", false),
        ("https://", false),
        ("http:///etc/passwd", false),
        ("https://example.com/\u{0}x", false),
        ("", false),
    ];
    for (text, linkable) in cases {
        assert_eq!(is_linkable_url(text), linkable, "{text:?}");
    }
}

#[test]
fn error_kinds_map_to_http_statuses() {
    let cases = [
        (ErrorKind::InvalidReference, 400, "invalid_reference"),
        (ErrorKind::BadRequest, 400, "bad_request"),
        (ErrorKind::Unauthorized, 401, "unauthorized"),
        (ErrorKind::Denied, 403, "denied"),
        (ErrorKind::RefusedHost, 403, "refused_host"),
        (ErrorKind::ManifestUnknown, 404, "manifest_unknown"),
        (ErrorKind::NameUnknown, 404, "name_unknown"),
        (ErrorKind::BlobUnknown, 404, "blob_unknown"),
        (ErrorKind::MisdirectedHost, 421, "misdirected_host"),
        (ErrorKind::TooManyRequests, 429, "too_many_requests"),
        (ErrorKind::Unreachable, 502, "unreachable"),
        (ErrorKind::TooLarge, 502, "too_large"),
        (ErrorKind::BadUpstream, 502, "bad_upstream"),
        (ErrorKind::Integrity, 502, "integrity"),
        (ErrorKind::Upstream, 502, "upstream"),
        (ErrorKind::Timeout, 504, "timeout"),
    ];
    for (kind, status, wire) in cases {
        assert_eq!(kind.status(), status, "{kind:?}");
        assert_eq!(serde_json::to_value(kind).unwrap(), wire);
    }
}

#[test]
fn api_error_round_trips() {
    let wire = json!({
        "kind": "too_many_requests",
        "message": "Docker Hub's anonymous pull limit is used up; sign in or wait.",
        "registry": "docker.io",
        "registry_errors": [
            {"code": "TOOMANYREQUESTS", "message": "You have reached your pull rate limit."},
            {"code": "VENDOR_SPECIFIC", "message": "", "detail": {"quota": 100}}
        ],
        "retry_after": 21600,
        "trace": [{
            "method": "GET",
            "url": "https://registry-1.docker.io/v2/library/alpine/manifests/3.19",
            "status": 429,
            "duration_ms": 87,
            "request_headers": [{"name": "authorization", "value": "<redacted bearer token>"}],
            "response_headers": [{"name": "retry-after", "value": "21600"}],
            "purpose": "manifest_get",
            "note": "manifest by tag"
        }, {
            "method": "GET",
            "url": "https://registry-1.docker.io/v2/",
            "status": null,
            "duration_ms": 10000,
            "request_headers": [],
            "response_headers": [],
            "purpose": "ping"
        }]
    });
    let error: ApiError = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(error.kind.status(), 429);
    assert_eq!(
        error.registry_errors[1].code,
        ErrorCode::Other("VENDOR_SPECIFIC".into())
    );
    assert_eq!(error.trace[1].status, None);
    let again: ApiError = serde_json::from_str(&serde_json::to_string(&error).unwrap()).unwrap();
    assert_eq!(again, error);
    assert_eq!(serde_json::to_value(&error).unwrap(), wire);

    // Only kind and message are required.
    let bare: ApiError = serde_json::from_str(r#"{"kind":"timeout","message":"slow"}"#).unwrap();
    assert!(bare.trace.is_empty() && bare.registry.is_none() && bare.retry_after.is_none());
}

#[test]
fn image_response_round_trips_every_manifest_kind() {
    let bodies = [
        (OCI_INDEX, OCI_INDEX_TYPE, "index"),
        (DOCKER_MANIFEST, DOCKER_MANIFEST_TYPE, "image"),
        (OCI_ARTIFACT, OCI_MANIFEST_TYPE, "image"),
        (SCHEMA1_PAYLOAD, SCHEMA1_TYPE, "schema1"),
    ];
    for (body, content_type, kind) in bodies {
        let (media_type, manifest) = Manifest::decode(body.as_bytes(), Some(content_type)).unwrap();
        let digest = lading_shared::Digest::sha256(body.as_bytes());
        let wire = json!({
            "reference": {
                "registry": "ghcr.io",
                "repository": "org/app",
                "tag": null,
                "digest": digest.to_string()
            },
            "notes": [],
            "digest": digest.to_string(),
            "header_digest": digest.to_string(),
            "media_type": media_type.to_string(),
            "content_type": content_type,
            "size": body.len(),
            "raw": body,
            "manifest": manifest,
            "config": {
                "digest": CONFIG,
                "media_type": "application/vnd.docker.container.image.v1+json",
                "size": DOCKER_CONFIG.len(),
                "verified": false,
                "raw": DOCKER_CONFIG,
                "image": serde_json::from_str::<serde_json::Value>(DOCKER_CONFIG).unwrap()
            },
            "trace": []
        });
        let response: ImageResponse = serde_json::from_value(wire).unwrap();
        assert_eq!(response.manifest, manifest);
        let json = serde_json::to_string(&response).unwrap();
        assert_eq!(
            serde_json::from_str::<ImageResponse>(&json).unwrap(),
            response,
            "{kind}"
        );
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["manifest"]["kind"], kind);
        assert_eq!(value["raw"], body, "raw bytes survive untouched");
    }
}
