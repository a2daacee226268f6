//! `lading`: flags in, server out.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use lading::guard::AllowedHost;
use lading::host::PublicUrl;
use lading::limits::client::ClientLimits;
use lading::serve::{MAX_CONNECTIONS_PER_CLIENT, ServeLimits};
use lading::tls::{InsecureHost, Trust};
use lading::{AppState, Settings, app};
use tracing_subscriber::EnvFilter;

/// Look inside container registries: one binary serving the Lading app and its API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Flags {
    /// Address to listen on.
    #[arg(long, env = "LADING_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Registry host (HOST or HOST:PORT) that may resolve to a loopback or private address;
    /// repeatable. Allowed loopback hosts are spoken to over plain HTTP.
    #[arg(long = "allow-host", env = "LADING_ALLOW_HOSTS", value_delimiter = ',')]
    allow_hosts: Vec<AllowedHost>,
    /// PEM file of certificates to trust beside the system's store (a company or registry
    /// CA; a file may hold several); repeatable. Fixes "certificate signed by unknown
    /// authority".
    #[arg(
        long = "ca-cert",
        env = "LADING_CA_CERTS",
        value_name = "FILE",
        value_delimiter = ','
    )]
    ca_certs: Vec<PathBuf>,
    /// HTTPS without certificate verification for this host (HOST, or HOST:PORT for one
    /// port) only; repeatable. For test boxes: every view of it carries a warning. Does not
    /// allow plain HTTP or private addresses (see --allow-host).
    #[arg(
        long = "insecure-host",
        env = "LADING_INSECURE_HOSTS",
        value_name = "HOST[:PORT]",
        value_delimiter = ','
    )]
    insecure_hosts: Vec<InsecureHost>,
    /// Local mode: use DIR/config.json (auths, credHelpers, credsStore) as server-side
    /// credentials. Off by default; never enable on a shared instance.
    #[arg(long, env = "LADING_DOCKER_CONFIG", value_name = "DIR")]
    docker_config: Option<PathBuf>,
    /// API requests per second per client address (IPv6: per /64), burst 3 s of it; 0 = off.
    /// Default: 10 when --listen is not loopback, off on loopback.
    #[arg(long, env = "LADING_RATE_LIMIT", value_name = "N")]
    rate_limit: Option<u32>,
    /// API requests in flight per client address; 0 = off. Default: 8 when --listen is not
    /// loopback, off on loopback.
    #[arg(long, env = "LADING_MAX_CONCURRENT", value_name = "N")]
    max_concurrent: Option<u32>,
    /// API requests in flight in all; 0 = off. Default: 256 when --listen is not loopback,
    /// off on loopback.
    #[arg(long, env = "LADING_MAX_CONCURRENT_TOTAL", value_name = "N")]
    max_concurrent_total: Option<u32>,
    /// Behind a reverse proxy: take the client's address from the last X-Forwarded-For hop
    /// (the one the proxy appended) instead of the connection's peer.
    #[arg(long, env = "LADING_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// The URL people open when Lading is behind a reverse proxy or reached by a name
    /// (https://lading.example); repeatable. Requests for any other name than localhost, an
    /// IP address or these get 421 (DNS rebinding).
    #[arg(
        long = "public-url",
        env = "LADING_PUBLIC_URL",
        value_name = "URL",
        value_delimiter = ','
    )]
    public_urls: Vec<PublicUrl>,
    /// Open connections in all; 0 = off. Default: 1024 (lowered to fit `ulimit -n`).
    #[arg(long, env = "LADING_MAX_CONNECTIONS", value_name = "N")]
    max_connections: Option<u32>,
    /// Open connections per client address (IPv6: per /64); 0 = off. Default: 64 when
    /// --listen is not loopback, off on loopback and with --trust-forwarded-for (every
    /// connection comes from the proxy then: cap connections there).
    #[arg(long, env = "LADING_MAX_CONNECTIONS_PER_CLIENT", value_name = "N")]
    max_connections_per_client: Option<u32>,
    /// Seconds a client may take to send a request head, and may stay idle between
    /// requests; 0 = off. Answers are not timed: a download may stream for hours.
    /// Default: 10.
    #[arg(long, env = "LADING_HEADER_TIMEOUT", value_name = "SECONDS", value_parser = parse_seconds)]
    header_timeout: Option<Duration>,
    /// Seconds a client may read nothing of an answer before it is cut (a paused or hostile
    /// download); 0 = off. A slow client that keeps reading is never cut. Default: 60.
    #[arg(long, env = "LADING_SEND_TIMEOUT", value_name = "SECONDS", value_parser = parse_seconds)]
    send_timeout: Option<Duration>,
}

impl Flags {
    /// Limits are on for a server others can reach, off for a developer's or CI's loopback
    /// one; any flag given explicitly wins.
    fn client_limits(&self) -> ClientLimits {
        let defaults = if self.listen.ip().is_loopback() {
            ClientLimits::default()
        } else {
            ClientLimits::on()
        };
        ClientLimits {
            rate: self.rate_limit.unwrap_or(defaults.rate),
            per_client: self.max_concurrent.unwrap_or(defaults.per_client),
            total: self.max_concurrent_total.unwrap_or(defaults.total),
            trust_forwarded_for: self.trust_forwarded_for,
        }
    }

    /// Like the client limits, the per-client connection cap is on only for a server others
    /// reach directly: behind a proxy every connection is the proxy's.
    fn serve_limits(&self) -> ServeLimits {
        let direct = !self.listen.ip().is_loopback() && !self.trust_forwarded_for;
        let per_client = match direct {
            true => MAX_CONNECTIONS_PER_CLIENT,
            false => 0,
        };
        let defaults = ServeLimits::default();
        ServeLimits {
            header_timeout: self.header_timeout.unwrap_or(defaults.header_timeout),
            max_connections: self.max_connections.unwrap_or(defaults.max_connections),
            per_client: self.max_connections_per_client.unwrap_or(per_client),
            send_timeout: self.send_timeout.unwrap_or(defaults.send_timeout),
        }
    }
}

/// `10`, `0.5`: seconds as a person types them.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // First: this may start the process again (see the module).
    lading::limits::memory::limit_malloc_arenas();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LADING_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // Every line, whichever crate wrote it, loses its secrets on the way out; no colour
        // codes in a file or pipe, where they would sit between a field's name and value.
        .with_writer(lading::redact::log::Redacting(std::io::stderr))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let flags = Flags::parse();
    let clients = flags.client_limits();
    let serve_limits = flags.serve_limits();
    // A --ca-cert that cannot be used stops start-up, naming the file: serving with less
    // trust than asked for would only fail later, less clearly.
    let trust = match Trust::load(&flags.ca_certs, flags.insecure_hosts.clone()) {
        Ok(trust) => trust,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    log_trust(&trust);
    let state = AppState::with_trust(
        Settings {
            clients,
            allow_hosts: flags.allow_hosts,
            docker_config: flags.docker_config,
            public_urls: flags.public_urls,
            ca_certs: flags.ca_certs,
            insecure_hosts: flags.insecure_hosts,
            ..Settings::default()
        },
        &trust,
    )?;
    let listener = tokio::net::TcpListener::bind(flags.listen).await?;
    tracing::info!("lading listening on http://{}", listener.local_addr()?);
    tracing::info!(
        "client limits: {} requests/s, {} in flight per client, {} in all (0 = off)",
        clients.rate,
        clients.per_client,
        clients.total
    );
    tracing::info!(
        "connections: {} in all, {} per client, {:?} to send a request head, {:?} to read \
         an answer (0 = off)",
        serve_limits.max_connections,
        serve_limits.per_client,
        serve_limits.header_timeout,
        serve_limits.send_timeout
    );
    lading::serve::run(listener, app(state), serve_limits, shutdown()).await?;
    Ok(())
}

/// What is trusted, said once at start-up; `--insecure-host` as a warning.
fn log_trust(trust: &Trust) {
    tracing::info!(
        "TLS: trusting {} certificate authorities from the system store and {} from --ca-cert",
        trust.system_roots,
        trust.extra_roots
    );
    for warning in &trust.warnings {
        tracing::warn!("{warning}");
    }
    let insecure = trust.insecure_hosts();
    if !insecure.is_empty() {
        tracing::warn!(
            "TLS certificates are NOT verified for {} (--insecure-host): anyone on the path \
             can read and change what these registries send; every view of them says so",
            insecure.join(", ")
        );
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
