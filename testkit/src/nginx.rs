//! Debian's nginx on loopback, run from a scratch prefix with a configuration the test
//! writes: the engine that puts several `lading` instances behind one address.
//!
//! nginx runs in the foreground (`daemon off` is the caller's config's job) as the leader of
//! its own process group, so dropping [`Nginx`] kills the master and its workers together,
//! then removes the prefix with its cache, temp files and logs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use crate::process::{Readiness, Supervised, launch};

/// Debian's path of nginx's binary (package `nginx`, 1.22).
pub const NGINX_BIN: &str = "/usr/sbin/nginx";
/// nginx itself starts in milliseconds; what it is probed through may take longer.
const READY_TIMEOUT: Duration = Duration::from_secs(15);

pub struct Nginx {
    // Declared before `prefix`: the processes die before their directory goes.
    process: Supervised,
    addr: String,
    prefix: TempDir,
}

impl Nginx {
    /// Starts `nginx -p PREFIX -c CONF` on a free loopback port. `configure(listen, prefix)`
    /// writes whatever files the configuration needs under `prefix` for nginx to listen on
    /// `listen` ("127.0.0.1:PORT") and returns the main file; it is called again with another
    /// port if that one was taken meanwhile. nginx is ready once `GET ready_path` through it
    /// answers 200 (e.g. a backend's health, which proves the proxying too).
    pub fn start(ready_path: &str, mut configure: impl FnMut(&str, &Path) -> PathBuf) -> Nginx {
        let prefix = tempfile::Builder::new()
            .prefix("lading-nginx-")
            .tempdir()
            .expect("temp dir for nginx");
        // Started by root, nginx's workers run as `nobody`: they must be able to enter the
        // prefix to reach the cache and temp directories nginx makes (and hands to them).
        std::fs::set_permissions(prefix.path(), std::fs::Permissions::from_mode(0o755))
            .expect("make the nginx prefix traversable");
        let (process, addr) = launch(
            |port| {
                let conf = configure(&format!("127.0.0.1:{port}"), prefix.path());
                let mut command = Command::new(NGINX_BIN);
                command.arg("-p").arg(prefix.path()).arg("-c").arg(conf);
                command
            },
            &Readiness {
                what: "nginx",
                path: ready_path,
                ready: &[200],
                timeout: READY_TIMEOUT,
            },
        );
        Nginx {
            process,
            addr,
            prefix,
        }
    }

    /// "http://127.0.0.1:PORT".
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The scratch prefix: where the configuration put its logs and cache.
    pub fn prefix(&self) -> &Path {
        self.prefix.path()
    }

    /// What nginx printed on stderr (warnings and errors, if the config sends them there).
    pub fn output(&self) -> String {
        self.process.output()
    }
}
