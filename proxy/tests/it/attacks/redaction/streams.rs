//! The variations found after the first fix: signing families it did not know (`sign=`,
//! `md5=`, `st=`, `_upt=`, `auth_key=`, `wsSecret=`, `txSecret=` …), secrets in a URL's path
//! (an Oracle pre-authenticated request, a JWT, a random token), and the log lines of an
//! export or a blob download that aborts mid-stream, which printed the error text raw: a
//! token realm that is not a URL was quoted whole. Replayed against the real binary with
//! `LADING_LOG=trace`; every secret holds [`MARK`], and neither the answers nor anything the
//! process printed may show it.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::IntoResponse;
use base64::Engine as _;
use futures_util::{StreamExt, stream};
use lading_testkit::fixtures::sha256_digest;
use lading_testkit::{BackgroundServer, Canned, ScriptedRegistry, TagScript};
use serde_json::{Value, json};

use super::{REPO, assert_clean, get, image, redirect, traced_lading};
use crate::support::encode;

/// Bytes a cut blob promises; it sends [`CUT_AFTER`] of them and breaks the connection.
const CUT_SIZE: usize = 1000;
const CUT_AFTER: usize = 10;

/// Parameters of the families the first fix missed, each value holding [`MARK`].
fn new_families() -> String {
    [
        "sign=1700000000-0-0-SEKRITsign",
        "md5=SEKRITmd5&expires=2147483647",
        "st=SEKRITst&e=1700000000",
        "_upt=SEKRITupt",
        "auth_key=1700000000-0-0-SEKRITauthkey",
        "wsSecret=SEKRITws&wsTime=1700000000",
        "txSecret=SEKRITtx&txTime=65",
        "h=SEKRITh",
        "hash=SEKRIThash",
        "Authorization=SEKRITb2",
        "bcdn_token=SEKRITbunny",
        "q-ak=SEKRITqak&q-signature=SEKRITcos",
        "X-Tos-Signature=SEKRITtos",
        "jwt=SEKRITjwt",
        "edge-cache-token=Expires=1~Signature=SEKRITmedia",
        "n=1",
    ]
    .join("&")
}

/// Paths whose secret is a segment, on `host`.
fn path_tokens(host: &str) -> [String; 3] {
    [
        format!("http://{host}/p/SEKRITpar/n/ns/b/bucket/o/blob"),
        format!("http://{host}/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.SEKRITjwtpath/blob"),
        format!("http://{host}/SEKRITq8Zr3Xw0Lp9Vb2Nc5Md7Kf1Jh4Gt6/blob"),
    ]
}

/// A CDN whose every answer promises [`CUT_SIZE`] bytes and breaks after [`CUT_AFTER`]
/// (after a pause, so the head and the first bytes are on the wire before the break).
fn cutting_cdn(blob: Vec<u8>) -> BackgroundServer {
    let answer = move || {
        let head = Bytes::from(blob[..CUT_AFTER].to_vec());
        async move {
            let first = stream::once(async move { Ok::<_, std::io::Error>(head) });
            let cut = stream::once(async {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                Err(std::io::Error::other("cut"))
            });
            let mut response = Body::from_stream(first.chain(cut)).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, CUT_SIZE.into());
            response
        }
    };
    BackgroundServer::start("cutting-cdn", Router::new().fallback(answer))
}

fn layer_of(bytes: &[u8]) -> (Value, String) {
    let digest = sha256_digest(bytes);
    let descriptor = json!({ "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": bytes.len() });
    (descriptor, digest)
}

/// A `Bearer` challenge whose realm is `realm`.
fn challenge(realm: &str) -> Canned {
    let value = format!(r#"Bearer realm="{realm}",service="registry""#);
    Canned::json(
        401,
        &json!({ "errors": [{ "code": "UNAUTHORIZED", "message": "auth" }] }),
    )
    .header("www-authenticate", &value)
}

/// The whole body, or what arrived before the connection broke.
async fn read_all(client: &reqwest::Client, url: &str) -> (u16, String) {
    let Ok(mut response) = client.get(url).send().await else {
        return (0, String::new());
    };
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
    }
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn new_families_path_tokens_and_aborted_streams_never_reach_the_log() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 1));
    let cut_blob: Vec<u8> = (0..CUT_SIZE).map(|i| (i % 251) as u8).collect();
    let cdn = cutting_cdn(cut_blob.clone());
    let cdn_host = cdn.addr().to_string();
    let closed = super::closed_port();
    let families = new_families();

    // Layers that fail before their body: each error text quotes a secret.
    let [par, jwt, random] = path_tokens("cdn.example.invalid");
    let failing = [
        (
            "families-plain-http",
            redirect(&format!("http://cdn.example.invalid/f?{families}")),
        ),
        (
            "families-unreachable",
            redirect(&format!("http://127.0.0.1:{closed}/f?{families}")),
        ),
        (
            "families-invalid",
            redirect(&format!("http://[::1/f?{families}")),
        ),
        ("oci-par", redirect(&par)),
        ("jwt-path", redirect(&jwt)),
        ("random-path", redirect(&random)),
        // A realm that is not a URL: the text quoted it raw.
        (
            "realm-invalid",
            challenge(&format!("http://[::1/token?{families}")),
        ),
        (
            "realm-unreachable",
            challenge(&format!("http://127.0.0.1:{closed}/token?{families}")),
        ),
    ];
    // And one whose body breaks mid-stream, after a redirect to a signed, path-token URL.
    let [par, ..] = path_tokens(&cdn_host);
    let cut_url = format!("{par}?{families}");
    let (cut, cut_digest) = layer_of(&cut_blob);
    registry.respond(
        &format!("/v2/{REPO}/blobs/{cut_digest}"),
        redirect(&cut_url),
    );

    // One image per failing layer (an export stops at its first failure), each ending in
    // the cut layer; and one image with the cut layer alone.
    let mut exports = Vec::new();
    let mut blobs = Vec::new();
    for (name, answer) in failing {
        let (descriptor, digest) = layer_of(name.as_bytes());
        registry.respond(&format!("/v2/{REPO}/blobs/{digest}"), answer);
        let (config_path, config) = image(&registry, name, &[descriptor]);
        registry.respond(
            &config_path,
            Canned::new(200, "application/octet-stream", config),
        );
        exports.push(name.to_string());
        blobs.push((name.to_string(), digest));
    }
    let (config_path, config) = image(&registry, "cut", &[cut]);
    registry.respond(
        &config_path,
        Canned::new(200, "application/octet-stream", config),
    );
    exports.push("cut".into());
    blobs.push(("cut".into(), cut_digest));

    // A tag list whose `Link` is not a URL, and one whose next page cannot be reached.
    let tags = ScriptedRegistry::start(TagScript::new("none", 0));
    let page = |link: &str| {
        Canned::json(200, &json!({ "name": REPO, "tags": ["a"] }))
            .header("link", &format!("<{link}>; rel=\"next\""))
    };
    tags.respond(
        &format!("/v2/{REPO}/tags/list"),
        page(&format!("http://[::1/v2/{REPO}/tags/list?{families}")),
    );
    tags.respond(
        "/v2/other/tags/list",
        page(&format!("/v2/other/tags/list?{families}")),
    );
    tags.respond(
        "/v2/third/tags/list",
        page("/v2/third/tags/list?last=eyJhbGciOiJIUzI1NiJ9.eyJTEKRIT.SEKRITcursor"),
    );

    let lading = traced_lading();
    let client = reqwest::Client::new();
    let base = lading.base_url();
    let reference = |tag: &str| encode(&format!("{}/{REPO}:{tag}", registry.host()));

    for tag in &exports {
        let (status, body) = read_all(
            &client,
            &format!("{base}/api/export?ref={}", reference(tag)),
        )
        .await;
        assert_eq!(status, 200, "export {tag}: {body}");
        assert_clean(&format!("the export of {tag}"), &body);
    }
    for (tag, digest) in &blobs {
        let url = format!("{base}/api/blob?ref={}&digest={digest}", reference(tag));
        let (status, body) = read_all(&client, &url).await;
        if tag == "cut" {
            // 200, then a broken body (the bytes before the break are withheld: unverified).
            assert!(
                status == 200 && body.len() <= CUT_AFTER,
                "the cut blob: {status} {body}"
            );
        } else {
            assert!(
                body.contains("\"trace\""),
                "{tag}: an error answer: {status} {body}"
            );
            assert_clean(&format!("the {tag} blob answer"), &body);
        }
    }
    for repo in [REPO, "other", "third"] {
        let url = format!(
            "{base}/api/tags?repo={}",
            encode(&format!("{}/{repo}", tags.host()))
        );
        let (status, body) = get(&client, &url).await;
        assert!(
            status >= 400,
            "{repo}: the pagination fails: {status} {body}"
        );
        assert_clean(&format!("the {repo} tag list answer"), &body);
    }

    // A visitor's own credentials: the header (never logged) and, by mistake, the query
    // (the request span logs the URI).
    let header = base64::engine::general_purpose::STANDARD.encode("someone:SEKRITpw");
    let url = format!(
        "{base}/api/image?ref={}&credentials=SEKRITquery",
        reference("cut")
    );
    let response = client
        .get(&url)
        .header(lading_shared::api::CREDENTIALS_HEADER, &header)
        .send()
        .await
        .expect("lading answers");
    assert_eq!(response.status(), 200);

    // Both log lines were written (so the check below saw them), then nothing shows a secret.
    let output = lading.output();
    for line in ["aborted mid-stream", "export of", "the token realm"] {
        assert!(output.contains(line), "no {line:?} in the log: {output}");
    }
    assert_clean("lading's log", &output);
    assert!(
        !output.contains(&header),
        "the credentials header is in the log"
    );
}
