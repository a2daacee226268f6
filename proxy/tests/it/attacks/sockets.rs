//! Finding 4 (slow-loris): request heads that never end, and connections by the hundred,
//! against the real binary. The server must close what stalls after its header timeout,
//! refuse connections over its caps at once, keep answering others meanwhile, and still let a
//! slow but alive download run for as long as it takes.
//!
//! Clients bind to other loopback addresses (all of 127/8 is local on Linux) to be
//! "different people" to the per-client cap.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

use lading_shared::layer::BLOB_PATH;
use lading_testkit::fixtures::{self, Blob, ImageSpec, media_types};
use lading_testkit::{Fault, FaultRegistry, LadingProcess, Registry, Target};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Connections of the slow-loris attack (the number).
const STALLED: usize = 300;
/// How long a fresh client's health check may take while the attack goes on.
const HEALTH_WITHIN: Duration = Duration::from_secs(2);
/// Slack on top of the header timeout for the server to close a stalled connection.
const CLOSE_SLACK: Duration = Duration::from_secs(3);
/// A request head that is never finished.
const PARTIAL_HEAD: &[u8] = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

fn lading(args: &[&str]) -> LadingProcess {
    LadingProcess::spawn(Path::new(env!("CARGO_BIN_EXE_lading")), args)
}

fn addr(lading: &LadingProcess) -> SocketAddr {
    lading.addr().parse().unwrap()
}

/// A connection from `from` (a loopback address) to the server.
async fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse::<IpAddr>().unwrap(), 0))
        .unwrap();
    socket.connect(to).await.unwrap()
}

/// `count` connections from `from`, each with a request head it never finishes.
async fn stall(from: &str, to: SocketAddr, count: usize) -> Vec<TcpStream> {
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        let mut stream = connect_from(from, to).await;
        stream.write_all(PARTIAL_HEAD).await.unwrap();
        streams.push(stream);
    }
    streams
}

/// Reads until the server closes (or resets) the connection; what it sent, or `None` if it
/// was still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
            }
        }
    });
    read.await.ok()?;
    Some(String::from_utf8_lossy(&seen).into_owned())
}

/// `GET /api/health` from `from` on a fresh connection: the status and how long it took.
async fn health_from(from: &str, to: SocketAddr) -> (Option<u16>, Duration) {
    let started = Instant::now();
    let mut stream = connect_from(from, to).await;
    let request = format!("GET /api/health HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = closed_within(&mut stream, HEALTH_WITHIN).await;
    let status = answer.as_deref().and_then(status_of);
    (status, started.elapsed())
}

fn status_of(answer: &str) -> Option<u16> {
    answer.split_whitespace().nth(1)?.parse().ok()
}

async fn assert_all_closed(streams: Vec<TcpStream>, within: Duration) {
    let waits = streams
        .into_iter()
        .map(|mut stream| async move { closed_within(&mut stream, within).await.is_some() });
    let closed = futures_util::future::join_all(waits).await;
    let open = closed.iter().filter(|closed| !**closed).count();
    assert_eq!(
        open, 0,
        "{open} stalled connections still open after {within:?}"
    );
}

/// The attack: 300 unfinished request heads. Health answers a fresh client at once
/// meanwhile, and after the header timeout every stalled connection has been closed.
#[tokio::test(flavor = "multi_thread")]
async fn slow_loris_heads_are_closed_after_the_header_timeout() {
    let lading = lading(&["--header-timeout", "1"]);
    let to = addr(&lading);
    let started = Instant::now();
    let stalled = stall("127.0.0.2", to, STALLED).await;
    let (status, took) = health_from("127.0.0.3", to).await;
    assert_eq!(status, Some(200), "health during the attack ({took:?})");
    assert!(took < HEALTH_WITHIN, "health took {took:?}");
    assert_all_closed(stalled, Duration::from_secs(1) + CLOSE_SLACK).await;
    assert!(started.elapsed() < Duration::from_secs(15));
}

/// Keep-alive is no way around the timeout: a connection that finished a request and then
/// sends nothing is closed as well.
#[tokio::test(flavor = "multi_thread")]
async fn an_idle_kept_alive_connection_is_closed() {
    let lading = lading(&["--header-timeout", "1"]);
    let to = addr(&lading);
    let mut stream = connect_from("127.0.0.2", to).await;
    let request = format!("GET /api/health HTTP/1.1\r\nHost: {to}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut chunk = [0u8; 1024];
    let n = stream.read(&mut chunk).await.unwrap();
    assert!(String::from_utf8_lossy(&chunk[..n]).starts_with("HTTP/1.1 200"));
    let answered = Instant::now();
    let rest = closed_within(&mut stream, Duration::from_secs(1) + CLOSE_SLACK).await;
    assert!(rest.is_some(), "an idle connection stayed open");
    assert!(
        answered.elapsed() >= Duration::from_millis(900),
        "closed too early"
    );
}

/// One address cannot take every connection: past its cap it is refused at once with a
/// 429 that says why, and a client on another address is served.
#[tokio::test(flavor = "multi_thread")]
async fn one_address_is_capped_and_others_are_served() {
    const CAP: usize = 8;
    let lading = lading(&[
        "--max-connections-per-client",
        &CAP.to_string(),
        "--header-timeout",
        "30",
    ]);
    let to = addr(&lading);
    let held = stall("127.0.0.2", to, CAP).await;
    let mut over = connect_from("127.0.0.2", to).await;
    let answer = closed_within(&mut over, Duration::from_secs(2))
        .await
        .expect("a connection over the cap is closed at once");
    assert_eq!(status_of(&answer), Some(429), "{answer}");
    assert!(
        answer.contains("connections at once from your address"),
        "{answer}"
    );
    let (status, took) = health_from("127.0.0.3", to).await;
    assert_eq!(status, Some(200), "another address ({took:?})");
    // The held ones are not touched by the refusal.
    let mut held = held;
    assert!(
        closed_within(&mut held[0], Duration::from_millis(200))
            .await
            .is_none()
    );
}

/// The total cap refuses at once rather than queueing; the places come back when the
/// stalled connections time out.
#[tokio::test(flavor = "multi_thread")]
async fn the_total_cap_refuses_at_once_and_frees_up_with_the_timeout() {
    const CAP: usize = 16;
    let lading = lading(&[
        "--max-connections",
        &CAP.to_string(),
        "--header-timeout",
        "2",
    ]);
    let to = addr(&lading);
    let stalled = stall("127.0.0.2", to, CAP).await;
    let mut over = connect_from("127.0.0.4", to).await;
    let answer = closed_within(&mut over, Duration::from_secs(2))
        .await
        .expect("a connection over the total cap is closed at once");
    assert_eq!(status_of(&answer), Some(429), "{answer}");
    assert!(
        answer.contains(&format!("most ({CAP}) connections")),
        "{answer}"
    );
    assert_all_closed(stalled, Duration::from_secs(2) + CLOSE_SLACK).await;
    let (status, took) = health_from("127.0.0.5", to).await;
    assert_eq!(status, Some(200), "after the timeout ({took:?})");
}

/// The header timeout is for the head only: a download whose registry drips it over several
/// timeouts' worth of time arrives whole. (A guard against a fix that times whole
/// connections; `axum::serve` had no timeout to cut it.)
#[tokio::test(flavor = "multi_thread")]
async fn a_slow_download_outlives_the_header_timeout() {
    let faulty = FaultRegistry::start();
    // The config: a blob small enough to drip in a few seconds.
    let config = faulty.image().config.clone();
    let every = (Duration::from_secs(4) / config.len() as u32).max(Duration::from_millis(2));
    faulty.inject(Target::Config, Fault::SlowDrip { every });
    let lading = lading(&[
        "--allow-host",
        &faulty.host(),
        "--header-timeout",
        "1",
        "--send-timeout",
        "1",
    ]);
    let url = blob_url(&lading, &faulty.reference(), &faulty.image().config_digest);
    let started = Instant::now();
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.expect("the whole download");
    assert_eq!(body.as_ref(), config.as_slice());
    assert!(
        started.elapsed() > Duration::from_secs(3),
        "the drip was too fast to test anything: {:?}",
        started.elapsed()
    );
}

fn blob_url(lading: &LadingProcess, reference: &str, digest: &str) -> String {
    format!(
        "{}{BLOB_PATH}?ref={}&digest={digest}",
        lading.base_url(),
        url::form_urlencoded::byte_serialize(reference.as_bytes()).collect::<String>(),
    )
}

/// A plain registry holding an image whose one layer is `bytes` long; its reference and the
/// layer.
async fn big_image(bytes: usize) -> (Registry, String, Blob) {
    let registry = Registry::plain();
    let layer = Blob::new(media_types::OCI_LAYER_GZIP, fixtures::noise(4, bytes));
    let config = serde_json::json!({"architecture": "amd64", "os": "linux"});
    let config = Blob::json(media_types::OCI_CONFIG, &config);
    let spec = ImageSpec::new(media_types::OCI_MANIFEST, config, vec![layer.clone()]);
    fixtures::push_image(&registry.pusher(), "big/app", Some("v1"), &spec).await;
    let reference = format!("{}/big/app:v1", registry.host());
    (registry, reference, layer)
}

/// A client on a slow link reads a little at a time, its reads a fraction of the send
/// timeout apart: it is never cut, however long the download takes.
#[tokio::test(flavor = "multi_thread")]
async fn a_slow_reader_is_not_cut() {
    const LAYER_BYTES: usize = 8 * 1024 * 1024;
    let (_registry, reference, layer) = big_image(LAYER_BYTES).await;
    let lading = lading(&[
        "--allow-host",
        "127.0.0.1",
        "--header-timeout",
        "1",
        // 3 s: ten times the reader's pauses, so a loaded CI machine's scheduling does not
        // read as a stall; the 16 pauses (4.8 s) still outlast it.
        "--send-timeout",
        "3",
    ]);
    let response = reqwest::get(blob_url(&lading, &reference, &layer.digest()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let started = Instant::now();
    let mut body = Vec::with_capacity(LAYER_BYTES);
    let mut response = response;
    while let Some(chunk) = response.chunk().await.expect("the download goes on") {
        body.extend_from_slice(&chunk);
        if body.len() % (512 * 1024) < chunk.len() {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    assert_eq!(body.len(), LAYER_BYTES);
    assert!(body == layer.bytes, "the bytes arrived intact");
    assert!(
        started.elapsed() > Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// The other half of slow-loris: ask for a big download, then read nothing. The server
/// cuts the connection after its send timeout instead of holding it (and its API permits and
/// upstream connection) for as long as the client likes.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_stops_reading_a_download_is_cut() {
    // Far more than loopback socket buffers hold, so the server's writes must stall.
    const LAYER_BYTES: usize = 48 * 1024 * 1024;
    let (_registry, reference, layer) = big_image(LAYER_BYTES).await;
    let lading = lading(&["--allow-host", "127.0.0.1", "--send-timeout", "1"]);
    let to = addr(&lading);
    let mut stream = connect_from("127.0.0.2", to).await;
    let request = format!(
        "GET {BLOB_PATH}?ref={}&digest={} HTTP/1.1\r\nHost: {to}\r\n\r\n",
        url::form_urlencoded::byte_serialize(reference.as_bytes()).collect::<String>(),
        layer.digest()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    // Read nothing for a while: the server's writes fill the buffers and stall.
    tokio::time::sleep(Duration::from_secs(1) + CLOSE_SLACK).await;
    let mut received = 0usize;
    let drained = tokio::time::timeout(Duration::from_secs(20), async {
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received += n,
            }
            if received >= LAYER_BYTES {
                return;
            }
        }
    })
    .await;
    assert!(drained.is_ok(), "the connection was still open");
    assert!(
        received < LAYER_BYTES,
        "the whole download arrived ({received} bytes): the stalled connection was kept"
    );
    // The place is free again: the same address downloads nothing more but is answered.
    let (status, _) = health_from("127.0.0.2", to).await;
    assert_eq!(status, Some(200));
}

/// The accept loop keeps graceful shutdown, and slow-loris cannot hold it up: on SIGTERM
/// the server stops accepting at once, and the connections that never finished a head (which
/// hyper lets finish their request) end with the header timeout, so the process exits.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_the_server_despite_stalled_heads() {
    let lading = lading(&["--header-timeout", "2"]);
    let to = addr(&lading);
    let stalled = stall("127.0.0.2", to, 20).await;
    let pid = nix::unistd::Pid::from_raw(lading.pid() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let deadline = Instant::now() + Duration::from_secs(2) + CLOSE_SLACK;
    while TcpStream::connect(to).await.is_ok() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        TcpStream::connect(to).await.is_err(),
        "still accepting after SIGTERM"
    );
    assert_all_closed(stalled, Duration::from_secs(2) + CLOSE_SLACK).await;
    while !exited(lading.pid()) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        exited(lading.pid()),
        "lading still runs after SIGTERM:\n{}",
        lading.output()
    );
}

/// Gone, or a zombie (`Z`) the testkit reaps when it drops the process.
fn exited(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        let state = stat.rsplit(')').next().unwrap_or_default();
        state.trim_start().starts_with('Z')
    })
}
