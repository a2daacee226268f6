//! `lading`: flags in, server out.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use lading::guard::AllowedHost;
use lading::limits::client::ClientLimits;
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
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LADING_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let flags = Flags::parse();
    let clients = flags.client_limits();
    let state = AppState::new(Settings {
        clients,
        allow_hosts: flags.allow_hosts,
        docker_config: flags.docker_config,
        ..Settings::default()
    })?;
    let listener = tokio::net::TcpListener::bind(flags.listen).await?;
    tracing::info!("lading listening on http://{}", listener.local_addr()?);
    tracing::info!(
        "client limits: {} requests/s, {} in flight per client, {} in all (0 = off)",
        clients.rate,
        clients.per_client,
        clients.total
    );
    // Connect info: the per-client limits key on the peer address.
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
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
