//! Finding 1: a listing cached for one person was served to anyone naming its digest.
//!
//! The attack, replayed against the real binary: a signed-in victim lists a layer of a
//! private image (an htpasswd `docker-registry`); an anonymous attacker then names the same
//! layer digest in a manifest on a registry of their own and asks Lading for that layer's
//! listing and for a file in it. Before the fix the cache, keyed by digest alone, answered
//! with the victim's listing, and the file read resumed inflation from a cached checkpoint
//! (whose 32 KiB window is the victim's plaintext) over the attacker's `Range` bytes: a
//! fixed-Huffman block of back-references copied the window out.

use std::io::Write as _;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use axum::{Json, Router};
use base64::Engine as _;
use lading::layers::checkpoint::{Checkpoint, Recorder};
use lading::layers::gzip::GzipDecoder;
use lading_shared::api::CREDENTIALS_HEADER;
use lading_testkit::fixtures::{self, Blob, LayerBuilder, PushedImage, media_types};
use lading_testkit::{BackgroundServer, LadingProcess, Registry};
use serde_json::{Value, json};

use crate::support::encode;

const USER: &str = "victim";
const PASSWORD: &str = "pw-victim-2f7c";
/// Every byte of the victim's files carries it, so any leaked window shows it.
const MARKER: &[u8] = b"PRIVATE-7c1e-";
const FILES: usize = 12;
const FILE_BYTES: usize = 1024 * 1024;

/// 12 MiB of private files in one gzip layer of stored blocks: several checkpoints, each at
/// a byte-aligned block boundary (what the crafted block below assumes).
fn private_layer() -> (fixtures::Layer, Vec<u8>) {
    let mut builder = LayerBuilder::new().dir("secret");
    for i in 0..FILES {
        let line: Vec<u8> = [MARKER, format!("file-{i:02}\n").as_bytes()].concat();
        let bytes: Vec<u8> = line.iter().copied().cycle().take(FILE_BYTES).collect();
        builder = builder.file(&format!("secret/file-{i:02}"), bytes);
    }
    let tar = builder.tar();
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    gzip.write_all(&tar).unwrap();
    let blob = gzip.finish().unwrap();
    let layer = fixtures::Layer {
        diff_id: fixtures::sha256_digest(&tar),
        blob: Blob::new(media_types::OCI_LAYER_GZIP, blob.clone()),
    };
    (layer, blob)
}

/// The checkpoints Lading records for `blob` (its own reader, run here on the same bytes).
fn checkpoints_of(blob: &[u8]) -> Vec<Checkpoint> {
    let recorder = Recorder::default();
    let mut decoder = GzipDecoder::new(blob, Some(recorder.clone()));
    std::io::copy(&mut decoder, &mut std::io::sink()).unwrap();
    recorder.take()
}

/// Deflate bits, least significant first (RFC 1951 §3.1.1).
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    fn push(&mut self, value: u32, count: u32) {
        for i in 0..count {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let bit = ((value >> i) & 1) as u8;
            *self.bytes.last_mut().unwrap() |= bit << (self.used % 8);
            self.used += 1;
        }
    }

    /// A Huffman code goes most significant bit first.
    fn push_code(&mut self, code: u32, count: u32) {
        for i in (0..count).rev() {
            self.push((code >> i) & 1, 1);
        }
    }
}

/// `len` bytes of one non-final fixed-Huffman block made only of "copy 258 bytes from 32768
/// back": resumed after a checkpoint, it repeats the checkpoint's window forever.
fn window_copier(len: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.push(0, 1); // BFINAL = 0
    bits.push(1, 2); // BTYPE = 01, fixed Huffman
    while bits.bytes.len() < 1 + 13 + 1 {
        bits.push_code(0b1100_0101, 8); // length code 285: 258 bytes
        bits.push_code(29, 5); // distance code 29 …
        bits.push(8191, 13); // … + 8191 = 32768
    }
    // Four 26-bit copies are 13 bytes: past the header's byte the stream repeats.
    let period = &bits.bytes[1..14];
    std::iter::once(bits.bytes[0])
        .chain(period.iter().copied().cycle())
        .take(len)
        .collect()
}

/// The attacker's registry: `evil/leak:latest` names the victim's layer; blob requests are
/// answered with the window copier, as a proper `206` to any `Range`.
fn attacker_registry(layer: &fixtures::Descriptor) -> BackgroundServer {
    let config = Blob::json(
        media_types::OCI_CONFIG,
        &json!({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}),
    );
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": media_types::OCI_MANIFEST,
        "config": config.descriptor().to_json(),
        "layers": [layer.to_json()],
    });
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let size = layer.size;
    let router = Router::new().fallback(move |uri: axum::http::Uri, headers: HeaderMap| {
        let manifest = manifest.clone();
        async move {
            let range = headers.get(header::RANGE).and_then(|r| r.to_str().ok());
            answer(uri.path(), range, &manifest, size)
        }
    });
    BackgroundServer::start("attacker-registry", router)
}

fn answer(path: &str, range: Option<&str>, manifest: &[u8], size: u64) -> Response {
    if path == "/v2/" {
        return Json(json!({})).into_response();
    }
    if path.starts_with("/v2/evil/leak/manifests/") {
        let digest = fixtures::sha256_digest(manifest);
        return (
            [
                (header::CONTENT_TYPE, media_types::OCI_MANIFEST.to_string()),
                (
                    header::HeaderName::from_static("docker-content-digest"),
                    digest,
                ),
            ],
            manifest.to_vec(),
        )
            .into_response();
    }
    if !path.starts_with("/v2/evil/leak/blobs/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (start, end) = range
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .map(|(a, b)| {
            let a: u64 = a.parse().unwrap_or(0);
            (a, b.parse().unwrap_or(size - 1))
        })
        .unwrap_or((0, size - 1));
    let body = window_copier((end - start + 1) as usize);
    let mut response = (StatusCode::PARTIAL_CONTENT, body).into_response();
    let content_range = format!("bytes {start}-{end}/{size}");
    response
        .headers_mut()
        .insert(header::CONTENT_RANGE, content_range.parse().unwrap());
    if range.is_none() {
        *response.status_mut() = StatusCode::OK;
    }
    response
}

struct Stand {
    victim: Registry,
    pushed: PushedImage,
    checkpoints: Vec<Checkpoint>,
    attacker: BackgroundServer,
    lading: LadingProcess,
    http: reqwest::Client,
}

impl Stand {
    async fn start() -> Stand {
        let victim = Registry::htpasswd(USER, PASSWORD);
        let (layer, blob) = private_layer();
        let checkpoints = checkpoints_of(&blob);
        let pushed =
            fixtures::push_layers(&victim.pusher(), "team/private", "v1", vec![layer]).await;
        let attacker = attacker_registry(&pushed.layers[0]);
        let lading = LadingProcess::spawn(
            &crate::lading_bin(),
            &[
                "--allow-host",
                &victim.host(),
                "--allow-host",
                &attacker.addr().to_string(),
            ],
        );
        Stand {
            victim,
            pushed,
            checkpoints,
            attacker,
            lading,
            http: reqwest::Client::new(),
        }
    }

    fn victim_ref(&self) -> String {
        encode(&format!("{}/team/private:v1", self.victim.host()))
    }

    fn attacker_ref(&self) -> String {
        encode(&format!("{}/evil/leak:latest", self.attacker.addr()))
    }

    fn layer(&self) -> &str {
        &self.pushed.layers[0].digest
    }

    async fn get(&self, path: &str, signed_in: bool) -> (u16, Vec<u8>) {
        let mut request = self.http.get(format!("{}{path}", self.lading.base_url()));
        if signed_in {
            let pair =
                base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
            request = request.header(CREDENTIALS_HEADER, pair);
        }
        let response = request.send().await.expect("lading answers");
        let status = response.status().as_u16();
        (status, response.bytes().await.expect("body").to_vec())
    }

    /// The victim lists the layer: the listing and its checkpoints are cached.
    async fn victim_lists(&self) -> Vec<u8> {
        let listing = format!(
            "/api/layer?ref={}&digest={}",
            self.victim_ref(),
            self.layer()
        );
        let (status, body) = self.get(&listing, true).await;
        assert_eq!(status, 200);
        let done = last_event(&body);
        assert_eq!(done["event"], "done", "{done}");
        assert_eq!(done["entries"], (FILES + 1) as u64);
        body
    }
}

fn first_event(ndjson: &[u8]) -> Value {
    let text = String::from_utf8_lossy(ndjson);
    serde_json::from_str(text.lines().next().expect("a line")).expect("json line")
}

fn last_event(ndjson: &[u8]) -> Value {
    let text = String::from_utf8_lossy(ndjson);
    serde_json::from_str(text.lines().last().expect("a line")).expect("json line")
}

fn holds_marker(bytes: &[u8]) -> bool {
    bytes.windows(MARKER.len()).any(|w| w == MARKER)
        // A preview is base64 in JSON: look for the marker there too.
        || String::from_utf8_lossy(bytes)
            .split('"')
            .filter_map(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            .any(|decoded| decoded.windows(MARKER.len()).any(|w| w == MARKER))
}

/// The victim lists the layer twice (the second time from the cache, which the answer must
/// not tell); an anonymous client on the victim's repository is refused; the attacker's own
/// manifest naming the victim's layer gets neither its listing nor a file's bytes, whatever
/// checkpoint the file sits behind; the victim still reads from the cached checkpoints.
#[tokio::test(flavor = "multi_thread")]
async fn a_digest_named_elsewhere_gets_nothing_of_a_private_listing() {
    let stand = Stand::start().await;
    assert!(
        stand.checkpoints.len() >= 3,
        "the layer has several checkpoints: {}",
        stand.checkpoints.len()
    );
    assert!(
        stand.checkpoints.iter().all(|c| c.bits == 0),
        "stored blocks end byte-aligned (the crafted block relies on it)"
    );
    let first = stand.victim_lists().await;
    let second = stand.victim_lists().await;
    assert_eq!(first_event(&first), first_event(&second), "no cache oracle");
    assert_eq!(
        first_event(&first)["total_bytes"],
        stand.pushed.layers[0].size
    );
    assert!(first_event(&first)["layers"][0].get("cached").is_none());

    // Anonymous, the victim's own repository: refused, not served from the cache.
    let victims = format!(
        "/api/layer?ref={}&digest={}",
        stand.victim_ref(),
        stand.layer()
    );
    let (status, body) = stand.get(&victims, false).await;
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
    assert!(!String::from_utf8_lossy(&body).contains("secret/file-"));
    let read = format!(
        "/api/file?ref={}&digest={}&path=secret/file-09&preview=64",
        stand.victim_ref(),
        stand.layer()
    );
    let (status, body) = stand.get(&read, false).await;
    assert_eq!(status, 401);
    assert!(!holds_marker(&body));

    let listing = format!(
        "/api/layer?ref={}&digest={}",
        stand.attacker_ref(),
        stand.layer()
    );
    let (_, body) = stand.get(&listing, false).await;
    let text = String::from_utf8_lossy(&body);
    assert!(
        !text.contains("secret/file-"),
        "the victim's listing leaked: {text:.400}"
    );
    assert_ne!(
        last_event(&body)["event"],
        "done",
        "the attacker's bytes are not that layer"
    );

    // Files behind each checkpoint, as previews and as downloads.
    for file in [5, 9, 11] {
        let path = format!("secret/file-{file:02}");
        for tail in ["&preview=65536", ""] {
            let read = format!(
                "/api/file?ref={}&digest={}&path={path}{tail}",
                stand.attacker_ref(),
                stand.layer()
            );
            let (status, body) = stand.get(&read, false).await;
            assert!(
                !holds_marker(&body),
                "{path}{tail}: {status}, the victim's plaintext came back"
            );
        }
    }
    // Through the merged filesystem too (no `digest=`).
    let merged = format!(
        "/api/file?ref={}&path=secret/file-09&preview=65536",
        stand.attacker_ref()
    );
    let (status, body) = stand.get(&merged, false).await;
    assert!(!holds_marker(&body), "merged: {status}, leaked");
    let (_, body) = stand
        .get(&format!("/api/merged?ref={}", stand.attacker_ref()), false)
        .await;
    assert!(!String::from_utf8_lossy(&body).contains("secret/file-"));

    let (status, body) = stand.get(&read, true).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(holds_marker(&body), "the victim reads their own file");
    assert!(!stand.lading.output().contains("panicked"));
}
