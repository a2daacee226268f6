//! Every integration test of the proxy in one binary (one link step instead of thirty),
//! one module per suite. Run one suite with `cargo test -p lading-proxy --test it SUITE::`.

mod faults_common;
mod layers_common;
mod support;

mod attacks;
mod blobs_export;
mod browser;
mod browser_bundle;
mod browser_faults;
mod browser_hostile;
mod browser_layers;
mod browser_lists;
mod browser_look;
mod browser_registries;
mod browser_reproduce;
mod browser_supply;
mod browser_walk;
mod caching;
mod credentials;
mod deploy;
mod download_forms;
mod errors_api;
mod faults_auth;
mod faults_body;
mod faults_content;
mod faults_http;
mod faults_process;
mod http_cache;
mod layer_files;
mod layer_listing;
mod layer_paths;
mod layer_smoke;
mod limits;
mod limits_sizes;
mod limits_time;
mod referrers;
mod registries;
mod registry_auth;
mod registry_lists;
mod registry_plain;
mod reproduce;
mod scripted_blobs;
mod scripted_registry;
mod ssrf_answer_headers;
mod ssrf_dns;
mod ssrf_hops;
mod ssrf_paths;
mod ssrf_targets;
mod tls;
mod trace_purpose;
mod verify;

/// The binary the attacks run against: this build's `lading`, or the one named by
/// `LADING_ATTACK_BIN` (to replay them against an older build and watch them succeed).
pub fn lading_bin() -> std::path::PathBuf {
    std::env::var_os("LADING_ATTACK_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_lading").into())
}
