//! `lading`: flags in, server out.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use lading::guard::AllowedHost;
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
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LADING_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let flags = Flags::parse();
    let state = AppState::new(Settings {
        allow_hosts: flags.allow_hosts,
        docker_config: flags.docker_config,
    })?;
    let listener = tokio::net::TcpListener::bind(flags.listen).await?;
    tracing::info!("lading listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(state))
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
