//! The app as transferred: every file of `dist/` served in the stored form the request's
//! `Accept-Encoding` likes best (brotli, gzip or as is), each form decoding to the file
//! itself; and in Chromium, the wasm, JS and CSS of a first visit stay within their ceiling
//! on the wire while the app renders.
//!
//! Like the other browser suites, this fails (never skips) when `dist/` is not built.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use lading_testkit::{Browser, LadingProcess};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

/// A ceiling for wasm + JS + CSS as transferred, so the app cannot grow unnoticed. The
/// issue's goal is 300 KB; the app was ~509 KB with brotli after issue 11 (bench/RESULTS.md,
/// section `bundle`, says where the bytes go) and ~537 KB with issue 12's supply-chain
/// section, tag paperwork and verify control (raised for them, said in the closing note).
/// Lower this with every cut; never raise it quietly.
const BUDGET_BYTES: u64 = 545_000;
const TIMEOUT: Duration = Duration::from_secs(30);

fn dist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist")
}

/// The app's files as index.html names them: `/`, the scripts, the wasm, the CSS, the icon.
fn app_files() -> Vec<(String, &'static str)> {
    let html = std::fs::read_to_string(dist().join("index.html")).expect("dist/index.html");
    let mut files = vec![("/".to_owned(), "text/html")];
    for attribute in ["data-js=\"", "data-wasm=\"", "href=\"", "src=\""] {
        for piece in html.split(attribute).skip(1) {
            let name = piece.split('"').next().unwrap_or_default().to_owned();
            let mime = match name.rsplit('.').next() {
                Some("js") => "text/javascript",
                Some("wasm") => "application/wasm",
                Some("css") => "text/css",
                Some("svg") => "image/svg+xml",
                _ => continue,
            };
            if !files.iter().any(|(n, _)| *n == name) {
                files.push((name, mime));
            }
        }
    }
    let kinds: Vec<&str> = files.iter().map(|(_, m)| *m).collect();
    for kind in ["text/javascript", "application/wasm", "text/css"] {
        assert!(kinds.contains(&kind), "index.html names no {kind}: {html}");
    }
    files
}

fn raw(path: &str) -> Vec<u8> {
    let name = if path == "/" {
        "index.html"
    } else {
        path.trim_start_matches('/')
    };
    std::fs::read(dist().join(name)).unwrap_or_else(|e| panic!("dist{path}: {e}"))
}

fn stored(path: &str, suffix: &str) -> bool {
    let name = if path == "/" {
        "index.html"
    } else {
        path.trim_start_matches('/')
    };
    dist().join(format!("{name}{suffix}")).is_file()
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// reqwest here has no decompression feature: it neither offers codings nor decodes them,
/// so what it returns is what went over the wire.
async fn get(lading: &LadingProcess, path: &str, accept: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().get(format!("{}{path}", lading.base_url()));
    if let Some(accept) = accept {
        request = request.header("accept-encoding", HeaderValue::from_str(accept).unwrap());
    }
    let response = request.send().await.expect("GET an app file");
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("body").to_vec(),
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

/// Debian's brotli CLI (a test package): no brotli decoder among the crates here.
fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut child = Command::new("brotli")
        .args(["-d", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run brotli (apt-get install brotli)");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("brotli -d");
    writer.join().expect("writer").expect("write to brotli");
    assert!(output.status.success(), "brotli could not decode the body");
    output.stdout
}

/// The headers every stored form carries, whichever was chosen.
fn assert_well_formed(answer: &Answer, path: &str, mime: &str, encoding: Option<&str>) {
    assert_eq!(answer.status, StatusCode::OK, "{path}");
    assert_eq!(answer.header("content-encoding"), encoding, "{path}");
    let vary = answer
        .header("vary")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{path}: Vary {vary:?}");
    let length = answer.header("content-length").map(str::parse::<usize>);
    assert_eq!(
        length,
        Some(Ok(answer.body.len())),
        "{path}: Content-Length"
    );
    let content_type = answer.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with(mime), "{path}: {content_type}");
}

#[tokio::test]
async fn each_file_is_sent_in_the_form_the_request_accepts() {
    lading_testkit::require_frontend_dist();
    let lading = crate::support::lading_allowing(&[]);
    for (path, mime) in app_files() {
        let file = raw(&path);
        // build-frontend.sh leaves out a form that is not smaller (a tiny icon's gzip).
        let (has_br, has_gzip) = (stored(&path, ".br"), stored(&path, ".gz"));
        if !mime.starts_with("image/") {
            assert!(has_br && has_gzip, "{path}: no .br or .gz stored beside it");
        }
        let br = get(&lading, &path, Some("gzip, deflate, br, zstd")).await;
        if has_br {
            assert_well_formed(&br, &path, mime, Some("br"));
            assert_eq!(unbrotli(&br.body), file, "{path}: br decodes to the file");
        }
        let gzip = get(&lading, &path, Some("br;q=0, gzip")).await;
        if has_gzip {
            assert_well_formed(&gzip, &path, mime, Some("gzip"));
            assert_eq!(gunzip(&gzip.body), file, "{path}: gzip decodes to the file");
        }
        for accept in [
            None,
            Some("identity"),
            Some("br;q=0, gzip;q=0"),
            Some("deflate"),
        ] {
            let plain = get(&lading, &path, accept).await;
            assert_well_formed(&plain, &path, mime, None);
            assert_eq!(plain.body, file, "{path} with {accept:?}");
        }
        let weighed = get(&lading, &path, Some("br;q=0.2, gzip;q=0.9")).await;
        let want = if has_gzip {
            Some("gzip")
        } else if has_br {
            Some("br")
        } else {
            None
        };
        assert_well_formed(&weighed, &path, mime, want);
        if path.ends_with(".wasm") {
            assert!(
                br.body.len() < gzip.body.len(),
                "brotli beats gzip on the wasm"
            );
            assert!(
                gzip.body.len() * 2 < file.len(),
                "the wasm is sent compressed"
            );
        }
    }
}

#[tokio::test]
async fn a_request_refusing_every_form_gets_406_not_a_form_it_refused() {
    lading_testkit::require_frontend_dist();
    let lading = crate::support::lading_allowing(&[]);
    let wasm = app_wasm();
    for accept in [
        "*;q=0",
        "identity;q=0, br;q=0, gzip;q=0",
        "zstd, identity;q=0",
    ] {
        let answer = get(&lading, &wasm, Some(accept)).await;
        assert_eq!(answer.status, StatusCode::NOT_ACCEPTABLE, "{accept}");
        assert_eq!(answer.header("content-encoding"), None, "{accept}");
    }
    // `*` with identity named still has a form to send.
    let answer = get(&lading, &wasm, Some("*;q=0, identity")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, raw(&wasm));
}

#[tokio::test]
async fn stored_forms_are_no_addresses_of_their_own() {
    lading_testkit::require_frontend_dist();
    let lading = crate::support::lading_allowing(&[]);
    let wasm = app_wasm();
    // A `.br` address is an unknown path: the page, which its router answers.
    let answer = get(&lading, &format!("{wasm}.br"), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, raw("/"));
    // The page by its own name is still the page: asked for again on every visit.
    let index = get(&lading, "/index.html", Some("br")).await;
    assert_eq!(unbrotli(&index.body), raw("/"));
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let asset = get(&lading, &wasm, Some("br")).await;
    let cache = asset.header("cache-control").unwrap_or_default();
    assert!(cache.contains("immutable"), "{wasm}: {cache}");
}

#[tokio::test]
async fn several_accept_encoding_lines_count_as_one_list() {
    lading_testkit::require_frontend_dist();
    let lading = crate::support::lading_allowing(&[]);
    let response = reqwest::Client::new()
        .get(format!("{}/", lading.base_url()))
        .header("accept-encoding", "br;q=0")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("GET /");
    let encoding = response.headers().get("content-encoding").cloned();
    assert_eq!(encoding, Some(HeaderValue::from_static("gzip")));
}

/// What Chromium's Performance API says a first visit fetched: `(name, transferSize,
/// encodedBodySize, decodedBodySize)` of each resource.
const RESOURCES: &str = "return performance.getEntriesByType('resource').map(e => \
    [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);";

#[tokio::test]
async fn a_first_visit_stays_within_its_ceiling_and_the_app_renders() {
    lading_testkit::require_frontend_dist();
    let lading = crate::support::lading_allowing(&[]);
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", lading.base_url())).await;
    browser
        .wait_for_text("main h1", "Look inside any container image", TIMEOUT)
        .await;
    let entries = browser
        .client()
        .execute(RESOURCES, vec![])
        .await
        .expect("read the Performance API");
    let entries: Vec<(String, u64, u64, u64)> =
        serde_json::from_value(entries).expect("resource entries");
    let app: Vec<_> = entries
        .iter()
        .filter(|(name, ..)| [".wasm", ".js", ".css"].iter().any(|x| name.ends_with(x)))
        .collect();
    for kind in [".wasm", ".js", ".css"] {
        assert!(
            app.iter().any(|(name, ..)| name.ends_with(kind)),
            "no {kind} among {entries:?}"
        );
    }
    let wasm = app
        .iter()
        .find(|(name, ..)| name.ends_with(".wasm"))
        .expect("wasm");
    assert!(wasm.2 * 2 < wasm.3, "the wasm came compressed: {wasm:?}");
    let total: u64 = app.iter().map(|(_, transfer, ..)| transfer).sum();
    assert!(
        total <= BUDGET_BYTES,
        "wasm + JS + CSS transferred {total} bytes (budget {BUDGET_BYTES}): {app:?}"
    );
}

/// The app's wasm file, by its served path.
fn app_wasm() -> String {
    app_files()
        .into_iter()
        .map(|(path, _)| path)
        .find(|path| path.ends_with(".wasm"))
        .expect("a wasm")
}
