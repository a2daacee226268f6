//! Every fault, once, against the real `lading` binary: nothing panics (its own output says
//! so, with `RUST_BACKTRACE=1`), it keeps answering, and a body that never ends passes
//! through without growing its memory.

use std::path::Path;

use crate::support::encode;
use lading_testkit::{FAULT_FILE, FAULT_REPO, Fault, FaultRegistry, LadingProcess, Target};
use reqwest::StatusCode;
use serde_json::Value;

/// Peak resident memory allowed after streaming a body larger than this (see
/// `lading_testkit::MAX_FAULT_BYTES`): a `lading` that buffered it would exceed it.
const MAX_RSS_KIB: u64 = 200 * 1024;

/// The faults the binary meets, with the default limits (no drips: those take the default
/// 20–60 s and are covered with short limits in `faults_body`).
fn sweep() -> Vec<(bool, Target, Fault)> {
    let status = |status, json_body| Fault::Status { status, json_body };
    let mut cases = Vec::new();
    for target in [
        Target::Ping,
        Target::Manifest,
        Target::Config,
        Target::Layer,
        Target::Tags,
    ] {
        for fault in [
            status(500, true),
            status(502, false),
            status(503, true),
            Fault::TooManyRequests { retry_after: 7 },
            Fault::ResetMidBody,
            Fault::Truncated,
            Fault::WrongDigest,
            Fault::Endless,
            Fault::RedirectLoop,
            Fault::Html,
            Fault::MalformedJson,
            Fault::ContentTypeLies,
        ] {
            cases.push((false, target, fault));
        }
    }
    for fault in [
        Fault::Down,
        Fault::Html,
        Fault::TokenMissing,
        Fault::TokenNotString,
        Fault::ResetMidBody,
        Fault::Endless,
        status(500, false),
    ] {
        cases.push((true, Target::Token, fault));
    }
    cases.push((false, Target::Layer, Fault::Down));
    cases
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// GETs `path`; the body, or how it broke.
    async fn get(&self, path: &str) -> (StatusCode, Result<Vec<u8>, String>) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("lading stopped answering at {path}: {e}"));
        let status = response.status();
        let body = match response.bytes().await {
            Ok(bytes) => Ok(bytes.to_vec()),
            Err(e) => Err(e.to_string()),
        };
        (status, body)
    }

    /// GETs a download chunk by chunk, keeping nothing: bytes received and how it ended.
    async fn drain(&self, path: &str) -> (u64, Result<(), String>) {
        let url = format!("{}{path}", self.base);
        let mut response = self.http.get(url).send().await.expect("lading answers");
        assert_eq!(response.status(), StatusCode::OK);
        let mut received = 0u64;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => received += chunk.len() as u64,
                Ok(None) => return (received, Ok(())),
                Err(e) => return (received, Err(e.to_string())),
            }
        }
    }

    /// Every route against `registry`; each answer must be a typed error, a listing ending in
    /// `error`, a cut download, or (for faults a client may rightly survive) a success.
    async fn every_route(&self, registry: &FaultRegistry, case: &str) {
        let reference = encode(&registry.reference());
        let layer = &registry.image().layer_digest;
        let repo = encode(&format!("{}/{FAULT_REPO}", registry.host()));
        let paths = [
            format!("/api/image?ref={reference}"),
            format!("/api/tags?repo={repo}"),
            format!("/api/layer?ref={reference}&digest={layer}"),
            format!("/api/blob?ref={reference}&digest={layer}"),
            format!("/api/file?ref={reference}&digest={layer}&path=/{FAULT_FILE}"),
        ];
        for path in paths {
            let (status, body) = self.get(&path).await;
            let Ok(body) = body else {
                assert_eq!(
                    status,
                    StatusCode::OK,
                    "{case} {path}: only a stream is cut"
                );
                continue;
            };
            if status.is_success() {
                if path.starts_with("/api/layer") {
                    let last = body.split(|&b| b == b'\n').rfind(|l| !l.is_empty());
                    let last: Value = serde_json::from_slice(last.unwrap_or_default()).unwrap();
                    let ok = last["event"] == "error" || last["verified"] == true;
                    assert!(ok, "{case} {path}: {last}");
                }
                continue;
            }
            let error: Value = serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("{case} {path}: {status} not JSON: {e}"));
            assert!(error["kind"].is_string(), "{case} {path}: {error}");
            assert!(error["message"].is_string(), "{case} {path}: {error}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_survives_every_fault_without_a_panic_or_a_leak() {
    let lading = LadingProcess::spawn_with_env(
        Path::new(env!("CARGO_BIN_EXE_lading")),
        &["--allow-host", "127.0.0.1"],
        &[("RUST_BACKTRACE", "1"), ("LADING_LOG", "debug")],
    );
    let client = Client {
        http: reqwest::Client::new(),
        base: lading.base_url(),
    };
    for (token_auth, target, fault) in sweep() {
        let registry = if token_auth {
            FaultRegistry::with_token_auth()
        } else {
            FaultRegistry::start()
        };
        registry.inject(target, fault.clone());
        client
            .every_route(&registry, &format!("{target:?}/{fault:?}"))
            .await;
    }

    // A layer without a size in its descriptor that never ends: only the harness's own cap
    // (well past MAX_RSS_KIB) stops it, and it must stream through, not pile up.
    let endless = FaultRegistry::without_layer_size();
    endless.inject(Target::Layer, Fault::Endless);
    let path = format!(
        "/api/blob?ref={}&digest={}",
        encode(&endless.reference()),
        endless.image().layer_digest
    );
    let (streamed, ended) = client.drain(&path).await;
    assert!(ended.is_err(), "an endless blob must not end cleanly");
    assert!(
        streamed > MAX_RSS_KIB * 1024,
        "more passed through ({streamed} bytes) than lading may hold"
    );
    let peak = peak_rss_kib(lading.pid());
    assert!(peak < MAX_RSS_KIB, "lading's peak RSS {peak} KiB");

    let healthy = FaultRegistry::start();
    client.every_route(&healthy, "healthy").await;
    let (status, _) = client
        .get(&format!("/api/image?ref={}", encode(&healthy.reference())))
        .await;
    assert_eq!(status, StatusCode::OK);
    let output = lading.output();
    assert!(
        !output.contains("panicked"),
        "lading panicked during the sweep:\n{output}"
    );
}

/// `VmHWM` (peak resident set) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}
