#!/usr/bin/env bash
# Layer listing: lading against `curl | tar -tz` on a ≥ 64 MiB gzip layer in a real
# docker-registry on loopback, N rounds alternating; lading's peak RSS; and the bytes fetched
# from the registry to read the layer's last file after a first listing.
#
#   bench/layers.sh            # ROUNDS=5; writes bench/RESULTS.md
#
# Everything started here is stopped on exit (trap); a watchdog bounds the measuring part.
set -euo pipefail

ROUNDS="${ROUNDS:-5}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1500}"   # seconds for the release build
RUN_TIMEOUT="${RUN_TIMEOUT:-900}"        # seconds for everything after it
READY_TIMEOUT=180                        # fixture build + push, lading start-up
CURL_MAX=300                             # seconds for any one request
PREVIEW_BYTES=4096

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
ROOT="$PWD"
RESULTS="$ROOT/bench/RESULTS.md"
WORK="$(mktemp -d -t lading-bench.XXXXXX)"
FIXTURE_PID="" LADING_PID="" WATCHDOG_PID=""

stop() { # pid: TERM, then KILL if it lingers
    local pid="$1"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    stop "$LADING_PID"
    stop "$FIXTURE_PID"  # it stops its docker-registry on TERM
    [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
wait_for() { # seconds, command…: poll until the command succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

log "== building release lading and the bench fixture"
timeout "$BUILD_TIMEOUT" cargo build --release --quiet -p lading-proxy --bin lading \
    -p lading-testkit --bin lading-bench-fixture
LADING="$ROOT/target/release/lading"

( sleep "$RUN_TIMEOUT"; log "bench: timed out after ${RUN_TIMEOUT}s"; kill -TERM $$ ) &
WATCHDOG_PID=$!

log "== building and pushing the big gzip layer"
"$ROOT/target/release/lading-bench-fixture" "$WORK/relay-bytes" >"$WORK/fixture.out" \
    2>"$WORK/fixture.err" &
FIXTURE_PID=$!
wait_for "$READY_TIMEOUT" grep -qx ready "$WORK/fixture.out" \
    || die "fixture not ready: $(cat "$WORK/fixture.err")"
value() { sed -n "s/^$1=//p" "$WORK/fixture.out"; }
REGISTRY="$(value registry)" RELAY="$(value relay)" REPO="$(value repo)" TAG="$(value tag)"
DIGEST="$(value digest)" SIZE="$(value size)" LAST_PATH="$(value last_path)"
log "$(cat "$WORK/fixture.err")"
log "layer $DIGEST: $SIZE bytes in $REGISTRY/$REPO:$TAG"

start_lading() { # a fresh process: no cached listing, VmHWM counts this run only
    : >"$WORK/lading.log"
    LADING_LOG=warn,lading=info "$LADING" --listen 127.0.0.1:0 --allow-host "$REGISTRY" \
        --allow-host "$RELAY" >"$WORK/lading.log" 2>&1 &
    LADING_PID=$!
    wait_for 30 grep -q 'listening on http://' "$WORK/lading.log" \
        || die "lading did not start: $(cat "$WORK/lading.log")"
    LADING_URL="$(grep -o 'http://[0-9.:]*' "$WORK/lading.log" | head -1)"
}
stop_lading() { stop "$LADING_PID"; wait "$LADING_PID" 2>/dev/null || true; LADING_PID=""; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$LADING_PID/status"; }
urlencode() { jq -rn --arg v "$1" '$v | @uri'; }
relay_bytes() { cat "$WORK/relay-bytes" 2>/dev/null || echo 0; }

REF="$(urlencode "$REGISTRY/$REPO:$TAG")"
D="$(urlencode "$DIGEST")"

run_curl_tar() {
    local t0 t1 n
    t0="$(now)"
    n="$(curl -sf --max-time "$CURL_MAX" "http://$REGISTRY/v2/$REPO/blobs/$DIGEST" | tar -tzf - | wc -l)"
    t1="$(now)"
    CURL_TIMES+=("$(elapsed "$t0" "$t1")")
    CURL_ENTRIES="$n"
}
run_lading() {
    local t0 t1 before
    start_lading
    before="$(hwm_kib)"
    t0="$(now)"
    curl -sf --max-time "$CURL_MAX" "$LADING_URL/api/layer?ref=$REF&digest=$D" \
        >"$WORK/listing.ndjson" || die "listing failed"
    t1="$(now)"
    LADING_TIMES+=("$(elapsed "$t0" "$t1")")
    HWM_BEFORE+=("$before")
    HWM_AFTER+=("$(hwm_kib)")
    tail -1 "$WORK/listing.ndjson" | jq -e '.event == "done" and .verified' >/dev/null \
        || die "listing did not finish verified: $(tail -c 600 "$WORK/listing.ndjson")"
    LADING_ENTRIES="$(jq -s '[.[] | select(.event == "entries") | .entries | length] | add' \
        "$WORK/listing.ndjson")"
    LADING_LINES="$(wc -l <"$WORK/listing.ndjson")"
    stop_lading
}

CURL_TIMES=() LADING_TIMES=() HWM_BEFORE=() HWM_AFTER=()
for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then run_curl_tar; run_lading; else run_lading; run_curl_tar; fi
    log "round $round: curl|tar ${CURL_TIMES[-1]} s, lading ${LADING_TIMES[-1]} s," \
        "VmHWM ${HWM_AFTER[-1]} KiB"
done
[ "$CURL_ENTRIES" = "$LADING_ENTRIES" ] \
    || die "entry counts differ: tar $CURL_ENTRIES, lading $LADING_ENTRIES"

log "== one file after a listing, through the counting relay"
start_lading
RELAY_REF="$(urlencode "$RELAY/$REPO:$TAG")"
r0="$(relay_bytes)"
t0="$(now)"
curl -sf --max-time "$CURL_MAX" "$LADING_URL/api/layer?ref=$RELAY_REF&digest=$D" \
    >"$WORK/relay-listing.ndjson" || die "listing through the relay failed"
t1="$(now)"
FIRST_VIA_RELAY="$(elapsed "$t0" "$t1")"
sleep 0.3; r1="$(relay_bytes)"
t0="$(now)"
curl -sf --max-time "$CURL_MAX" "$LADING_URL/api/layer?ref=$RELAY_REF&digest=$D" \
    >"$WORK/relay-listing2.ndjson" || die "second listing failed"
t1="$(now)"
SECOND_LISTING="$(elapsed "$t0" "$t1")"
sleep 0.3; r2="$(relay_bytes)"
t0="$(now)"
curl -sf --max-time "$CURL_MAX" "$LADING_URL/api/file?ref=$RELAY_REF&digest=$D&path=$(urlencode "$LAST_PATH")&preview=$PREVIEW_BYTES" \
    >"$WORK/preview.json" || die "file preview failed"
t1="$(now)"
FILE_TIME="$(elapsed "$t0" "$t1")"
sleep 0.3; r3="$(relay_bytes)"
stop_lading
FETCHED="$(jq -r .fetched_bytes "$WORK/preview.json")"
PREVIEW_OK="$(jq -r '.content_base64 | @base64d | length' "$WORK/preview.json")"
SECOND_CACHED="$(head -1 "$WORK/relay-listing2.ndjson" | jq -r '.layers[0].cached')"

mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
CURL_MEDIAN="$(median "${CURL_TIMES[@]}")"
LADING_MEDIAN="$(median "${LADING_TIMES[@]}")"
RATIO="$(awk -v c="$CURL_MEDIAN" -v l="$LADING_MEDIAN" 'BEGIN { printf "%.2f", c / l }')"
HWM_MEDIAN="$(median "${HWM_AFTER[@]}")"
HWM_MAX="$(printf '%s\n' "${HWM_AFTER[@]}" | sort -n | tail -1)"
IDLE_MEDIAN="$(median "${HWM_BEFORE[@]}")"

cat >"$RESULTS" <<EOF
# Layer listing benchmark

Written by \`bench/layers.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); re-run it to refresh.

## Machine
- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores (shared with other
  work while this ran: treat differences of a few percent as noise)
- RAM: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); kernel $(uname -r)
- $(curl --version | head -1 | cut -d' ' -f1-2), $(tar --version | head -1), $(gzip --version | head -1)

## Method
- A Debian \`docker-registry\` (distribution 2.8.2) on loopback holds one image whose only
  layer is the testkit's \`big_gzip_layer()\`: $(mib "$SIZE") MiB of gzip (\`gzip -1\`; 88 files
  of 1 MiB of 6-bit noise, then one small text file), $CURL_ENTRIES entries.
- $ROUNDS rounds, alternating which side goes first:
  - (a) \`curl -s http://REGISTRY/v2/$REPO/blobs/DIGEST | tar -tzf - | wc -l\`
  - (b) \`curl -s 'http://LADING/api/layer?ref=…&digest=…'\` (NDJSON, $LADING_LINES lines)
    against a freshly started release \`lading --allow-host REGISTRY\`, so every round is a
    cold listing that downloads, decompresses, parses and digest-verifies the whole layer.
- Peak RSS: \`VmHWM\` of the lading process from \`/proc/PID/status\`, after start-up and
  after the listing (one process per round).
- Single-file read: a fresh lading lists the layer once through a TCP relay that counts the
  bytes the registry sends, then reads the last file with
  \`/api/file?…&path=$LAST_PATH&preview=$PREVIEW_BYTES\`; the relay's count is compared with
  \`FilePreview.fetched_bytes\`.

## Results
| | median of $ROUNDS | rounds (s) |
| --- | --- | --- |
| (a) curl \\| tar -tz | $CURL_MEDIAN s | ${CURL_TIMES[*]} |
| (b) lading /api/layer | $LADING_MEDIAN s | ${LADING_TIMES[*]} |

- Speed ratio (curl|tar time / lading time): **$RATIO×** (goal ≥ 0.9×).
- lading peak RSS (VmHWM) after a listing: median $HWM_MEDIAN KiB, max $HWM_MAX KiB
  (after start-up, before listing: $IDLE_MEDIAN KiB).
- First listing through the relay: $FIRST_VIA_RELAY s, registry sent $(mib $((r1 - r0))) MiB.
- Second listing of the same layer: $SECOND_LISTING s, \`cached\` = $SECOND_CACHED, registry
  sent $(mib $((r2 - r1))) MiB.
- Last file after the listing: $FILE_TIME s, $PREVIEW_OK bytes of content;
  \`fetched_bytes\` = $FETCHED ($(mib "$FETCHED") MiB); the relay counted $((r3 - r2)) bytes
  ($(mib $((r3 - r2))) MiB, headers included).
EOF
log "== wrote $RESULTS"
cat "$RESULTS"
