//! Tables for the nameless tokens: what is hidden, and what must stay (digests, names).

use super::super::{REDACTED, text};

/// `(input, shown)` with `<r>` standing for [`REDACTED`].
fn check(cases: &[(&str, &str)]) {
    for (input, want) in cases {
        let want = want.replace("<r>", REDACTED);
        assert_eq!(text(input), want, "input: {input}");
    }
}

#[test]
fn tokens_in_paths_and_bare_credentials() {
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    let random = "B8gXh0ZtQk5aDt5QBq2JmFwV6mN9yLpR3sT7uC1oV4bH8jK2wE6qA0xZ";
    check(&[
        // Oracle Cloud pre-authenticated requests, whatever the token looks like.
        (
            "https://objectstorage.us-ashburn-1.oraclecloud.com/p/abc/n/ns/b/bucket/o/blob",
            "https://objectstorage.us-ashburn-1.oraclecloud.com/p/<r>/n/ns/b/bucket/o/blob",
        ),
        (
            "https://ns.objectstorage.eu-1.oci.customer-oci.com/p/x:y+z=/n/ns/b/b/o/o",
            "https://ns.objectstorage.eu-1.oci.customer-oci.com/p/<r>/n/ns/b/b/o/o",
        ),
        // Encoded inside another URL.
        (
            "?to=https%3A%2F%2Fh%2Fp%2Fabc%2Fn%2Fns",
            "?to=https%3A%2F%2Fh%2Fp%2F<r>%2Fn%2Fns",
        ),
        // JWTs anywhere: a path segment (Cloudflare Stream), a value, free text.
        (
            &format!("https://customer-x.cloudflarestream.example/{jwt}/manifest/video.m3u8"),
            "https://customer-x.cloudflarestream.example/<r>/manifest/video.m3u8",
        ),
        (&format!("got {jwt}, expired"), "got <r>, expired"),
        // Random base64 runs: a path token, a secret key, a personal access token.
        (
            &format!("https://cdn.example/{random}/f.tar"),
            "https://cdn.example/<r>/f.tar",
        ),
        // (The key id is an id, upper case only; a `/` cuts a run, so only pieces of 22 or
        // more of standard base64 are judged.)
        (
            "key id AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
            "key id AKIAIOSFODNN7EXAMPLE secret <r>",
        ),
        (
            "Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "Bearer <r>",
        ),
    ]);
}

#[test]
fn digests_names_and_words_stay_visible() {
    let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    for shown in [
        format!("https://r.example/v2/team/app/blobs/sha256:{hex}"),
        format!(
            "https://production.cloudflare.docker.example/registry-v2/docker/registry/v2/blobs/sha256/9f/{hex}/data"
        ),
        format!("sha512:{hex}{hex}"),
        "https://r.example/v2/library/some-really-long-repository-name-2024/manifests/v1.2.3-alpine3.19".into(),
        "https://r.example/v2/a/manifests/MyApplicationVersion2024Release".into(),
        "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.example/1a2b-123456789012-9b0b3c3e-1a2b-4c5d-8e9f-0123456789ab/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into(),
        "x-amz-request-id: 4442587FB7D0A2F9".into(),
        "Access-Control-Allow-Credentials Docker-Distribution-Api-Version".into(),
        "2026-12-01T16:14:46.123456Z TRACE hyper_util::client::legacy::pool: checkout".into(),
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip".into(),
        "AWS4-HMAC-SHA256 GOOG4-RSA-SHA256 9B0B3C3E-1A2B-4C5D-8E9F-0123456789AB".into(),
        // An OCI-like path without `/n/` after it is not a pre-authenticated request.
        "https://h/p/abc/q".into(),
    ] {
        assert_eq!(text(&shown), shown);
    }
}

#[test]
fn hostile_input_is_read_in_linear_time() {
    // Each rule's worst case, 256 KiB of it: dotted JWT starts, `/p/` prefixes without
    // `/n/`, one endless run, many names, nested escapes, authorities without an end.
    let long = "aB1".repeat(100);
    let patterns = [
        "eyJ.".to_string(),
        "eyJa.".to_string(),
        "/p/a".to_string(),
        "aB1-".to_string(),
        "a=".to_string(),
        format!("{long}="),
        "%2525".to_string(),
        "://a@".to_string(),
        format!("/p/{long}"),
        format!("eyJ{long}."),
    ];
    for pattern in patterns {
        let input = pattern.repeat(256 * 1024 / pattern.len());
        let started = std::time::Instant::now();
        let _ = text(&input);
        let took = started.elapsed();
        assert!(
            took < std::time::Duration::from_secs(2),
            "{took:?} for 256 KiB of {pattern:?}"
        );
    }
}
