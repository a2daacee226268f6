//! The World's certificate authority and its TLS servers.
//!
//! Certificates are made in code (rcgen) so no test depends on files or tools; the CA's PEM is
//! what a test hands to `lading --ca-cert` and to skopeo. Each service listens on its own
//! loopback address `127.77.X.Y:443`, because real clients (and the independent checker) name
//! the real host on the default port: the hosts file maps the name to that address.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::sync::oneshot;

/// A TLS handshake that does not finish in this time is dropped (a stuck client must not pin
/// a task forever).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Addresses tried before giving up when other processes hold them.
const BIND_ATTEMPTS: u32 = 2000;

/// What the leaf certificates of a World look like: valid, or broken in one specific way so
/// a test can see the client name the failure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LeafCert {
    #[default]
    Valid,
    /// Signed by the CA, names right, validity ended yesterday.
    Expired,
    /// Signed by the CA, valid, but for `wrong.lading.test` only.
    WrongName,
}

/// The World's CA: one per World, generated fresh.
pub struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    pub fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params
            .distinguished_name
            .push(DnType::CommonName, "Lading Testkit World CA");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Lading testkit");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(2);
        params.not_after = now + time::Duration::days(365);
        let key = KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("self-sign the CA");
        Self { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate for `names` (SANs), signed by this CA, broken as `kind` says.
    pub fn leaf(
        &self,
        names: &[String],
        kind: LeafCert,
    ) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let sans = match kind {
            LeafCert::WrongName => vec!["wrong.lading.test".to_owned()],
            _ => names.to_vec(),
        };
        let mut params = CertificateParams::new(sans.clone()).expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, &sans[0]);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        let now = time::OffsetDateTime::now_utc();
        (params.not_before, params.not_after) = match kind {
            LeafCert::Expired => (
                now - time::Duration::days(30),
                now - time::Duration::days(1),
            ),
            _ => (
                now - time::Duration::days(1),
                now + time::Duration::days(90),
            ),
        };
        let key = KeyPair::generate().expect("leaf key");
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("sign a leaf");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (vec![cert.der().clone(), self.cert.der().clone()], key)
    }
}

impl Default for Ca {
    fn default() -> Self {
        Self::new()
    }
}

static NEXT_ADDRESS: AtomicU32 = AtomicU32::new(0);

/// The n-th candidate address: `127.77.X.Y`, X seeded by the process id so parallel test
/// binaries start apart, Y in 1..=254.
fn candidate(n: u32) -> Ipv4Addr {
    let base = std::process::id() % 200;
    let x = (base + n / 254) % 256;
    let y = 1 + n % 254;
    Ipv4Addr::new(127, 77, x as u8, y as u8)
}

/// Binds the next free `127.77.X.Y:443`. Panics with the reason when port 443 cannot be
/// bound at all (not root).
fn bind_next(name: &str) -> TcpListener {
    for _ in 0..BIND_ATTEMPTS {
        let ip = candidate(NEXT_ADDRESS.fetch_add(1, Ordering::Relaxed));
        match TcpListener::bind((ip, 443)) {
            Ok(listener) => return listener,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => panic!(
                "{name}: cannot bind {ip}:443 ({e}). The testkit World serves fake registries \
                 on port 443 under their real host names, which needs root or \
                 CAP_NET_BIND_SERVICE; run the tests as root (CI does)."
            ),
            Err(e) => panic!("{name}: cannot bind {ip}:443: {e}"),
        }
    }
    panic!("{name}: no free 127.77.x.y:443 address after {BIND_ATTEMPTS} attempts")
}

/// An axum router served over TLS on its own `127.77.X.Y:443`, on a thread and runtime of
/// its own; dropping it stops the runtime and every connection.
pub struct TlsServer {
    addr: SocketAddr,
    names: Vec<String>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TlsServer {
    /// Serves `router` for `names` (the first is the thread's name) with a leaf from `ca`.
    pub fn start(ca: &Ca, names: &[String], kind: LeafCert, router: Router) -> Self {
        let name = names
            .first()
            .expect("a TLS server needs a host name")
            .clone();
        let (chain, key) = ca.leaf(names, kind);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("TLS server config");
        // h2 first, as the real registries offer it (Docker Hub, GHCR, GCR): clients that
        // speak it (lading, skopeo) use it, the others fall back to HTTP/1.1.
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = bind_next(&name);
        listener.set_nonblocking(true).expect("set_nonblocking");
        let addr = listener.local_addr().expect("local_addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime for a TLS server");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("hand the listener to tokio");
                    tokio::select! {
                        _ = accept_loop(listener, acceptor, router) => {}
                        _ = stopped => {}
                    }
                });
            })
            .expect("spawn TLS server thread");
        Self {
            addr,
            names: names.to_vec(),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `127.77.X.Y:443`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The host names its certificate carries (and the hosts file maps to it).
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    router: Router,
) {
    loop {
        let Ok((tcp, peer)) = listener.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        // `ConnectInfo<SocketAddr>` works as under `axum::serve` (rate limits key on it).
        let connected = router
            .clone()
            .layer(axum::middleware::map_request(host_from_authority))
            .layer(axum::Extension(axum::extract::ConnectInfo(peer)));
        let service = TowerToHyperService::new(connected);
        tokio::spawn(async move {
            let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
            else {
                return;
            };
            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2".as_slice());
            let io = TokioIo::new(tls);
            let _ = if h2 {
                hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(io, service)
                    .await
            } else {
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await
            };
        });
    }
}

/// HTTP/2 names the host in `:authority`, not `Host`: the fakes (and the request log) read
/// `Host`, so it is filled in from the URI, as an HTTP/1.1 client would have sent it.
async fn host_from_authority(mut request: axum::extract::Request) -> axum::extract::Request {
    let authority = request.uri().authority().map(|a| a.as_str().to_owned());
    if let Some(authority) = authority
        && !request.headers().contains_key(axum::http::header::HOST)
        && let Ok(value) = axum::http::HeaderValue::from_str(&authority)
    {
        request
            .headers_mut()
            .insert(axum::http::header::HOST, value);
    }
    request
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
