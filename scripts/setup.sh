#!/usr/bin/env bash
# Installs everything Lading needs to build and test on a fresh Debian bookworm machine.
# Idempotent: each step is skipped when its tool is already present at the right version.
# Tools come only from Debian, crates.io and npm (no GitHub downloads).
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
TOOLS_DIR="${LADING_TOOLS_DIR:-$HOME/.cache/lading-tools}"

log() { printf '\n== setup: %s\n' "$*"; }

# `--runtime` installs only what building and running the app needs (brotli precompresses
# the app's assets); the default adds the test-only packages (a real registry, skopeo, a
# headless browser, what the generated Reproduce scripts run on: jq, zstd, python3; nginx
# for the two-instance deployment test and wrk for bench/serve.sh).
packages="curl:curl brotli:brotli"
if [ "${1:-}" != "--runtime" ]; then
  packages="$packages docker-registry:docker-registry skopeo:skopeo chromium:chromium \
    chromedriver:chromium-driver htpasswd:apache2-utils openssl:openssl \
    jq:jq zstd:zstd python3:python3 shellcheck:shellcheck nginx:nginx wrk:wrk"
fi
need_apt=()
for pair in $packages; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# The Reproduce tests lint generated Python with pyflakes, for the python3 on PATH (Debian's,
# or another one a machine puts first).
if [ "${1:-}" != "--runtime" ] && ! python3 -c 'import pyflakes' 2>/dev/null; then
  log "pyflakes for python3"
  apt-get install -y -qq --no-install-recommends python3-pyflakes >/dev/null || true
  python3 -c 'import pyflakes' 2>/dev/null || python3 -m pip install --quiet pyflakes==4.1.0
fi
# Independent consumers of the exports (HAR, Postman, Mermaid), pinned by package-lock.json.
consumers="$(dirname "$0")/consumers"
if [ "${1:-}" != "--runtime" ] && ! cmp -s "$consumers/package-lock.json" "$consumers/node_modules/.lading-lock"; then
  log "npm ci scripts/consumers (HAR, Postman and Mermaid checkers for the tests)"
  npm ci --silent --prefix "$consumers" --no-audit --no-fund >/dev/null
  cp "$consumers/package-lock.json" "$consumers/node_modules/.lading-lock"
fi
# Debian starts a docker-registry service on :5000 and nginx on :80 when installed; tests
# start their own.
if command -v systemctl >/dev/null 2>&1; then
  systemctl stop docker-registry >/dev/null 2>&1 || true
  systemctl stop nginx >/dev/null 2>&1 || true
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  log "cargo install trunk $TRUNK_VERSION (about 12 minutes on 2 cores, once per machine)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # --locked fails here: its lockfile names a webpki-roots version the registry lacks.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# Debian's binaryen (108) produces a wasm that fails at run time; npm's 132 works.
if [ "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  log "npm install binaryen@$BINARYEN_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION" >/dev/null
fi
log "done"
