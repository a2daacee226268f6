//! Test harness for Lading: real registries, a token service, scripted servers, fixtures built
//! in code, a headless browser, and the `lading` binary as a child process.
//!
//! The key decision is to test against the real thing wherever it exists. Lading's job is to
//! cope with registries as they behave, so [`Registry`] runs Debian's `docker-registry`
//! (distribution 2.8.2) with its own config, plain or behind htpasswd or a [`TokenServer`]
//! whose JWTs distribution verifies for real. Where distribution cannot show a behaviour
//! (Link pagination, junk tags, foreign-host links) [`ScriptedRegistry`] scripts it.
//!
//! Fixtures are built in code (tar + gzip + sha256 + JSON) and pushed over the API: no Docker
//! daemon, nothing downloaded, and digests computed here independently of `lading-shared`, so
//! the code under test never vouches for its own fixtures.
//!
//! House rules of the crate:
//! - every child process runs in its own process group, killed on drop: a panicking test
//!   leaves nothing running;
//! - in-process servers run on a thread and runtime of their own, so they answer even while
//!   a test blocks;
//! - constructors are synchronous and failures panic with the child's output: in a test
//!   harness the panic message is the report.

mod browser;
mod faults;
pub mod fixtures;
mod jwt;
mod lading;
pub mod nginx;
mod probe;
mod process;
mod pusher;
mod referrers_registry;
mod registry;
mod scripted;
mod server;
mod signing_key;
mod token_server;
mod world;

pub use browser::{
    Browser, CHROMEDRIVER_BIN, CHROMIUM_BIN, Viewport, artifacts_dir, require_frontend_dist,
};
pub use faults::{
    FAULT_FILE, FAULT_REPO, FAULT_TAG, Fault, FaultImage, FaultRegistry, MAX_FAULT_BYTES,
    MAX_FAULT_TIME, Target,
};
pub use jwt::{Access, EXPIRED_BY_SECS};
pub use lading::LadingProcess;
pub use pusher::Pusher;
pub use referrers_registry::{ReferrersMode, ReferrersRegistry, ServedApi};
pub use registry::{HTPASSWD_REALM, REGISTRY_BIN, Registry};
pub use scripted::{Canned, FOREIGN_HOST, JUNK_DIGEST, NextLink, ScriptedRegistry, TagScript};
pub use server::BackgroundServer;
pub use token_server::{
    DEFAULT_EXPIRES_IN, ISSUER, SERVICE, TokenPolicy, TokenRequest, TokenServer,
};
/// Docker Hub World fixture names, credentials and switches.
pub use world::hub as docker_hub;
pub use world::{
    LeafCert, SeenRequest, Vendor, World, WorldFixtures, WorldOptions, engine as world_engine,
};
