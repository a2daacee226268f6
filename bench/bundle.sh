#!/usr/bin/env bash
# bench/bundle.sh [RUNS]: what the app weighs on the wire and how soon it first renders.
#
# - bytes of wasm + JS + CSS as lading sends them for `Accept-Encoding: br`, `gzip` and
#   none (curl, loopback), against the issue's budget of 300 KB (SI) as transferred;
# - first render in headless Chromium: a fresh browser (empty cache) per run opens `/`,
#   and the page reports `performance.now()` when the home page's heading is in the DOM
#   (milliseconds since navigation start), plus the Performance API's transferSize; median
#   of RUNS (default 7);
# - twiggy's largest items of the wasm, named (the file cargo wrote, before wasm-bindgen and
#   wasm-opt: sizes there are before optimisation), and the optimised code by crate.
# Needs dist/ built (scripts/build-frontend.sh). Writes section `bundle` of bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh

RUNS="${1:-7}"
BUDGET=300000
WATCHDOG_SECONDS=900
work="$(mktemp -d /tmp/lading-bench-bundle.XXXXXX)"
lading_pid="" driver_pid="" watchdog_pid=""
cleanup() {
    stop "$lading_pid"
    # chromedriver runs in its own process group with its Chromiums: end the group.
    if [ -n "$driver_pid" ]; then kill -TERM -- "-$driver_pid" 2>/dev/null || true; fi
    stop "$watchdog_pid"
    rm -rf "$work"
}
trap cleanup EXIT
(sleep "$WATCHDOG_SECONDS"; log "bench: watchdog after ${WATCHDOG_SECONDS}s"; kill -TERM $$) &
watchdog_pid=$!

[ -f dist/index.html ] || die "dist/ is not built: bash scripts/build-frontend.sh"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

log "building lading (release)"
cargo build --release --locked -p lading-proxy --bin lading >/dev/null 2>&1 || die "cargo build failed"
port="$(free_port)"
target/release/lading --listen "127.0.0.1:$port" >"$work/lading.log" 2>&1 &
lading_pid=$!
base="http://127.0.0.1:$port"
wait_for 20 curl -sf -o /dev/null "$base/api/health" || die "lading did not start: $(cat "$work/lading.log")"

# The app's files, as index.html names them.
assets=$(grep -oE '(data-js|data-wasm|href)="/[^"]+\.(js|wasm|css)"' dist/index.html |
    sed -E 's/^[^"]+"([^"]+)"$/\1/' | sort -u)
[ -n "$assets" ] || die "index.html names no assets"
bytes_of() { # asset accept-encoding → "bytes content-encoding"
    curl -s -o /dev/null -H "Accept-Encoding: $2" -w '%{size_download} %header{content-encoding}' "$base$1"
}
table="$work/bytes.md"
printf '| file | br | gzip | identity |\n|---|---:|---:|---:|\n' >"$table"
declare -A total=([br]=0 [gzip]=0 [identity]=0)
for asset in $assets; do
    row="| \`${asset#/}\` |"
    for accept in br gzip identity; do
        read -r size encoding < <(bytes_of "$asset" "$accept"; echo)
        want="$accept"; [ "$accept" = identity ] && want=""
        [ "${encoding:-}" = "$want" ] || die "$asset: asked for $accept, got '${encoding:-identity}'"
        total[$accept]=$((total[$accept] + size))
        row="$row $size |"
    done
    echo "$row" >>"$table"
done
printf '| **wasm + JS + CSS** | **%s** | **%s** | %s |\n' "${total[br]}" "${total[gzip]}" "${total[identity]}" >>"$table"

log "first render, $RUNS fresh Chromiums"
driver_port="$(free_port)"
setsid chromedriver --port="$driver_port" >"$work/driver.log" 2>&1 &
driver_pid=$!
wait_for 10 curl -sf -o /dev/null "http://127.0.0.1:$driver_port/status" || die "chromedriver did not start"
python3 - "$driver_port" "$base/" "$RUNS" >"$work/render.txt" <<'EOF'
import json, sys, tempfile, urllib.request
port, url, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=60))["value"]
# Resolves when the home page's heading is in the DOM: the app has rendered.
WAIT = """const done = arguments[arguments.length - 1];
(function look() { document.querySelector('main h1') ? done(performance.now()) : requestAnimationFrame(look); })();"""
SIZES = """return performance.getEntriesByType('resource').filter(e => /\\.(wasm|js|css)$/.test(e.name))
  .reduce((sum, e) => sum + e.transferSize, 0);"""
for _ in range(runs):
    with tempfile.TemporaryDirectory(prefix="lading-chromium-") as profile:
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}}
        session = call("POST", "/session", caps)["sessionId"]
        try:
            call("POST", f"/session/{session}/timeouts", {"script": 30000})
            call("POST", f"/session/{session}/url", {"url": url})
            ms = call("POST", f"/session/{session}/execute/async", {"script": WAIT, "args": []})
            size = call("POST", f"/session/{session}/execute/sync", {"script": SIZES, "args": []})
            print(f"{ms:.1f} {size}")
        finally:
            call("DELETE", f"/session/{session}")
EOF
mapfile -t render_ms < <(awk '{print $1}' "$work/render.txt")
mapfile -t transfer < <(awk '{print $2}' "$work/render.txt")
render_median="$(median "${render_ms[@]}")"
transfer_median="$(median "${transfer[@]}")"

wasm_named=target/wasm32-unknown-unknown/wasm-release/lading-frontend.wasm
twiggy_top="$work/twiggy.txt"
if command -v twiggy >/dev/null && [ -f "$wasm_named" ]; then
    # Monomorphised names run to kilobytes: keep each line's first 150 characters.
    twiggy top -n 15 "$wasm_named" | sed -E 's/::h[0-9a-f]{16}//' |
        python3 -c 'import sys; [print(l.rstrip("\n")[:150]) for l in sys.stdin]' >"$twiggy_top"
else
    echo "(twiggy or $wasm_named missing: cargo install twiggy; bash scripts/build-frontend.sh)" >"$twiggy_top"
fi

verdict() { # bytes → met / missed by
    if [ "$1" -le "$BUDGET" ]; then echo "met ($1 ≤ $BUDGET)"; else echo "missed by $(($1 - BUDGET)) bytes ($(ratio "$1" "$BUDGET")× the budget)"; fi
}
out="$work/section.md"
{
    echo "## bundle: the app on the wire"
    echo
    machine_facts
    echo "- Method: lading (release) serving dist/ on loopback; bytes per encoding as curl received"
    echo "  them; $RUNS fresh headless Chromiums (empty cache each) opening \`/\`, first render ="
    echo "  \`performance.now()\` when the home page's heading is in the DOM; median of $RUNS."
    echo "- Goal: wasm + JS + CSS ≤ 300 KB (300,000 bytes) as transferred with brotli."
    echo
    cat "$table"
    echo
    echo "- brotli: $(verdict "${total[br]}"); gzip: $(verdict "${total[gzip]}")."
    echo "- Chromium (Performance API transferSize of wasm + JS + CSS, headers included, median):"
    echo "  $transfer_median bytes — $(verdict "$transfer_median")."
    echo "- First render: median $render_median ms (runs: ${render_ms[*]})."
    echo
    echo "twiggy top 15 of the wasm before wasm-bindgen and wasm-opt (names kept; the \"function"
    echo "names\" subsection is what wasm-opt strips):"
    echo
    echo '```'
    cat "$twiggy_top"
    echo '```'
} >"$out"
write_section bundle "$out"
cat "$out"
