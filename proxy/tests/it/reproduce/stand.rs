//! The test stand every reproduce suite uses: a real registry (docker-registry plain, behind
//! htpasswd or behind the token server; a scripted registry with Link pagination; or a World
//! vendor whose blobs redirect to a CDN) holding known fixtures, a `lading` in front of it,
//! [`Stand::view`] to get a view's trace and API answer as the page would, and
//! [`Stand::run`] to execute a generated script the way a person would (credentials only in
//! the environment, a fresh working directory, a timeout, nothing leaving loopback).
//!
//! Typical use:
//! ```ignore
//! let stand = Stand::start(Access::Token);
//! let subject = stand.fixtures().file();
//! let (flow, api) = stand.view(&subject);
//! let run = stand.run(Kind::Sh, &sh::script(&flow), Creds::Good);
//! run.assert_success();
//! assert_eq!(run.stdout, expected_output(&subject, &api));
//! ```
//!
//! Every view is made by a fresh `lading` (empty token and manifest caches), so its trace is
//! the one a first visit records: ping, challenge, token, HEAD, GET.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use lading_shared::reproduce::{Flow, Kind, PASSWORD_VAR, Subject, USER_VAR};
use lading_testkit::{Registry, ScriptedRegistry, TokenServer, World};
use serde_json::Value;

mod api;
mod checks;
mod expected;
mod fixtures;

pub use expected::expected_output;
pub use fixtures::{
    EXTRA_TAGS, FILE_CONTENT, FILE_PATH, IMAGE_TAG, INDEX_TAG, ImageFixture, OTHER_REPO,
    PAGED_PAGE_SIZE, PAGED_REPO, PAGED_TAGS, REPO, StandContent, StandFixtures,
};

/// The user the htpasswd and token stands know (and the World's, for `redirecting`).
pub const USER: &str = "lading-reader";
/// Its password: a space, a colon and a `$` so a script that inlines or splits it breaks.
pub const PASSWORD: &str = "correct horse:battery $staple";
/// What [`Creds::Wrong`] puts in `REGISTRY_PASSWORD`.
pub const WRONG_PASSWORD: &str = "not-the-password";
/// How long one script may run (`timeout -k 5 60`).
pub const SCRIPT_TIMEOUT_SECS: u32 = 60;

/// Which real docker-registry [`Stand::start`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No authentication.
    Plain,
    /// `WWW-Authenticate: Basic` against one htpasswd entry ([`USER`], [`PASSWORD`]).
    Htpasswd,
    /// Bearer tokens from the testkit's token server; [`REPO`] is private there, so an
    /// anonymous or wrong-password token request is refused.
    Token,
}

/// What [`Stand::run`] puts into `REGISTRY_USER` / `REGISTRY_PASSWORD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creds {
    /// Neither variable set.
    None,
    /// The stand's user and password ([`USER`]/[`PASSWORD`]; the World's for `redirecting`).
    Good,
    /// The stand's user with [`WRONG_PASSWORD`].
    Wrong,
}

/// One script run.
#[derive(Debug)]
pub struct ScriptRun {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// The working directory the script ran in (downloads land here); removed when the
    /// `ScriptRun` is dropped.
    pub cwd: PathBuf,
    _dir: tempfile::TempDir,
}

impl ScriptRun {
    /// Panics with the script's output unless it exited 0.
    #[track_caller]
    pub fn assert_success(&self) {
        assert!(
            self.status.success(),
            "script failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            self.status,
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        );
    }

    /// Panics unless the script failed with nothing on stdout (no partial results).
    #[track_caller]
    pub fn assert_failed_cleanly(&self) {
        assert!(
            !self.status.success(),
            "script succeeded but should have failed:\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        );
        assert!(
            self.stdout.is_empty(),
            "a failing script printed partial results:\n{}",
            String::from_utf8_lossy(&self.stdout)
        );
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// What serves the registry side.
// One per test: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Backend {
    Registry {
        registry: Registry,
        tokens: Option<TokenServer>,
    },
    Scripted(ScriptedRegistry),
    World(World),
}

pub struct Stand {
    backend: Backend,
    access: Option<Access>,
    fixtures: StandFixtures,
    /// `--allow-host` values for every fresh lading.
    allow_hosts: Vec<String>,
    /// Credentials the views are made with (the page's sign-in).
    view_credentials: Option<(String, String)>,
    /// Credentials [`Creds::Good`] hands the scripts.
    script_credentials: (String, String),
}

impl Stand {
    /// A docker-registry (plus the token server for [`Access::Token`]) with the fixtures
    /// pushed into [`REPO`]: the index [`INDEX_TAG`] (linux/amd64, linux/arm64/v8), the
    /// image [`IMAGE_TAG`] (two gzip layers, the first holding [`FILE_PATH`]) and
    /// [`EXTRA_TAGS`]; a second repository so the catalog has more than one name.
    pub fn start(access: Access) -> Stand {
        let (registry, tokens) = match access {
            Access::Plain => (Registry::plain(), None),
            Access::Htpasswd => (Registry::htpasswd(USER, PASSWORD), None),
            Access::Token => {
                let tokens = TokenServer::start(
                    lading_testkit::TokenPolicy::default()
                        .user(USER, PASSWORD)
                        .private_repo(REPO),
                );
                (Registry::token(&tokens), Some(tokens))
            }
        };
        let host = registry.host();
        let fixtures = fixtures::push_standard(&registry.pusher(), &host);
        let mut allow_hosts = vec![host];
        if let Some(tokens) = &tokens {
            allow_hosts.push(authority(&tokens.realm()));
        }
        let credentials = (USER.to_string(), PASSWORD.to_string());
        Stand {
            backend: Backend::Registry { registry, tokens },
            access: Some(access),
            fixtures,
            allow_hosts,
            view_credentials: (access != Access::Plain).then(|| credentials.clone()),
            script_credentials: credentials,
        }
    }

    /// A scripted registry serving [`PAGED_REPO`]'s [`PAGED_TAGS`] tags [`PAGED_PAGE_SIZE`]
    /// a page with a relative `Link: <…>; rel="next"` (4 pages). Anonymous; only the tags
    /// view exists here ([`StandFixtures::content`] is `None`).
    pub fn paged_tags() -> Stand {
        let registry = ScriptedRegistry::start(
            lading_testkit::TagScript::new(PAGED_REPO, PAGED_TAGS).page_size(PAGED_PAGE_SIZE),
        );
        let fixtures = fixtures::paged(&registry);
        Stand {
            allow_hosts: vec![registry.host()],
            backend: Backend::Scripted(registry),
            access: None,
            fixtures,
            view_credentials: None,
            script_credentials: (USER.to_string(), PASSWORD.to_string()),
        }
    }

    /// A GHCR World (`ghcr.io`, anonymous Bearer tokens, blobs answered `307` to a signed
    /// `pkg-containers.githubusercontent.com` URL that refuses `Authorization`) with the same
    /// fixtures pushed into [`REPO`] (public). Scripts run in its mount namespace (the real
    /// names resolve to the World) trusting its CA; lading runs there too.
    pub fn redirecting() -> Stand {
        Stand::world_of(lading_testkit::Vendor::Ghcr)
    }

    /// The standard fixtures in a World of `vendor` (Docker Hub: `registry-1.docker.io`, its
    /// token server and its Cloudflare-like CDN, under their real names).
    pub fn world_of(vendor: lading_testkit::Vendor) -> Stand {
        let world = World::start(vendor);
        let registry = world.registry().to_string();
        let mut fixtures = fixtures::push_standard(world.pusher(), &registry);
        // GHCR (and Docker Hub) list tags oldest push first and have no catalog.
        fixtures.tags = fixtures::push_order();
        fixtures.catalog = None;
        let script_credentials = world
            .fixtures()
            .credentials
            .clone()
            .unwrap_or_else(|| (USER.to_string(), PASSWORD.to_string()));
        Stand {
            allow_hosts: world.hosts(),
            backend: Backend::World(world),
            access: None,
            fixtures,
            view_credentials: None,
            script_credentials,
        }
    }

    pub fn fixtures(&self) -> &StandFixtures {
        &self.fixtures
    }

    /// `Some` for [`Stand::start`] stands.
    pub fn access(&self) -> Option<Access> {
        self.access
    }

    /// The token server of an [`Access::Token`] stand (to mint or count tokens).
    pub fn token_server(&self) -> Option<&TokenServer> {
        match &self.backend {
            Backend::Registry { tokens, .. } => tokens.as_ref(),
            _ => None,
        }
    }

    /// The World of a [`Stand::redirecting`] stand (its request log, CA, namespace).
    pub fn world(&self) -> Option<&World> {
        match &self.backend {
            Backend::World(world) => Some(world),
            _ => None,
        }
    }

    /// The scripted registry of [`Stand::paged_tags`] (its request log).
    pub fn scripted(&self) -> Option<&ScriptedRegistry> {
        match &self.backend {
            Backend::Scripted(scripted) => Some(scripted),
            _ => None,
        }
    }

    /// What the registry printed (docker-registry stands), for failure messages.
    pub fn registry_output(&self) -> String {
        match &self.backend {
            Backend::Registry { registry, .. } => registry.output(),
            _ => String::new(),
        }
    }

    /// `(user, password)` [`Creds::Good`] gives scripts.
    pub fn script_credentials(&self) -> (&str, &str) {
        (&self.script_credentials.0, &self.script_credentials.1)
    }

    /// `(user, password)` the views are made with, when the stand needs them.
    pub fn view_credentials(&self) -> Option<(&str, &str)> {
        self.view_credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// Makes the view `subject` names through lading's API as the page does (with the
    /// stand's credentials when it has some) and returns `Flow::new(subject, trace)` and the
    /// API's answer. Panics with the answer when the API fails. The answer per view:
    /// - `Manifest`, `Tags`, `Catalog`: the JSON body (`ImageResponse`, `TagsResponse`,
    ///   `CatalogResponse`);
    /// - `Layer`: `{"start": …, "entries": [every entry, in order], "done": summary}`;
    /// - `File`: the `FilePreview` JSON plus `"bytes_base64"`: the whole file as the download
    ///   (`/api/file` without `preview`) gave it;
    /// - `Blob`: `{"digest", "size" (from the manifest), "bytes_sha256" (of the download),
    ///   "image": ImageResponse}`; the trace is the image view's;
    /// - `Export`: `{"digest": manifest digest, "archive": "<file_stem>.tar",
    ///   "image": ImageResponse}`; the trace is the image view's.
    pub fn view(&self, subject: &Subject) -> (Flow, Value) {
        api::view(self, subject)
    }

    /// Writes `script` to a file and runs `sh FILE` (`python3 FILE` for [`Kind::Python`]) in
    /// a fresh temporary directory, under `timeout -k 5 60`, with a clean environment: `PATH`,
    /// `HOME`/`XDG_*`/`DOCKER_CONFIG`/`REGISTRY_AUTH_FILE` inside that directory (no auth file
    /// of this machine is read), no proxy variables, `REGISTRY_USER`/`REGISTRY_PASSWORD` per
    /// `creds`; for a World also `CURL_CA_BUNDLE`, `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE` = its
    /// CA, inside its mount namespace.
    pub fn run(&self, kind: Kind, script: &str, creds: Creds) -> ScriptRun {
        let dir = tempfile::Builder::new()
            .prefix("lading-reproduce-")
            .tempdir()
            .expect("temp dir for a script");
        let cwd = dir.path().join("work");
        std::fs::create_dir(&cwd).expect("script working directory");
        let file = dir.path().join(match kind {
            Kind::Python => "script.py",
            _ => "script.sh",
        });
        std::fs::write(&file, script).expect("write the script");
        let interpreter = match kind {
            Kind::Python => "python3",
            _ => "sh",
        };
        let mut command = Command::new("timeout");
        command
            .args(["-k", "5", &SCRIPT_TIMEOUT_SECS.to_string()])
            .current_dir(&cwd)
            .stdin(Stdio::null());
        if let Some(world) = self.world() {
            command.args(world.namespace_prefix());
        }
        command.arg(interpreter).arg(&file);
        self.script_env(&mut command, dir.path(), creds);
        let output = command.output().expect("run the script under timeout");
        ScriptRun {
            status: output.status,
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            cwd,
            _dir: dir,
        }
    }

    fn script_env(&self, command: &mut Command, home: &Path, creds: Creds) {
        command.env_clear();
        let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
        command
            .env("PATH", path)
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env("HOME", home)
            .env("TMPDIR", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_RUNTIME_DIR", home)
            .env("DOCKER_CONFIG", home.join(".docker"))
            .env("REGISTRY_AUTH_FILE", home.join("auth.json"))
            // Python must not pick up site or user packages from this machine.
            .env("PYTHONNOUSERSITE", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1");
        let (user, password) = self.script_credentials();
        match creds {
            Creds::None => {}
            Creds::Good => {
                command.env(USER_VAR, user).env(PASSWORD_VAR, password);
            }
            Creds::Wrong => {
                command
                    .env(USER_VAR, user)
                    .env(PASSWORD_VAR, WRONG_PASSWORD);
            }
        }
        if let Some(world) = self.world() {
            let ca = world.ca_pem();
            command
                .env("CURL_CA_BUNDLE", ca)
                .env("SSL_CERT_FILE", ca)
                .env("REQUESTS_CA_BUNDLE", ca);
        }
    }

    pub(crate) fn allow_hosts(&self) -> &[String] {
        &self.allow_hosts
    }
}

/// `host:port` of a URL.
fn authority(url: &str) -> String {
    url::Url::parse(url).expect("a URL").authority().to_string()
}

/// Runs a future on a runtime of its own thread: the stand's methods are synchronous and may
/// be called from a plain `#[test]` or from inside a test's runtime alike.
pub(crate) fn block_on<T: Send>(future: impl std::future::Future<Output = T> + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime for the stand")
                    .block_on(future)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
