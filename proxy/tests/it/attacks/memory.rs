//! Issue 7, findings 2 and 3: one request, or a few at once, exhausting the process's memory
//! with names and junk a registry sends. Against the real binary, whose resident memory
//! (`VmHWM`) must stay under [`CEILING_KIB`] whatever the hostile registries send; a build
//! without the caps is stopped by the watch the moment it passes the ceiling.

mod hostile;

use std::time::Duration;

use bytes::Bytes;
use hostile::{
    HostileRegistry, RssWatch, at_cap_layer, long_name_layer, owner_bomb_layer, small_layer,
};
use lading_testkit::LadingProcess;
use serde_json::{Value, json};

use crate::support::encode;

/// The RSS ceiling the issue asks for, whatever any number of hostile registries send.
const CEILING_KIB: u64 = 512 * 1024;
/// Longest one answer may take here (debug build, loaded machine).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// The memory attacks run one at a time: each measures one process's peak, and together
/// they would crowd a small machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn lading(registries: &[&HostileRegistry]) -> LadingProcess {
    let hosts: Vec<String> = registries.iter().map(|r| r.host()).collect();
    let mut args = Vec::new();
    for host in &hosts {
        args.extend(["--allow-host", host.as_str()]);
    }
    LadingProcess::spawn(&crate::lading_bin(), &args)
}

/// GETs `path`: the status and the whole body (`None` when the connection broke).
async fn get(lading: &LadingProcess, path: &str) -> (u16, Option<Vec<u8>>) {
    let url = format!("{}{path}", lading.base_url());
    let request = async {
        let response = reqwest::get(&url).await.ok()?;
        let status = response.status().as_u16();
        Some((status, response.bytes().await.ok().map(|b| b.to_vec())))
    };
    match tokio::time::timeout(ANSWER_TIMEOUT, request).await {
        Ok(Some(answer)) => answer,
        Ok(None) => (0, None),
        Err(_) => panic!("{path} took longer than {ANSWER_TIMEOUT:?}"),
    }
}

fn events(ndjson: &[u8]) -> Vec<Value> {
    ndjson
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("an NDJSON line"))
        .collect()
}

fn last_event(path: &str, body: &Option<Vec<u8>>) -> Value {
    let body = body
        .as_deref()
        .unwrap_or_else(|| panic!("{path}: the answer broke off"));
    events(body)
        .pop()
        .unwrap_or_else(|| panic!("{path}: no events"))
}

fn merged(host: &str, repo: &str) -> String {
    format!(
        "/api/merged?ref={}",
        encode(&format!("{host}/{repo}:latest"))
    )
}

fn layer(host: &str, repo: &str, digest: &str) -> String {
    let reference = encode(&format!("{host}/{repo}:latest"));
    format!("/api/layer?ref={reference}&digest={digest}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_32_mib_name_named_64_times_is_read_once_and_refused() {
    let _one = ONE_AT_A_TIME.lock().await;
    let (bomb, small) = (long_name_layer(), small_layer());
    assert!(bomb.bytes.len() < 256 << 10, "{} bytes", bomb.bytes.len());
    let registry = HostileRegistry::start(
        &[
            ("evil/names", vec![&bomb; 64]),
            ("evil/twice", vec![&small; 64]),
            ("evil/deep", vec![&small; 200]),
        ],
        Vec::new(),
    );
    let lading = lading(&[&registry]);
    let watch = RssWatch::start(lading.pid(), CEILING_KIB);
    let host = registry.host();
    let path = merged(&host, "evil/names");
    let (status, body) = get(&lading, &path).await;
    watch.check(&path);
    assert_eq!(status, 200);
    let last = last_event(&path, &body);
    assert_eq!(last["event"], "error", "{last}");
    assert_eq!(last["kind"], "too_large", "{last}");
    let message = last["message"].as_str().unwrap();
    assert!(message.contains("GNU long name"), "{message}");
    let blob = format!("/v2/evil/names/blobs/{}", bomb.digest());
    assert_eq!(registry.requests(&blob), 1, "the layer is read once");
    // A file click on the same image: the same clear error, as JSON.
    let file = format!(
        "/api/file?ref={}&path=/x&preview=64",
        encode(&format!("{host}/evil/names:latest"))
    );
    let (status, body) = get(&lading, &file).await;
    watch.check(&file);
    let answer: Value = serde_json::from_slice(&body.unwrap()).unwrap();
    assert_eq!(
        (status, answer["kind"].as_str()),
        (502, Some("too_large")),
        "{answer}"
    );

    // An honest layer named 64 times: read once, the top copy visible, and no history rows
    // of the copies below it (each was hidden by its own twin): 4 rows, not 4 × 64 — a
    // registry's few bytes are not multiplied into megabytes of answer.
    let path = merged(&host, "evil/twice");
    let (_, body) = get(&lading, &path).await;
    watch.check(&path);
    let all = events(body.as_deref().unwrap());
    assert_eq!(
        all.last().unwrap()["event"],
        "done",
        "{}",
        all.last().unwrap()
    );
    let entries: Vec<&Value> = all
        .iter()
        .filter(|e| e["event"] == "entries")
        .flat_map(|e| e["entries"].as_array().unwrap())
        .collect();
    assert_eq!(entries.len(), 4);
    let visible: Vec<(&str, u64)> = entries
        .iter()
        .filter(|e| e.get("hidden_by").is_none())
        .map(|e| (e["path"].as_str().unwrap(), e["layer"].as_u64().unwrap()))
        .collect();
    let want = ["/etc", "/etc/hostname", "/etc/motd", "/etc/os-release"].map(|p| (p, 63));
    assert_eq!(visible, want);
    let blob = format!("/v2/evil/twice/blobs/{}", small.digest());
    assert_eq!(registry.requests(&blob), 1, "the layer is read once");

    // Past the layers one merged view stacks: refused before any layer is read.
    let path = merged(&host, "evil/deep");
    let (_, body) = get(&lading, &path).await;
    watch.check(&path);
    let last = last_event(&path, &body);
    assert_eq!(last["kind"], "too_large", "{last}");
    assert!(
        last["message"].as_str().unwrap().contains("128 layers"),
        "{last}"
    );
    let blob = format!("/v2/evil/deep/blobs/{}", small.digest());
    assert_eq!(registry.requests(&blob), 0);
    let peak = watch.finish("64 × a 32 MiB name");
    assert!(peak < CEILING_KIB, "{} MiB", peak >> 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_names_of_hundreds_of_mib_are_refused_at_the_first_entry() {
    let _one = ONE_AT_A_TIME.lock().await;
    // 400 entries of ~1 MiB of names each: ~400 MiB of names in about 500 KB.
    let bomb = owner_bomb_layer(400);
    eprintln!(
        "owner-name layer: {} KB compressed",
        bomb.bytes.len() / 1000
    );
    assert!(bomb.bytes.len() < 1 << 20);
    let registry = HostileRegistry::start(&[("evil/owners", vec![&bomb])], Vec::new());
    let lading = lading(&[&registry]);
    let watch = RssWatch::start(lading.pid(), CEILING_KIB);
    let path = layer(&registry.host(), "evil/owners", &bomb.digest());
    let (_, body) = get(&lading, &path).await;
    let peak = watch.finish("owner names");
    let last = last_event(&path, &body);
    assert_eq!(last["kind"], "too_large", "{}", last["event"]);
    let message = last["message"].as_str().unwrap();
    assert!(message.contains("of tar entry 1"), "{message}");
    assert!(peak < CEILING_KIB, "{} MiB", peak >> 10);
}

/// Hostile listings at once from four registries (each its own cache scope): names at their
/// caps past the per-layer cap, owner-name bombs, 32 MiB names, through `/api/layer` and
/// `/api/merged`. Every answer is a clear error (too large, or busy: retry) or a listing, the
/// process lives, and its peak RSS stays under the ceiling.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_listings_at_once_stay_under_the_ceiling() {
    let _one = ONE_AT_A_TIME.lock().await;
    let wide = at_cap_layer(16_000);
    let owners = owner_bomb_layer(400);
    let names = long_name_layer();
    eprintln!(
        "at-cap layer: {} KB compressed for 16,000 entries of ~9 KiB",
        wide.bytes.len() / 1000
    );
    let images = [
        ("evil/wide", vec![&wide]),
        ("evil/stack", vec![&wide, &owners, &wide]),
        ("evil/owners", vec![&owners]),
        ("evil/names", vec![&names; 64]),
    ];
    let registries: Vec<HostileRegistry> = (0..4)
        .map(|_| HostileRegistry::start(&images, Vec::new()))
        .collect();
    let lading = lading(&registries.iter().collect::<Vec<_>>());
    let watch = RssWatch::start(lading.pid(), CEILING_KIB);
    let mut paths = Vec::new();
    for registry in &registries {
        let host = registry.host();
        for _ in 0..3 {
            paths.push(layer(&host, "evil/wide", &wide.digest()));
        }
        paths.push(merged(&host, "evil/stack"));
        paths.push(merged(&host, "evil/wide"));
        paths.push(layer(&host, "evil/owners", &owners.digest()));
        paths.push(merged(&host, "evil/owners"));
        paths.push(merged(&host, "evil/names"));
    }
    let lading = std::sync::Arc::new(lading);
    let requests = paths.iter().cloned().map(|path| {
        let lading = lading.clone();
        tokio::spawn(async move {
            let (status, body) = get(&lading, &path).await;
            (path, status, body)
        })
    });
    let answers = futures_util::future::join_all(requests).await;
    let peak = watch.finish("hostile listings at once");
    let (status, _) = get(&lading, "/api/health").await;
    let output = lading.output();
    let tail = &output[output.len().saturating_sub(2000)..];
    assert_eq!(status, 200, "lading still answers; it said: {tail}");
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for answer in answers {
        let (path, status, body) = answer.expect("request task");
        assert_eq!(status, 200, "{path}");
        let last = last_event(&path, &body);
        let kind = last["kind"].as_str().unwrap_or("done").to_string();
        assert!(
            ["too_large", "too_many_requests", "done"].contains(&kind.as_str()),
            "{path}: {last}"
        );
        if kind == "too_many_requests" {
            assert!(last["retry_after"].as_u64().is_some(), "{last}");
        }
        *kinds.entry(kind).or_default() += 1;
    }
    eprintln!(
        "{} hostile listings at once ended as {kinds:?}",
        paths.len()
    );
    assert!(peak < CEILING_KIB, "{} MiB", peak >> 10);
}

/// 40 pages of a tag list, each one real tag among eight 256 KiB junk objects: 80 MiB of junk
/// that used to be kept whole and echoed back. The answer keeps the tags, counts the junk and
/// shows a few short samples of it.
#[tokio::test(flavor = "multi_thread")]
async fn junk_tag_lists_answer_a_bounded_sample() {
    let _one = ONE_AT_A_TIME.lock().await;
    let junk = json!({ "x": "j".repeat(256 << 10) });
    let pages: Vec<Bytes> = (0..40)
        .map(|page| {
            let mut tags = vec![junk.clone(); 8];
            tags.insert(3, json!(format!("v{page}")));
            tags.push(json!("t".repeat(300)));
            Bytes::from(serde_json::to_vec(&json!({"name": "evil/junk", "tags": tags})).unwrap())
        })
        .collect();
    let registry = HostileRegistry::start(&[], pages);
    let lading = lading(&[&registry]);
    let watch = RssWatch::start(lading.pid(), CEILING_KIB);
    let path = format!(
        "/api/tags?repo={}",
        encode(&format!("{}/evil/junk", registry.host()))
    );
    let (status, body) = get(&lading, &path).await;
    watch.check(&path);
    let body = body.expect("an answer");
    assert_eq!(
        status,
        200,
        "{}",
        String::from_utf8_lossy(&body[..body.len().min(500)])
    );
    assert!(body.len() < 64 << 10, "the answer is {} bytes", body.len());
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["tags"].as_array().unwrap().len(), 40);
    assert_eq!(answer["skipped_count"], 40 * 9);
    let samples = answer["skipped"].as_array().unwrap();
    assert!(samples.len() <= 20, "{} samples", samples.len());
    assert!(
        samples
            .iter()
            .all(|s| s["value"].as_str().unwrap().chars().count() <= 65)
    );
    let peak = watch.finish("junk tags");
    assert!(peak < CEILING_KIB, "{} MiB", peak >> 10);
}

/// Answers: a registry makes one `/api/image` answer 34 MB (a 4 MiB manifest and a 4 MiB
/// config of control characters, each escaped to six bytes), and a client that reads it
/// slowly holds the whole body: 32 slow readers held 1.46 GB. Answers are charged to the
/// listing budget until sent, so many slow readers get "busy" instead of the memory.
#[tokio::test(flavor = "multi_thread")]
async fn slow_readers_of_huge_answers_stay_under_the_ceiling() {
    use std::io::{Read, Write};
    let _one = ONE_AT_A_TIME.lock().await;
    let config = vec![0x01u8; 4 * 1024 * 1024 - 1];
    let config_digest = lading_testkit::fixtures::sha256_digest(&config);
    let note: String = std::iter::repeat_n('\u{1}', 600_000).collect();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config.len(),
        },
        "layers": [],
        "annotations": { "note": note },
    }))
    .unwrap();
    let config_path = format!("/v2/huge/img/blobs/{config_digest}");
    let router = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let (manifest, config) = (manifest.clone(), config.clone());
        let config_path = config_path.clone();
        async move {
            use axum::response::IntoResponse;
            let media = "application/vnd.oci.image.manifest.v1+json";
            match uri.path() {
                "/v2/" => axum::Json(json!({})).into_response(),
                "/v2/huge/img/manifests/t" => {
                    ([(axum::http::header::CONTENT_TYPE, media)], manifest).into_response()
                }
                p if p == config_path => config.into_response(),
                _ => axum::http::StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let registry = lading_testkit::BackgroundServer::start("huge-answers", router);
    let host = registry.addr().to_string();
    let lading = LadingProcess::spawn(&crate::lading_bin(), &["--allow-host", &host]);
    let watch = RssWatch::start(lading.pid(), CEILING_KIB);
    let request = format!(
        "GET /api/image?ref={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        encode(&format!("{host}/huge/img:t"))
    );
    // 24 clients each take the first bytes of the answer, then stop reading for a while.
    let mut readers = Vec::new();
    for _ in 0..24 {
        let mut stream = std::net::TcpStream::connect(lading.addr()).unwrap();
        stream.set_read_timeout(Some(ANSWER_TIMEOUT)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        readers.push(stream);
    }
    let mut statuses = Vec::new();
    for (i, stream) in readers.iter_mut().enumerate() {
        let mut head = [0u8; 12];
        if let Err(e) = stream.read_exact(&mut head) {
            panic!(
                "reader {i}: no answer ({e}) after {statuses:?}; lading said:\n{}",
                lading.output()
            );
        }
        statuses.push(String::from_utf8_lossy(&head[9..12]).into_owned());
    }
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        watch.check("24 slow readers of a 34 MB answer");
    }
    drop(readers);
    let peak = watch.finish("24 slow readers of a 34 MB answer");
    assert!(peak < CEILING_KIB, "{} MiB", peak >> 10);
    assert!(statuses.iter().any(|s| s == "200"), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| s == "200" || s == "429"),
        "served or busy: {statuses:?}"
    );
}
