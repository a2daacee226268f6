//! The registry side of `bench/layers.sh`: a real `docker-registry` holding one image whose
//! only layer is the ≥ 64 MiB gzip fixture, and a TCP relay in front of it that counts the
//! bytes the registry sends, so the bench can cross-check what `lading` says it fetched.
//!
//!     cargo run --release -p lading-testkit --bin lading-bench-fixture -- COUNTER_FILE
//!
//! Prints `key=value` lines (`registry`, `relay`, `repo`, `tag`, `digest`, `size`,
//! `last_path`, `last_text_len`), then `ready`; keeps COUNTER_FILE holding the relay's byte
//! count (updated every [`COUNTER_INTERVAL`]) until SIGTERM or Ctrl-C, then stops the
//! registry.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lading_testkit::Registry;
use lading_testkit::fixtures::{self, BIG_LAYER_LAST_PATH, BIG_LAYER_LAST_TEXT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{SignalKind, signal};

const REPO: &str = "bench/big";
const TAG: &str = "v1";
/// How often the relay's byte count is written out.
const COUNTER_INTERVAL: Duration = Duration::from_millis(50);
/// Relay copy buffer.
const RELAY_BUFFER: usize = 64 * 1024;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let counter_file = std::env::args()
        .nth(1)
        .expect("usage: lading-bench-fixture COUNTER_FILE");
    let started = Instant::now();
    let layer = fixtures::big_gzip_layer().clone();
    let built = started.elapsed();
    let registry = Registry::plain();
    let digest = layer.blob.digest();
    let size = layer.blob.bytes.len();
    fixtures::push_layers(&registry.pusher(), REPO, TAG, vec![layer]).await;
    eprintln!(
        "built the layer in {:.1} s, pushed in {:.1} s",
        built.as_secs_f64(),
        (started.elapsed() - built).as_secs_f64()
    );

    let relay = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
    let relay_addr = relay.local_addr().expect("relay address");
    let sent = Arc::new(AtomicU64::new(0));
    tokio::spawn(run_relay(relay, registry.host(), sent.clone()));
    tokio::spawn(write_counter(counter_file, sent));

    println!("registry={}", registry.host());
    println!("relay={relay_addr}");
    println!("repo={REPO}");
    println!("tag={TAG}");
    println!("digest={digest}");
    println!("size={size}");
    println!("last_path=/{BIG_LAYER_LAST_PATH}");
    println!("last_text_len={}", BIG_LAYER_LAST_TEXT.len());
    println!("ready");

    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    drop(registry);
}

/// Forwards every connection to `upstream`, adding what upstream sends to `sent`.
async fn run_relay(listener: TcpListener, upstream: String, sent: Arc<AtomicU64>) {
    while let Ok((client, _)) = listener.accept().await {
        let (upstream, sent) = (upstream.clone(), sent.clone());
        tokio::spawn(async move {
            let Ok(server) = TcpStream::connect(&upstream).await else {
                return;
            };
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let up = async {
                let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
                let _ = server_write.shutdown().await;
            };
            let down = async {
                let mut buffer = vec![0u8; RELAY_BUFFER];
                while let Ok(n) = server_read.read(&mut buffer).await {
                    if n == 0 || client_write.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                    sent.fetch_add(n as u64, Ordering::Relaxed);
                }
                let _ = client_write.shutdown().await;
            };
            let _ = tokio::join!(up, down);
        });
    }
}

async fn write_counter(path: String, sent: Arc<AtomicU64>) {
    let mut last = u64::MAX;
    loop {
        let now = sent.load(Ordering::Relaxed);
        if now != last {
            let _ = tokio::fs::write(&path, format!("{now}\n")).await;
            last = now;
        }
        tokio::time::sleep(COUNTER_INTERVAL).await;
    }
}
