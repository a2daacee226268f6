//! A real Debian `docker-registry` (distribution 2.8.2) on loopback, one per test.
//!
//! Each instance gets its own config, storage and port in a temp dir, so tests run in parallel
//! and leave nothing behind. Config choices, each for a reason:
//! - no blob-descriptor cache: the in-memory cache can report deleted blobs as present;
//! - `storage.delete.enabled`: tests delete manifests;
//! - `compatibility.schema1.enabled`: 2.8 refuses schema1 pushes otherwise;
//! - `validation.manifests.urls.allow`: unset, 2.x refuses every manifest whose layers carry
//!   `urls` (Windows foreign layers);
//! - log level warn: keep the captured output to what explains a failure.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use crate::process::{Readiness, Supervised, launch};
use crate::pusher::{PushAuth, Pusher};
use crate::token_server::TokenServer;

/// Debian's path of distribution's binary.
pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";
/// distribution answers in ~50 ms; allow for a loaded 2-core machine.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// `realm` of the htpasswd challenge.
pub const HTPASSWD_REALM: &str = "lading-test-basic";
/// bcrypt cost of htpasswd entries: the minimum, since every request re-checks the password.
const BCRYPT_COST: &str = "4";

pub struct Registry {
    process: Supervised,
    addr: String,
    auth: PushAuth,
    dir: TempDir,
}

enum Auth<'a> {
    None,
    Htpasswd(&'a Path),
    Token(&'a TokenServer, &'a Path),
}

impl Registry {
    /// No authentication at all.
    pub fn plain() -> Self {
        let dir = temp_dir();
        Self::start(dir, &Auth::None, PushAuth::Anonymous)
    }

    /// Basic authentication against one bcrypt htpasswd entry.
    pub fn htpasswd(user: &str, password: &str) -> Self {
        let dir = temp_dir();
        let file = dir.path().join("htpasswd");
        std::fs::write(&file, bcrypt_entry(user, password)).expect("write htpasswd file");
        let auth = PushAuth::Basic {
            user: user.into(),
            password: password.into(),
        };
        Self::start(dir, &Auth::Htpasswd(&file), auth)
    }

    /// Bearer tokens from `server`, trusted through a copy of its signing certificate.
    pub fn token(server: &TokenServer) -> Self {
        let dir = temp_dir();
        // A copy, so the registry never depends on the token server's temp dir outliving it.
        let bundle = dir.path().join("rootcerts.pem");
        std::fs::copy(server.cert_path(), &bundle).expect("copy token signing cert");
        let auth = PushAuth::Bearer(server.minter());
        Self::start(dir, &Auth::Token(server, &bundle), auth)
    }

    fn start(dir: TempDir, auth: &Auth<'_>, push_auth: PushAuth) -> Self {
        let config_path = dir.path().join("config.yml");
        let storage = dir.path().join("storage");
        let (process, addr) = launch(
            |port| {
                let config = config_yaml(port, &storage, auth);
                std::fs::write(&config_path, config).expect("write registry config");
                let mut command = Command::new(REGISTRY_BIN);
                command.arg("serve").arg(&config_path);
                command
            },
            &Readiness {
                what: "docker-registry",
                path: "/v2/",
                ready: &[200, 401],
                timeout: READY_TIMEOUT,
            },
        );
        Self {
            process,
            addr,
            auth: push_auth,
            dir,
        }
    }

    /// "127.0.0.1:PORT", as a reference's registry part.
    pub fn host(&self) -> String {
        self.addr.clone()
    }

    /// "http://127.0.0.1:PORT".
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Uploads content with whatever credentials this registry needs.
    pub fn pusher(&self) -> Pusher {
        Pusher::new(self.base_url(), self.auth.clone())
    }

    /// What the registry printed (warnings and errors only).
    pub fn output(&self) -> String {
        self.process.output()
    }

    /// The registry's storage root (filesystem driver), e.g. to corrupt a blob on purpose.
    pub fn storage_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("storage")
    }
}

fn temp_dir() -> TempDir {
    tempfile::Builder::new()
        .prefix("lading-registry-")
        .tempdir()
        .expect("temp dir for a registry")
}

fn config_yaml(port: u16, storage: &Path, auth: &Auth<'_>) -> String {
    let auth_section = match auth {
        Auth::None => String::new(),
        Auth::Htpasswd(file) => format!(
            "auth:\n  htpasswd:\n    realm: {HTPASSWD_REALM}\n    path: {}\n",
            file.display()
        ),
        Auth::Token(server, bundle) => format!(
            "auth:\n  token:\n    realm: {}\n    service: {}\n    issuer: {}\n    rootcertbundle: {}\n",
            server.realm(),
            server.service(),
            server.issuer(),
            bundle.display()
        ),
    };
    format!(
        "version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:{port}
  secret: lading-testkit-{port}
health:
  storagedriver:
    enabled: false
compatibility:
  schema1:
    enabled: true
validation:
  manifests:
    urls:
      allow:
        - ^https?://
{auth_section}",
        storage = storage.display()
    )
}

/// `user:$2y$…` via `htpasswd -nbB` (distribution only accepts bcrypt entries).
fn bcrypt_entry(user: &str, password: &str) -> String {
    let out = Command::new("htpasswd")
        .args(["-n", "-b", "-B", "-C", BCRYPT_COST, user, password])
        .output()
        .unwrap_or_else(|e| panic!("cannot run htpasswd (apt-get install apache2-utils): {e}"));
    assert!(
        out.status.success(),
        "htpasswd failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("htpasswd prints ASCII")
        .trim_end()
        .to_owned()
        + "\n"
}
