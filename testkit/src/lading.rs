//! The `lading` server binary as a user runs it: a child process on a free loopback port,
//! ready once `GET /api/health` answers 200, its output kept for assertions and for the panic
//! message when it fails to start.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::process::{Readiness, Supervised, launch};

/// A cold debug binary on a loaded 2-core machine can take a while to bind.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(15);

pub struct LadingProcess {
    process: Supervised,
    addr: String,
}

impl LadingProcess {
    /// Runs `bin --listen 127.0.0.1:<free port> <extra_args…>` and waits for health.
    pub fn spawn(bin: &Path, extra_args: &[&str]) -> Self {
        Self::spawn_with_env(bin, extra_args, &[])
    }

    /// Like [`LadingProcess::spawn`], with extra environment variables (e.g. `RUST_LOG`).
    pub fn spawn_with_env(bin: &Path, extra_args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn_wrapped(&[], bin, extra_args, env)
    }

    /// Like [`LadingProcess::spawn_with_env`], run through a command prefix: `prefix[0]
    /// prefix[1..] BIN --listen … ARGS…` (the World's mount-namespace launcher); an empty
    /// prefix runs the binary itself. The prefix must exec the binary in place so the process
    /// group stays the one killed on drop.
    pub fn spawn_wrapped(
        prefix: &[std::ffi::OsString],
        bin: &Path,
        extra_args: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let (process, addr) = launch(
            |port| {
                let mut command = match prefix.split_first() {
                    Some((program, prefix_args)) => {
                        let mut command = Command::new(program);
                        command.args(prefix_args).arg(bin);
                        command
                    }
                    None => Command::new(bin),
                };
                command
                    .arg("--listen")
                    .arg(format!("127.0.0.1:{port}"))
                    .args(extra_args)
                    .envs(env.iter().copied());
                command
            },
            &Readiness {
                what: "lading",
                path: "/api/health",
                ready: &[200],
                timeout: HEALTH_TIMEOUT,
            },
        );
        Self { process, addr }
    }

    /// "http://127.0.0.1:PORT".
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// "127.0.0.1:PORT".
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The process id, e.g. to read `/proc/<pid>/status` (memory use).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Everything it printed so far, stdout and stderr interleaved.
    pub fn output(&self) -> String {
        self.process.output()
    }
}
