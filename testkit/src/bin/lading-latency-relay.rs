//! A network on loopback for `bench/view.sh`: a TCP relay whose bytes arrive RTT/2 after they
//! were sent, in each direction, and which logs every HTTP/1.x request passing through, so a
//! bench can count what a client asked the registry and compare it with the client's own trace.
//!
//!     lading-latency-relay --upstream HOST:PORT --rtt-ms N --log FILE [--listen ADDR]
//!
//! Prints `relay=ADDR` then `ready`; runs until SIGTERM or Ctrl-C. FILE gets one line per
//! request, `CONNECTION METHOD TARGET`, written when its head passes the relay: before any
//! answer to it can arrive, so a client holding its answers can count the lines. A connection
//! that does not speak HTTP/1.x logs one line and is no longer parsed (`CONNECTION - tls` for a
//! TLS ClientHello, `CONNECTION - h2` for an HTTP/2 preface, `CONNECTION - unparsed` else).
//!
//! The model is propagation delay only: connecting costs nothing (the handshake happens on
//! loopback), bandwidth is loopback's, and chunks keep their order and spacing (a pipe with
//! latency, not a sleep per chunk in series). Tokio's timer adds up to about 1 ms per hop.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Read size of each direction.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight per direction before the reader waits (bounds memory per connection).
const IN_FLIGHT: usize = 256;
/// A request head longer than this stops parsing of its connection.
const MAX_HEAD: usize = 64 * 1024;
/// First byte of a TLS record carrying a handshake.
const TLS_HANDSHAKE: u8 = 0x16;
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0";

struct Flags {
    listen: String,
    upstream: String,
    rtt: Duration,
    log: String,
}

fn flags() -> Flags {
    const USAGE: &str =
        "usage: lading-latency-relay --upstream HOST:PORT --rtt-ms N --log FILE [--listen ADDR]";
    let mut listen = "127.0.0.1:0".to_owned();
    let (mut upstream, mut rtt, mut log) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().expect(USAGE);
        match flag.as_str() {
            "--listen" => listen = value,
            "--upstream" => upstream = Some(value),
            "--rtt-ms" => rtt = Some(value.parse::<f64>().expect("--rtt-ms: a number")),
            "--log" => log = Some(value),
            _ => panic!("{USAGE}"),
        }
    }
    Flags {
        listen,
        upstream: upstream.expect(USAGE),
        rtt: Duration::from_secs_f64(rtt.expect(USAGE) / 1000.0),
        log: log.expect(USAGE),
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let flags = flags();
    let log = RequestLog::create(&flags.log);
    let listener = TcpListener::bind(&flags.listen).await.expect("bind relay");
    println!("relay={}", listener.local_addr().expect("relay address"));
    println!("ready");
    let one_way = flags.rtt / 2;
    let connections = AtomicU64::new(0);
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    loop {
        let (client, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
            _ = term.recv() => return,
            _ = tokio::signal::ctrl_c() => return,
        };
        let id = connections.fetch_add(1, Ordering::Relaxed) + 1;
        let counter = RequestCounter::new(id, log.clone());
        tokio::spawn(relay(client, flags.upstream.clone(), one_way, counter));
    }
}

async fn relay(client: TcpStream, upstream: String, one_way: Duration, counter: RequestCounter) {
    let Ok(server) = TcpStream::connect(&upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let mut counter = counter;
    tokio::join!(
        delayed_copy(client_read, server_write, one_way, move |bytes| counter
            .feed(bytes)),
        delayed_copy(server_read, client_write, one_way, |_| {}),
    );
}

/// Copies `from` to `to`, each chunk written `delay` after it was read; `seen` looks at each
/// chunk as it is read. End of stream is passed on after the same delay.
async fn delayed_copy(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    delay: Duration,
    mut seen: impl FnMut(&[u8]),
) {
    let (sender, mut receiver) = mpsc::channel::<(Instant, Vec<u8>)>(IN_FLIGHT);
    let read = async move {
        let mut buffer = vec![0u8; CHUNK];
        loop {
            let n = from.read(&mut buffer).await.unwrap_or(0);
            seen(&buffer[..n]);
            // An empty chunk is the end of the stream, delivered like the rest.
            let chunk = (Instant::now() + delay, buffer[..n].to_vec());
            if sender.send(chunk).await.is_err() || n == 0 {
                break;
            }
        }
    };
    let write = async move {
        while let Some((due, chunk)) = receiver.recv().await {
            tokio::time::sleep_until(due).await;
            if chunk.is_empty() || to.write_all(&chunk).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(read, write);
}

/// The request log, shared by every connection; each line is one `write` of an unbuffered
/// file opened for appending, so a reader never sees half a line.
#[derive(Clone)]
struct RequestLog(Arc<Mutex<std::fs::File>>);

impl RequestLog {
    fn create(path: &str) -> Self {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
        Self(Arc::new(Mutex::new(file)))
    }

    fn line(&self, line: String) {
        let mut file = self.0.lock().expect("request log lock");
        let _ = file.write_all(format!("{line}\n").as_bytes());
    }
}

/// Finds request heads in what a client sends: head, then `Content-Length` bytes of body, then
/// the next head (keep-alive). Chunked request bodies stop the parse: no client here sends one.
struct RequestCounter {
    connection: u64,
    log: RequestLog,
    pending: Vec<u8>,
    body_left: u64,
    stopped: bool,
}

impl RequestCounter {
    fn new(connection: u64, log: RequestLog) -> Self {
        Self {
            connection,
            log,
            pending: Vec::new(),
            body_left: 0,
            stopped: false,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if self.stopped {
            return;
        }
        self.pending.extend_from_slice(bytes);
        loop {
            let skipped = self.body_left.min(self.pending.len() as u64);
            self.pending.drain(..skipped as usize);
            self.body_left -= skipped;
            if self.body_left > 0 || self.pending.is_empty() {
                return;
            }
            if self.pending[0] == TLS_HANDSHAKE {
                return self.stop("tls");
            }
            if self.pending.starts_with(H2_PREFACE) {
                return self.stop("h2");
            }
            let Some(end) = find(&self.pending, b"\r\n\r\n") else {
                if self.pending.len() > MAX_HEAD {
                    self.stop("unparsed");
                }
                return;
            };
            let head = String::from_utf8_lossy(&self.pending[..end]).into_owned();
            self.pending.drain(..end + 4);
            if !self.request(&head) {
                return self.stop("unparsed");
            }
        }
    }

    /// Logs one request head and notes its body's length; false if it is not a request.
    fn request(&mut self, head: &str) -> bool {
        let mut lines = head.split("\r\n");
        let mut words = lines.next().unwrap_or("").split(' ');
        let (Some(method), Some(target), Some(version)) =
            (words.next(), words.next(), words.next())
        else {
            return false;
        };
        if !version.starts_with("HTTP/1.") || method.is_empty() {
            return false;
        }
        for header in lines {
            let Some((name, value)) = header.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                self.body_left = value.parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && !value.eq_ignore_ascii_case("identity")
            {
                self.log
                    .line(format!("{} {method} {target}", self.connection));
                self.stop("chunked");
                return true;
            }
        }
        self.log
            .line(format!("{} {method} {target}", self.connection));
        true
    }

    fn stop(&mut self, why: &str) {
        self.log.line(format!("{} - {why}", self.connection));
        self.stopped = true;
        self.pending = Vec::new();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
