//! The World: faithful fakes of the registries people use, each served over TLS under its
//! real host name on its own `127.77.X.Y:443`, with the quirks of REGISTRIES.md switched on.
//!
//! Clients under test (lading, skopeo) run in a private mount namespace whose `/etc/hosts`
//! maps those names to the World's addresses, and trust the World's CA through `--ca-cert` /
//! `--cert-dir` — so they resolve and verify exactly as against the real services.
//!
//! Pieces: [`tls`] (CA, leaf certificates, TLS servers), [`engine`] (the distribution API
//! shaped by a [`Profile`]), [`store`] (content), `vendors` (one profile per registry),
//! `hub` (Docker Hub, built by its own helper on the same engine).

mod cdn;
pub mod engine;
mod fill;
pub mod hub;
mod launch;
mod namespace;
mod push;
mod record;
pub mod store;
pub mod tls;
mod vendors;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;

pub use fill::WorldFixtures;
pub use record::{RequestLog, SeenRequest};
pub use store::Store;
pub use tls::{Ca, LeafCert, TlsServer};

use crate::{BackgroundServer, Pusher};

/// The registries a World can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vendor {
    DockerHub,
    Ghcr,
    Gcr,
    ArtifactRegistry,
    Quay,
    Ecr,
    PublicEcr,
    Acr,
    GitLab,
    Harbor,
    Artifactory,
}

impl Vendor {
    pub const ALL: [Vendor; 11] = [
        Vendor::DockerHub,
        Vendor::Ghcr,
        Vendor::Gcr,
        Vendor::ArtifactRegistry,
        Vendor::Quay,
        Vendor::Ecr,
        Vendor::PublicEcr,
        Vendor::Acr,
        Vendor::GitLab,
        Vendor::Harbor,
        Vendor::Artifactory,
    ];
}

/// Options a test may change before the World starts.
#[derive(Clone, Copy, Debug, Default)]
pub struct WorldOptions {
    /// Break every leaf certificate in one way (TLS failure tests).
    pub leaf: LeafCert,
    /// The other reading of each fact REGISTRIES.md calls uncertain (per vendor; see the
    /// vendor's profile for what it flips).
    pub alternate: bool,
}

/// What vendor code uses to put a World together: serve routers under host names, push
/// fixtures, set the registry name and fixtures.
pub struct WorldBuilder {
    pub vendor: Vendor,
    pub options: WorldOptions,
    pub ca: Ca,
    pub store: Store,
    pub log: RequestLog,
    services: Vec<TlsServer>,
    push_server: BackgroundServer,
    pusher: Pusher,
    /// Set by the vendor: what a person types.
    pub registry: Option<String>,
    /// Set by the vendor.
    pub fixtures: Option<WorldFixtures>,
}

impl WorldBuilder {
    fn new(vendor: Vendor, options: WorldOptions) -> Self {
        let store = Store::new();
        let (push_server, pusher) = push::start(store.clone());
        Self {
            vendor,
            options,
            ca: Ca::new(),
            store,
            log: RequestLog::default(),
            services: Vec::new(),
            push_server,
            pusher,
            registry: None,
            fixtures: None,
        }
    }

    /// Serves `router` over TLS for `names` (one certificate, one address), every request
    /// recorded. Returns the address.
    pub fn serve(&mut self, names: &[&str], router: Router) -> SocketAddr {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let router = record::recorded(router, self.log.clone(), names[0].clone());
        let server = TlsServer::start(&self.ca, &names, self.options.leaf, router);
        let addr = server.addr();
        self.services.push(server);
        addr
    }

    /// Pushes into this World's store over the testkit's push API (no auth, plain HTTP on
    /// 127.0.0.1; clients under test never see it).
    pub fn pusher(&self) -> &Pusher {
        &self.pusher
    }

    fn finish(self) -> World {
        let dir = tempfile::Builder::new()
            .prefix("lading-world-")
            .tempdir()
            .expect("World temp dir");
        let ca_pem = dir.path().join("ca.pem");
        std::fs::write(&ca_pem, self.ca.pem()).expect("write ca.pem");
        let cert_dir = dir.path().join("certs");
        std::fs::create_dir(&cert_dir).expect("create cert dir");
        std::fs::write(cert_dir.join("ca.crt"), self.ca.pem()).expect("write certs/ca.crt");
        let entries: Vec<(SocketAddr, String)> = self
            .services
            .iter()
            .flat_map(|s| s.names().iter().map(|n| (s.addr(), n.clone())))
            .collect();
        let hosts_file = dir.path().join("hosts");
        std::fs::write(&hosts_file, namespace::hosts_text(&entries)).expect("write hosts file");
        let registry = self
            .registry
            .unwrap_or_else(|| panic!("{:?} World: the vendor set no registry name", self.vendor));
        let fixtures = self
            .fixtures
            .unwrap_or_else(|| panic!("{:?} World: the vendor set no fixtures", self.vendor));
        World {
            vendor: self.vendor,
            registry,
            fixtures,
            entries,
            ca_pem,
            cert_dir,
            hosts_file,
            log: self.log,
            store: self.store,
            _services: self.services,
            _push_server: self.push_server,
            pusher: self.pusher,
            dir,
        }
    }
}

/// Runs a future to completion on a fresh runtime on its own thread (World constructors are
/// synchronous and may be called from inside a test's runtime).
pub fn block_on<T: Send>(future: impl std::future::Future<Output = T> + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime for World set-up")
                    .block_on(future)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Every host of one vendor up, fixtures stored, quirks on. Dropping it stops everything.
pub struct World {
    vendor: Vendor,
    registry: String,
    fixtures: WorldFixtures,
    entries: Vec<(SocketAddr, String)>,
    ca_pem: PathBuf,
    cert_dir: PathBuf,
    hosts_file: PathBuf,
    log: RequestLog,
    store: Store,
    _services: Vec<TlsServer>,
    _push_server: BackgroundServer,
    pusher: Pusher,
    dir: tempfile::TempDir,
}

impl World {
    pub fn start(vendor: Vendor) -> World {
        Self::start_with(vendor, WorldOptions::default())
    }

    pub fn start_with(vendor: Vendor, options: WorldOptions) -> World {
        let mut builder = WorldBuilder::new(vendor, options);
        match vendor {
            Vendor::DockerHub => hub::build(&mut builder),
            other => vendors::build(other, &mut builder),
        }
        builder.finish()
    }

    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// What a person types: `docker.io`, `ghcr.io`, `123456789012.dkr.ecr.us-east-1.amazonaws.com`, …
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// Every real host name served (allow-list them all).
    pub fn hosts(&self) -> Vec<String> {
        self.entries.iter().map(|(_, n)| n.clone()).collect()
    }

    /// The loopback address serving `host`.
    pub fn addr_of(&self, host: &str) -> Option<SocketAddr> {
        self.entries
            .iter()
            .find(|(_, n)| n == host)
            .map(|(a, _)| *a)
    }

    /// The CA certificate (PEM) every leaf is signed by.
    pub fn ca_pem(&self) -> &Path {
        &self.ca_pem
    }

    /// A directory holding the CA as `ca.crt` (skopeo's `--cert-dir`).
    pub fn cert_dir(&self) -> &Path {
        &self.cert_dir
    }

    /// The `/etc/hosts` clients under test see.
    pub fn hosts_file(&self) -> &Path {
        &self.hosts_file
    }

    /// A scratch directory that lives as long as the World.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `unshare --mount -- sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' HOSTS`: put a
    /// program and its arguments after it.
    pub fn namespace_prefix(&self) -> Vec<std::ffi::OsString> {
        namespace::prefix(&self.hosts_file)
    }

    pub fn fixtures(&self) -> &WorldFixtures {
        &self.fixtures
    }

    /// What every fake saw so far: host, method, path_and_query, headers.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.log.snapshot()
    }

    pub fn clear_requests(&self) {
        self.log.clear();
    }

    /// The content, to change it mid-test (add a tag, make a repository private, …).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Pushes more content (async, plain HTTP to the World's push receiver).
    pub fn pusher(&self) -> &Pusher {
        &self.pusher
    }
}
