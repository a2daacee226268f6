//! TLS trust: which certificates Lading accepts, for which hosts it accepts any, and what a
//! failed handshake means in a person's words.
//!
//! Roots are the operating system's store (on Debian `/etc/ssl/certs`, maintained by
//! `update-ca-certificates`; `SSL_CERT_FILE`/`SSL_CERT_DIR` override it, as for OpenSSL) plus
//! every `--ca-cert` file. No bundled list as a fallback: it would quietly trust what an
//! operator removed from the machine's store, and a machine without `ca-certificates` is
//! better told so at start-up ([`Trust::warnings`]) than half-working.
//!
//! `--insecure-host` turns certificate checks off for one host (and port) only: the
//! [`Clients`] pair holds a second client without verification, chosen per URL, so every
//! other hop of the same view (a token realm, a CDN) is still verified. It changes nothing
//! else: plain HTTP and the guard are decided as for any host.

mod explain;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use url::Url;

use crate::guard::AllowedHost;

pub use explain::failure;

/// A `--ca-cert` file larger than this is not a certificate bundle (Debian's whole store is
/// about 200 KiB).
pub const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// One `--insecure-host` entry: a host, optionally one port (`HOST[:PORT]`, as `--allow-host`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsecureHost(AllowedHost);

impl std::str::FromStr for InsecureHost {
    type Err = String;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        AllowedHost::parse(input, "--insecure-host").map(InsecureHost)
    }
}

impl std::fmt::Display for InsecureHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What the clients trust: the roots, and the hosts whose certificates are not checked.
#[derive(Clone, Default)]
pub struct Trust {
    roots: Vec<reqwest::Certificate>,
    /// How many roots came from the operating system's store, and from `--ca-cert` files.
    pub system_roots: usize,
    pub extra_roots: usize,
    insecure: Arc<Vec<InsecureHost>>,
    /// What the operator should hear at start-up (an empty system store).
    pub warnings: Vec<String>,
}

impl Trust {
    /// The system's roots plus every certificate in `ca_files`. A file that is missing,
    /// unreadable, too large or holds no certificate is an error naming it.
    pub fn load(ca_files: &[PathBuf], insecure: Vec<InsecureHost>) -> Result<Trust, String> {
        let mut trust = Trust {
            insecure: Arc::new(insecure),
            ..Trust::default()
        };
        let native = rustls_native_certs::load_native_certs();
        for cert in native.certs {
            // Native stores hold the odd certificate rustls cannot parse: skipped, as reqwest
            // itself does (one bad root must not stop the others).
            if parses(&cert) {
                trust.roots.push(to_reqwest(&cert)?);
                trust.system_roots += 1;
            }
        }
        if trust.system_roots == 0 {
            let why = native
                .errors
                .first()
                .map_or(String::new(), |e| format!(" ({e})"));
            trust.warnings.push(format!(
                "no certificate authorities found in the system store{why}: only --ca-cert \
                 files are trusted (on Debian, install the ca-certificates package)"
            ));
        }
        for path in ca_files {
            for cert in read_ca_file(path)? {
                trust.roots.push(to_reqwest(&cert)?);
                trust.extra_roots += 1;
            }
        }
        Ok(trust)
    }

    /// `builder` trusting exactly these roots (not reqwest's own choice).
    fn apply(&self, builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
        self.roots
            .iter()
            .fold(builder.tls_built_in_root_certs(false), |b, cert| {
                b.add_root_certificate(cert.clone())
            })
    }

    /// Whether `url` goes to an `--insecure-host` over HTTPS (plain HTTP has no certificate).
    pub fn is_insecure(&self, url: &Url) -> bool {
        url.scheme() == "https" && self.insecure.iter().any(|h| h.0.matches(url))
    }

    /// The `--insecure-host` entries as written (for the start-up warning).
    pub fn insecure_hosts(&self) -> Vec<String> {
        self.insecure.iter().map(ToString::to_string).collect()
    }
}

/// The certificates in one PEM file (a bundle may hold several).
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("--ca-cert {shown}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_CA_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("--ca-cert {shown}: cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_CA_FILE {
        return Err(format!(
            "--ca-cert {shown}: larger than {MAX_CA_FILE} bytes, not a certificate file"
        ));
    }
    let mut certs = Vec::new();
    for (n, item) in CertificateDer::pem_slice_iter(&bytes).enumerate() {
        let cert = item.map_err(|e| format!("--ca-cert {shown}: certificate {}: {e}", n + 1))?;
        if !parses(&cert) {
            return Err(format!(
                "--ca-cert {shown}: certificate {} is not a certificate Lading can use as a \
                 root",
                n + 1
            ));
        }
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(format!(
            "--ca-cert {shown}: holds no PEM certificate (expected \"-----BEGIN CERTIFICATE-----\" \
             blocks)"
        ));
    }
    Ok(certs)
}

/// Whether rustls accepts `cert` as a trust anchor.
fn parses(cert: &CertificateDer<'_>) -> bool {
    RootCertStore::empty()
        .add(cert.clone().into_owned())
        .is_ok()
}

fn to_reqwest(cert: &CertificateDer<'_>) -> Result<reqwest::Certificate, String> {
    reqwest::Certificate::from_der(cert.as_ref()).map_err(|e| e.to_string())
}

/// A verifying client and, when any `--insecure-host` was given, its twin that checks no
/// certificate; [`Clients::pick`] chooses per URL.
#[derive(Clone)]
pub struct Clients {
    verified: reqwest::Client,
    insecure: Option<reqwest::Client>,
    /// Shared: every session clones its `Clients`, and the roots are ~150 KB.
    trust: std::sync::Arc<Trust>,
}

impl Clients {
    /// Both clients from one builder recipe (`make` is called once or twice).
    pub fn build(
        trust: &Trust,
        make: impl Fn() -> reqwest::ClientBuilder,
    ) -> reqwest::Result<Clients> {
        let verified = trust.apply(make()).build()?;
        let insecure = match trust.insecure.is_empty() {
            true => None,
            false => Some(make().danger_accept_invalid_certs(true).build()?),
        };
        Ok(Clients {
            verified,
            insecure,
            trust: std::sync::Arc::new(trust.clone()),
        })
    }

    /// The client for `url`, and whether it skips certificate checks.
    pub fn pick(&self, url: &Url) -> (&reqwest::Client, bool) {
        match &self.insecure {
            Some(insecure) if self.trust.is_insecure(url) => (insecure, true),
            _ => (&self.verified, false),
        }
    }
}

#[cfg(test)]
mod tests;
