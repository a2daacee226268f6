#!/usr/bin/env bash
# Sets up and runs every check and test: format, lints (native and wasm), the frontend build,
# unit tests, integration tests against real docker-registry instances, browser tests.
set -euo pipefail
bash "$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
step() { printf '\n== test: %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "clippy (native, all targets)"
cargo clippy --locked --workspace --all-targets -- -D warnings
step "clippy (frontend, wasm32)"
cargo clippy --locked -p lading-frontend --target wasm32-unknown-unknown -- -D warnings
step "frontend build (trunk --release; the browser tests load it)"
bash scripts/build-frontend.sh
step "cargo test (unit, integration with real registries, browser)"
cargo test --locked --workspace --no-fail-fast
