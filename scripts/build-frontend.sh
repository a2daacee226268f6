#!/usr/bin/env bash
# Builds the wasm frontend into dist/ (offline: trunk downloads nothing).
set -euo pipefail
source "$(dirname "$0")/env.sh"
# Offline trunk runs `cargo build --offline`: fetch the locked crates first.
cargo fetch --locked >/dev/null
trunk build --release
