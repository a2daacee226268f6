//! Finding 6: signed URLs shown. A registry's blob redirect to a CDN carries a signature
//! (S3's `X-Amz-Signature`, Azure's `sig`, CloudFront's `Signature`/`Policy`, …); before the
//! fix the `location` header in the trace, the "plain http" refusal, the "invalid URL" and
//! "could not reach" texts, and registry error bodies showed it verbatim.
//!
//! Replayed against the real binary with `LADING_LOG=trace`: every way a signed URL can reach
//! a person — the trace of a successful fetch, each error text, a registry error body, a
//! `Location` that is not UTF-8 — and then the JSON answers and everything the process
//! printed are searched for the secret values. Every secret value holds [`MARK`]; nothing
//! else does.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lading_testkit::fixtures::media_types::{OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST};
use lading_testkit::fixtures::sha256_digest;
use lading_testkit::{BackgroundServer, Canned, LadingProcess, ScriptedRegistry, TagScript};
use serde_json::{Value, json};

use crate::support::encode;

mod streams;

const REPO: &str = "team/app";
/// In every secret value, and nowhere else.
const MARK: &str = "SEKRIT";

/// A query with every signed-URL family seen in the wild, each secret value holding [`MARK`]
/// (names spelled as the services spell them, plus case and encoding variants).
fn signed_query() -> String {
    [
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "X-Amz-Credential=AKIASEKRIT%2F20240101%2Fus-east-1%2Fs3%2Faws4_request",
        "X-Amz-Date=20240101T000000Z",
        "X-Amz-Security-Token=SEKRITsession",
        "X-Amz-Signature=SEKRITsigv4",
        "AWSAccessKeyId=AKIASEKRIT",
        "Signature=SEKRITsigv2",
        "X-Goog-Credential=sa%40SEKRIT.iam",
        "X-Goog-Signature=SEKRITgoog",
        "GoogleAccessId=SEKRIT%40p.iam",
        "sv=2021-08-06&se=2030-01-01&sp=r&sig=SEKRITazure",
        "Policy=SEKRITpolicy",
        "Key-Pair-Id=SEKRITkeypair",
        "hdnts=exp%3D1~hmac%3DSEKRITakamai",
        "__token__=exp=1~hmac=SEKRITakamai",
        "verify=1700000000-SEKRIThub",
        "token=SEKRITtoken",
        "access_token=SEKRITaccess",
        "x-amz-signature=SEKRITlower",
        "X%2DAmz%2DSignature=SEKRITencoded",
        // Found after the first fix (see `streams`): CDN anti-leech and object-store names.
        "sign=1700000000-0-0-SEKRITsign",
        "auth_key=1700000000-0-0-SEKRITauthkey",
        "md5=SEKRITmd5",
        "st=SEKRITst",
        "_upt=SEKRITupt",
        "wsSecret=SEKRITws",
        "txSecret=SEKRITtx",
        "n=1",
    ]
    .join("&")
}

/// `lading` logging everything (`LADING_LOG=trace`), allowed to reach the loopback
/// registries of these tests.
fn traced_lading() -> LadingProcess {
    LadingProcess::spawn_with_env(
        &crate::lading_bin(),
        &["--allow-host", "127.0.0.1"],
        &[("LADING_LOG", "trace")],
    )
}

/// A 307 to `location`.
fn redirect(location: &str) -> Canned {
    Canned::new(307, "text/plain", "").header("location", location)
}

/// A layer descriptor whose bytes are never served (each test layer only redirects).
fn layer(name: &str) -> (Value, String) {
    let digest = sha256_digest(name.as_bytes());
    let descriptor = json!({ "mediaType": OCI_LAYER_GZIP, "digest": digest, "size": 100 });
    (descriptor, digest)
}

/// Scripts `REPO:tag` with its own config (so its blob path is its own) and `layers`;
/// returns the config's blob path.
fn image(registry: &ScriptedRegistry, tag: &str, layers: &[Value]) -> (String, Vec<u8>) {
    let config =
        json!({ "architecture": "amd64", "os": "linux", "config": { "Labels": { "tag": tag } },
        "rootfs": { "type": "layers", "diff_ids": [] } })
        .to_string()
        .into_bytes();
    let config_digest = sha256_digest(&config);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": { "mediaType": OCI_CONFIG, "digest": config_digest, "size": config.len() },
        "layers": layers,
    });
    registry.respond(
        &format!("/v2/{REPO}/manifests/{tag}"),
        Canned::new(200, OCI_MANIFEST, manifest.to_string()),
    );
    (format!("/v2/{REPO}/blobs/{config_digest}"), config)
}

/// A server whose every answer is a 307 with a `Location` that is not UTF-8 (`\xff`): the
/// test registry cannot send such bytes, so it redirects here first.
fn raw_location_server() -> BackgroundServer {
    async fn answer() -> Response {
        let location = HeaderValue::from_bytes(
            b"http://[\xff/l5?X-Amz-Signature=SEKRITraw\xfe&sig=SEKRITraw2",
        )
        .unwrap();
        let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
        response.headers_mut().insert(header::LOCATION, location);
        response
    }
    BackgroundServer::start("raw-location", Router::new().fallback(answer))
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn assert_clean(what: &str, text: &str) {
    if let Some(at) = text.find(MARK) {
        let from = text[..at]
            .char_indices()
            .rev()
            .nth(120)
            .map_or(0, |(i, _)| i);
        let shown: String = text[from..].chars().take(240).collect();
        panic!("{what} shows a secret value: …{shown}…");
    }
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.expect("lading answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_urls_never_reach_a_trace_a_page_or_the_log() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 1));
    let cdn = ScriptedRegistry::start(TagScript::new("none", 0));
    let raw = raw_location_server();
    let (cdn_host, raw_host, closed) = (cdn.host(), raw.addr().to_string(), closed_port());
    let signed = signed_query();

    // Each layer's redirect fails a different way; each error text quotes the target.
    let failures = [
        // The "plain http" refusal (a public name, not allow-listed, over http).
        (
            "plain-http",
            format!("http://cdn.example.invalid/l1?{signed}"),
            403,
        ),
        // "could not reach": reqwest's message quotes the URL.
        (
            "unreachable",
            format!("http://127.0.0.1:{closed}/l2?{signed}"),
            502,
        ),
        // "redirect to an invalid URL".
        ("invalid", format!("http://[::1/l3?{signed}"), 502),
        // A CDN's own error body quoting the URL (registry_errors on the page); non-ASCII
        // path, so `Location` is UTF-8 but not visible ASCII.
        (
            "error-body",
            format!("http://{cdn_host}/é/l4?{signed}"),
            404,
        ),
        // A second hop whose `Location` is not UTF-8.
        ("not-utf8", format!("http://{raw_host}/l5"), 502),
    ];
    let mut layers = Vec::new();
    for (name, location, _) in &failures {
        let (descriptor, digest) = layer(name);
        registry.respond(&format!("/v2/{REPO}/blobs/{digest}"), redirect(location));
        layers.push((descriptor, digest));
    }
    let cdn_error = json!({ "errors": [{ "code": "BLOB_UNKNOWN",
        "message": format!("no such object at http://{cdn_host}/l4?{signed}"),
        "detail": { "url": format!("https://s3.example/l4?{signed}"), "token": "SEKRITdetail" } }] });
    cdn.respond("/%C3%A9/l4", Canned::json(404, &cdn_error));

    // v1: the config is fetched through a signed CDN URL with userinfo, and the CDN answers
    // with secret-bearing headers of its own.
    let descriptors: Vec<Value> = layers.iter().map(|(d, _)| d.clone()).collect();
    let (config_path, config) = image(&registry, "v1", &descriptors);
    let cdn_url = format!("http://SEKRITuser:SEKRITpass@{cdn_host}/cfg?{signed}");
    registry.respond(&config_path, redirect(&cdn_url));
    cdn.respond(
        "/cfg",
        Canned::new(200, "application/octet-stream", config)
            .header("set-cookie", "session=SEKRITcookie; Path=/")
            .header("x-amz-security-token", "SEKRITheader")
            .header(
                "content-location",
                &format!("http://{cdn_host}/cfg?{signed}"),
            )
            .header(
                "link",
                &format!("<http://{cdn_host}/next?{signed}>; rel=\"next\""),
            )
            .header(
                "x-note",
                "retry at http://u:SEKRITinfo@h.example/?sig=SEKRITnote",
            ),
    );
    // v2: the config redirect is refused as plain http; its text is the page's config_error.
    let (config_path, _) = image(&registry, "v2", &[]);
    registry.respond(
        &config_path,
        redirect(&format!("http://cdn.example.invalid/cfg?{signed}")),
    );

    let lading = traced_lading();
    let client = reqwest::Client::new();
    let base = lading.base_url();
    let image_ref = |tag: &str| encode(&format!("{}/{REPO}:{tag}", registry.host()));

    let (status, v1) = get(
        &client,
        &format!("{base}/api/image?ref={}", image_ref("v1")),
    )
    .await;
    assert_eq!(status, 200, "{v1}");
    let answer: Value = serde_json::from_str(&v1).unwrap();
    assert!(answer["config"].is_object(), "the config was fetched: {v1}");
    assert_clean("the trace of a signed CDN fetch", &v1);
    // Names stay, so the trace still teaches what a presigned URL is.
    for name in [
        "X-Amz-Signature=<redacted>",
        "sig=<redacted>",
        "Key-Pair-Id=<redacted>",
    ] {
        assert!(v1.contains(name), "{name} not shown in {v1}");
    }

    let (status, v2) = get(
        &client,
        &format!("{base}/api/image?ref={}", image_ref("v2")),
    )
    .await;
    assert_eq!(status, 200, "{v2}");
    let answer: Value = serde_json::from_str(&v2).unwrap();
    let config_error = answer["config_error"].as_str().unwrap_or_default();
    assert!(config_error.contains("plain http"), "{v2}");
    assert_clean("the config error of a refused redirect", &v2);

    for ((name, _, want), (_, digest)) in failures.iter().zip(&layers) {
        let blob = format!("{base}/api/blob?ref={}&digest={digest}", image_ref("v1"));
        let (status, body) = get(&client, &blob).await;
        assert_eq!(status, *want, "{name}: {body}");
        assert!(
            body.contains("\"trace\""),
            "{name}: an error answer: {body}"
        );
        assert_clean(&format!("the {name} error answer"), &body);
        let listing = format!("{base}/api/layer?ref={}&digest={digest}", image_ref("v1"));
        let (_, body) = get(&client, &listing).await;
        assert_clean(&format!("the {name} listing error"), &body);
    }

    let output = lading.output();
    assert!(
        output.contains("TRACE"),
        "LADING_LOG=trace logged nothing: {output}"
    );
    assert_clean("lading's log", &output);
}
