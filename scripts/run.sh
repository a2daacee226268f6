#!/usr/bin/env bash
# Sets up, builds and runs Lading on http://127.0.0.1:8080 (flags are passed to `lading`).
set -euo pipefail
bash "$(dirname "$0")/setup.sh" --runtime
source "$(dirname "$0")/env.sh"
bash scripts/build-frontend.sh
cargo build --release --locked -p lading-proxy
exec target/release/lading "$@"
