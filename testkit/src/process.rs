//! Child processes the harness starts (docker-registry, chromedriver, lading).
//!
//! Each runs in its own process group and the whole group is killed on drop, so a test that
//! panics never leaves a registry or a Chromium behind. Output is kept in memory because the
//! first thing a person needs when a start-up fails is what the process said.

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::probe;

/// Output kept per process; older bytes are dropped past this so a chatty child can't eat memory.
const OUTPUT_LIMIT: usize = 1 << 20;
/// How often a starting process is polled for readiness.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// Free-port picking races with other tests; give up after this many clashes.
const PORT_ATTEMPTS: usize = 5;
/// After a child exits, how long its last output may take to drain from the pipes.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// A child process in its own process group, with its stdout and stderr captured.
pub(crate) struct Supervised {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Supervised {
    pub(crate) fn spawn(mut command: Command) -> std::io::Result<Self> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command.spawn()?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(capture(out, output.clone()));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(capture(err, output.clone()));
        }
        Ok(Self {
            child,
            output,
            readers,
        })
    }

    /// Output of a process that has exited: waits (bounded) until the pipes are drained, since
    /// the reader threads may lag behind the exit.
    pub(crate) fn final_output(&self) -> String {
        let deadline = Instant::now() + DRAIN_TIMEOUT;
        while self.readers.iter().any(|r| !r.is_finished()) && Instant::now() < deadline {
            std::thread::sleep(POLL_INTERVAL);
        }
        self.output()
    }

    /// Everything the process printed so far, stdout and stderr interleaved.
    pub(crate) fn output(&self) -> String {
        let bytes = self.output.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The child's process id (also its process group id).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        // The group id is the child's pid (process_group(0)); this also reaches Chromium,
        // which chromedriver starts as its own child.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies a pipe into the shared buffer on a thread of its own, whole lines at a time so
/// stdout and stderr interleave by line (unbuffered stderr writes one line in pieces). The
/// thread is never joined without a deadline: a grandchild that escaped the group could hold
/// the pipe open forever.
fn capture(mut pipe: impl Read + Send + 'static, sink: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        let mut pending = Vec::new();
        loop {
            let n = pipe.read(&mut chunk).unwrap_or(0);
            pending.extend_from_slice(&chunk[..n]);
            let complete = match pending.iter().rposition(|&b| b == b'\n') {
                _ if n == 0 || pending.len() > OUTPUT_LIMIT => pending.len(),
                Some(newline) => newline + 1,
                None => 0,
            };
            if complete > 0 {
                let mut buf = sink.lock().unwrap_or_else(|e| e.into_inner());
                buf.extend(pending.drain(..complete));
                if buf.len() > OUTPUT_LIMIT {
                    let excess = buf.len() - OUTPUT_LIMIT;
                    buf.drain(..excess);
                }
            }
            if n == 0 {
                break;
            }
        }
    })
}

/// A port that was free a moment ago on 127.0.0.1. Racy by nature: see [`launch`].
pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 to find a free port");
    listener
        .local_addr()
        .expect("local_addr of probe listener")
        .port()
}

/// What a started process must answer before it counts as ready.
pub(crate) struct Readiness<'a> {
    /// Name used in panic messages ("docker-registry", "chromedriver", …).
    pub what: &'a str,
    /// Path probed with a plain HTTP GET.
    pub path: &'a str,
    /// Status codes that mean "up".
    pub ready: &'a [u16],
    pub timeout: Duration,
}

/// Starts a server on a free port, retrying with another port when the chosen one was taken
/// in between. `command_for` builds the command for a port (and may write config files).
/// Panics with the process output when it dies or does not become ready in time.
pub(crate) fn launch(
    mut command_for: impl FnMut(u16) -> Command,
    readiness: &Readiness<'_>,
) -> (Supervised, String) {
    for _ in 0..PORT_ATTEMPTS {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let mut process = Supervised::spawn(command_for(port))
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", readiness.what));
        let deadline = Instant::now() + readiness.timeout;
        loop {
            if let Some(status) = probe::http_status(&addr, readiness.path)
                && readiness.ready.contains(&status)
            {
                return (process, addr);
            }
            if let Some(status) = process.exit_status() {
                let output = process.final_output();
                if is_port_clash(&output) {
                    break;
                }
                panic!(
                    "{} exited ({status}) before answering GET {} on {addr}; its output:\n{output}",
                    readiness.what, readiness.path
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "{} did not answer GET {} on {addr} with {:?} within {:?}; its output:\n{}",
                    readiness.what,
                    readiness.path,
                    readiness.ready,
                    readiness.timeout,
                    process.output()
                );
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }
    panic!(
        "{}: every one of {PORT_ATTEMPTS} free ports was taken before it could bind",
        readiness.what
    );
}

fn is_port_clash(output: &str) -> bool {
    let lower = output.to_ascii_lowercase();
    lower.contains("address already in use") || lower.contains("port not available")
}
