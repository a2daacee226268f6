//! Issue 7: the attacks on a shared instance, replayed against `lading` (the real binary
//! where the attack needs one). Each module pins one finding and fails on the code before
//! its fix; SECURITY.md names each test.

#[path = "../support/mod.rs"]
mod support;

mod cache_scope;
mod cache_variations;
mod host;
mod memory;
mod ranges;
mod redaction;
mod sockets;

/// The binary the attacks run against: this build's `lading`, or the one named by
/// `LADING_ATTACK_BIN` (to replay them against an older build and watch them succeed).
pub fn lading_bin() -> std::path::PathBuf {
    std::env::var_os("LADING_ATTACK_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_lading").into())
}
