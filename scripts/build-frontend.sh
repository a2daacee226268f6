#!/usr/bin/env bash
# Builds the wasm frontend into dist/ (offline: trunk downloads nothing), then stores each
# file's brotli (-q 11) and gzip (-9) forms beside it: lading serves whichever the browser
# accepts (proxy/src/routes/frontend.rs) and compresses nothing while answering.
set -euo pipefail
source "$(dirname "$0")/env.sh"
command -v brotli >/dev/null || { echo "build-frontend: brotli is missing (apt-get install brotli)" >&2; exit 1; }
# Offline trunk runs `cargo build --offline`: fetch the locked crates first.
cargo fetch --locked >/dev/null
trunk build --release
# Trunk replaces dist/ as a whole, so no stored form outlives its file. A form that is not
# smaller than the file is left out (lading then sends the file itself).
find dist -type f ! -name '*.br' ! -name '*.gz' -print0 |
  while IFS= read -r -d '' file; do
    size=$(stat -c %s "$file")
    brotli -q 11 -f -o "$file.br" -- "$file"
    gzip -9 -n -c -- "$file" >"$file.gz"
    for form in "$file.br" "$file.gz"; do
      [ "$(stat -c %s "$form")" -lt "$size" ] || rm -f -- "$form"
    done
  done
