# Sourced by the scripts: puts the pinned tools first on PATH (npm's wasm-opt must win over
# any Debian binaryen, which silently breaks the app).
TOOLS_DIR="${LADING_TOOLS_DIR:-$HOME/.cache/lading-tools}"
export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
