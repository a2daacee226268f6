#!/usr/bin/env bash
# Layer listing: lading's /api/layer against the floor (the same blob through Lading's own
# decoder alone, in process: proxy/examples/inflate.rs) and against `curl | tar -tz`, on a
# ≥ 64 MiB gzip layer in a real docker-registry on loopback, N rounds in rotating order;
# lading's peak RSS; and the bytes fetched from the registry to read the layer's last file
# after a first listing. Writes the `layers` section of bench/RESULTS.md.
#
#   bench/layers.sh            # ROUNDS=5
#
# Everything started here is stopped on exit (trap); a watchdog bounds the measuring part.
set -euo pipefail

ROUNDS="${ROUNDS:-5}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1500}"   # seconds for the release build
RUN_TIMEOUT="${RUN_TIMEOUT:-900}"        # seconds for everything after it
READY_TIMEOUT=180                        # fixture build + push, lading start-up
CURL_MAX=300                             # seconds for any one request
PREVIEW_BYTES=4096
GOAL_VS_INFLATE=1.3                      # lading at most this many times inflate-only
GOAL_VS_TAR=0.9                          # lading at least this fast relative to curl|tar

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
source bench/lib.sh
ROOT="$PWD"
WORK="$(mktemp -d -t lading-bench.XXXXXX)"
FIXTURE_PID="" LADING_PID="" WATCHDOG_PID=""

cleanup() {
    stop "$LADING_PID"
    stop "$FIXTURE_PID"  # it stops its docker-registry on TERM
    [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'log "bench: interrupted"; exit 130' INT TERM

log "== building release lading, the inflate example and the bench fixture"
timeout "$BUILD_TIMEOUT" cargo build --release --quiet -p lading-proxy --bin lading \
    --example inflate -p lading-testkit --bin lading-bench-fixture
LADING="$ROOT/target/release/lading"
INFLATE="$ROOT/target/release/examples/inflate"

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

# The floor's input: the same blob, fetched once and checked.
BLOB="$WORK/layer.blob"
curl -sf --max-time "$CURL_MAX" -o "$BLOB" "http://$REGISTRY/v2/$REPO/blobs/$DIGEST" \
    || die "could not fetch the blob"
[ "sha256:$(sha256sum "$BLOB" | cut -d' ' -f1)" = "$DIGEST" ] || die "the fetched blob's digest differs"

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
# CPU seconds (user + system) the lading process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$LADING_PID/stat"; }
# Per thread: id, nanoseconds on a CPU, nanoseconds runnable but waiting for one.
thread_times() { for t in /proc/"$LADING_PID"/task/*; do echo "${t##*/} $(cat "$t/schedstat")"; done; }
# The thread that worked most between two thread_times files (the decoding thread):
# "seconds-on-CPU seconds-waiting-for-a-CPU".
busiest_thread() {
    awk 'NR == FNR { cpu[$1] = $2; wait[$1] = $3; next }
         { c = $2 - cpu[$1]; if (c > best) { best = c; w = $3 - wait[$1] } }
         END { printf "%.3f %.3f\n", best / 1e9, w / 1e9 }' "$1" "$2"
}
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
    local t0 t1 before cpu0
    start_lading
    before="$(hwm_kib)" cpu0="$(cpu_seconds)"
    thread_times >"$WORK/threads0"
    t0="$(now)"
    curl -sf --max-time "$CURL_MAX" "$LADING_URL/api/layer?ref=$REF&digest=$D" \
        >"$WORK/listing.ndjson" || die "listing failed"
    t1="$(now)"
    LADING_TIMES+=("$(elapsed "$t0" "$t1")")
    LADING_CPU+=("$(elapsed "$cpu0" "$(cpu_seconds)")")
    thread_times >"$WORK/threads1"
    read -r on_cpu waiting < <(busiest_thread "$WORK/threads0" "$WORK/threads1")
    DECODE_CPU+=("$on_cpu") DECODE_WAIT+=("$waiting")
    HWM_BEFORE+=("$before")
    HWM_AFTER+=("$(hwm_kib)")
    tail -1 "$WORK/listing.ndjson" | jq -e '.event == "done" and .verified' >/dev/null \
        || die "listing did not finish verified: $(tail -c 600 "$WORK/listing.ndjson")"
    LADING_ENTRIES="$(jq -s '[.[] | select(.event == "entries") | .entries | length] | add' \
        "$WORK/listing.ndjson")"
    LADING_LINES="$(wc -l <"$WORK/listing.ndjson")"
    stop_lading
}
floor() { # mode: one run of the in-process example; prints "seconds cpu-seconds"
    "$INFLATE" "$BLOB" "$1" | sed -n 's/^seconds=\([0-9.]*\) cpu=\([^ ]*\).*/\1 \2/p'
}
run_inflate() {
    local seconds cpu
    read -r seconds cpu < <(floor inflate)
    INFLATE_TIMES+=("$seconds") INFLATE_CPU+=("$cpu")
}
run_parts() {
    local seconds cpu
    read -r seconds cpu < <(floor list); LIST_TIMES+=("$seconds")
    read -r seconds cpu < <(floor sha256); SHA_TIMES+=("$seconds")
}

CURL_TIMES=() LADING_TIMES=() LADING_CPU=() DECODE_CPU=() DECODE_WAIT=() HWM_BEFORE=() HWM_AFTER=()
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
INFLATE_TIMES=() INFLATE_CPU=() LIST_TIMES=() SHA_TIMES=()
SIDES=(run_curl_tar run_lading run_inflate)
for round in $(seq "$ROUNDS"); do
    # Rotate which side goes first, so a neighbour's burst of work does not always hit one.
    for i in 0 1 2; do "${SIDES[$(((round + i) % 3))]}"; done
    run_parts
    log "round $round: curl|tar ${CURL_TIMES[-1]} s, lading ${LADING_TIMES[-1]} s" \
        "(${LADING_CPU[-1]} CPU s), inflate only ${INFLATE_TIMES[-1]} s, VmHWM ${HWM_AFTER[-1]} KiB"
done
[ "$CURL_ENTRIES" = "$LADING_ENTRIES" ] \
    || die "entry counts differ: tar $CURL_ENTRIES, lading $LADING_ENTRIES"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
UNCOMPRESSED="$("$INFLATE" "$BLOB" inflate | sed -n 's/.*bytes=\([0-9]*\).*/\1/p')"

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

mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
CURL_MEDIAN="$(median "${CURL_TIMES[@]}")"
LADING_MEDIAN="$(median "${LADING_TIMES[@]}")"
CPU_MEDIAN="$(median "${LADING_CPU[@]}")"
DECODE_CPU_MEDIAN="$(median "${DECODE_CPU[@]}")" DECODE_WAIT_MEDIAN="$(median "${DECODE_WAIT[@]}")"
INFLATE_MEDIAN="$(median "${INFLATE_TIMES[@]}")"
INFLATE_CPU_MEDIAN="$(median "${INFLATE_CPU[@]}")"
LIST_MEDIAN="$(median "${LIST_TIMES[@]}")"
SHA_MEDIAN="$(median "${SHA_TIMES[@]}")"
VS_TAR="$(ratio "$CURL_MEDIAN" "$LADING_MEDIAN")"
VS_INFLATE="$(ratio "$LADING_MEDIAN" "$INFLATE_MEDIAN")"
CPU_VS_INFLATE="$(ratio "$DECODE_CPU_MEDIAN" "$INFLATE_CPU_MEDIAN")"
verdict() { # value goal direction(le|ge)
    awk -v v="$1" -v g="$2" -v d="$3" 'BEGIN {
        met = (d == "le") ? v <= g : v >= g
        if (met) print "met"; else printf "missed by %.0f%%", 100 * ((d == "le") ? v / g - 1 : 1 - v / g)
    }'
}
HWM_MEDIAN="$(median "${HWM_AFTER[@]}")"
HWM_MAX="$(printf '%s\n' "${HWM_AFTER[@]}" | sort -n | tail -1)"
IDLE_MEDIAN="$(median "${HWM_BEFORE[@]}")"

SECTION="$WORK/section.md"
cat >"$SECTION" <<EOF
# Layer listing: lading against inflate only and curl | tar (\`bench/layers.sh\`)

Written on $(date -u '+%Y-%m-%d %H:%M UTC'); re-run \`bench/layers.sh\` to refresh.

## Machine
$(machine_facts)
- $(curl --version | head -1 | cut -d' ' -f1-2), $(tar --version | head -1), $(gzip --version | head -1)

- Load average (1, 5, 15 min) before the rounds: $LOAD_BEFORE; after: $LOAD_AFTER.

## Method
- A Debian \`docker-registry\` (distribution 2.8.2) on loopback holds one image whose only
  layer is the testkit's \`big_gzip_layer()\`: $(mib "$SIZE") MiB of gzip (\`gzip -1\`; 88 files
  of 1 MiB of 6-bit noise, then one small text file), $CURL_ENTRIES entries, $(mib "$UNCOMPRESSED") MiB
  of tar.
- $ROUNDS rounds; in each, the three sides run one after another, in an order that rotates:
  - (a) \`curl -s http://REGISTRY/v2/$REPO/blobs/DIGEST | tar -tzf - | wc -l\`
  - (b) \`curl -s 'http://LADING/api/layer?ref=…&digest=…'\` (NDJSON, $LADING_LINES lines)
    against a freshly started release \`lading --allow-host REGISTRY\`, so every round is a
    cold listing that resolves the image, downloads, digest-verifies, decompresses, records
    checkpoints and walks the tar of the whole layer. Its CPU time (user + system, from
    \`/proc/PID/stat\`) is taken over the same request, and for its busiest thread (the one
    that decodes and walks the tar) the time on a CPU and the time runnable but waiting for
    one (\`/proc/PID/task/TID/schedstat\`): what other work on the machine took from it.
  - (c) inflate only: \`target/release/examples/inflate BLOB\` (\`proxy/examples/inflate.rs\`):
    the same blob, fetched once beforehand and read into memory before the clock starts,
    through the decoder Lading uses (\`layers::decode::open\`: miniz_oxide's core inflater),
    in process, nothing else. The floor a listing cannot beat without a faster inflater.
  - After them, the example's other stages alone, for where the time goes: \`list\` (the
    whole blocking listing — decoder, checkpoints, tar walk, limits — from memory, no
    network, no digest) and \`sha256\` (the digest alone).
- Peak RSS: \`VmHWM\` of the lading process from \`/proc/PID/status\`, after start-up and
  after the listing (one process per round).
- Single-file read: a fresh lading lists the layer once through a TCP relay that counts the
  bytes the registry sends, then reads the last file with
  \`/api/file?…&path=$LAST_PATH&preview=$PREVIEW_BYTES\`; the relay's count is compared with
  \`FilePreview.fetched_bytes\`.

## Results (median of $ROUNDS)
| | median of $ROUNDS | rounds (s) |
| --- | --- | --- |
| (a) curl \\| tar -tz | $CURL_MEDIAN s | ${CURL_TIMES[*]} |
| (b) lading /api/layer | $LADING_MEDIAN s ($(mbps "$UNCOMPRESSED" "$LADING_MEDIAN") MB/s of tar) | ${LADING_TIMES[*]} |
| (b) lading, CPU time (all threads) | $CPU_MEDIAN s | ${LADING_CPU[*]} |
| (b) lading's decoding thread on a CPU | $DECODE_CPU_MEDIAN s | ${DECODE_CPU[*]} |
| (b) lading's decoding thread waiting for a CPU | $DECODE_WAIT_MEDIAN s | ${DECODE_WAIT[*]} |
| (c) inflate only | $INFLATE_MEDIAN s ($(mbps "$UNCOMPRESSED" "$INFLATE_MEDIAN") MB/s of tar) | ${INFLATE_TIMES[*]} |
| (c) inflate only, on a CPU | $INFLATE_CPU_MEDIAN s | ${INFLATE_CPU[*]} |
| listing from memory (no network, no digest) | $LIST_MEDIAN s | ${LIST_TIMES[*]} |
| sha256 alone | $SHA_MEDIAN s | ${SHA_TIMES[*]} |

- lading vs inflate only (lading time / inflate time): **$VS_INFLATE×** (goal ≤ $GOAL_VS_INFLATE×:
  $(verdict "$VS_INFLATE" "$GOAL_VS_INFLATE" le)).
- lading's decoding thread on a CPU vs inflate only on a CPU: **$CPU_VS_INFLATE×** (the work
  that thread does beyond inflating: the tar walk, checkpoints, limits, handing chunks on;
  hashing runs on the download's threads). Where the wall-clock ratio is above this, the
  difference is time the decoding thread waited for a CPU that other work held (this
  machine has $(nproc) cores: the registry sending, the download and its digest, curl, and
  whatever else the machine runs).
- lading vs curl|tar (curl|tar time / lading time): **$VS_TAR×** (goal ≥ $GOAL_VS_TAR×:
  $(verdict "$VS_TAR" "$GOAL_VS_TAR" ge)).
- lading peak RSS (VmHWM) after a listing: median $HWM_MEDIAN KiB, max $HWM_MAX KiB
  (after start-up, before listing: $IDLE_MEDIAN KiB).
- First listing through the relay: $FIRST_VIA_RELAY s, registry sent $(mib $((r1 - r0))) MiB.
- Second listing of the same layer (from Lading's cache): $SECOND_LISTING s, registry sent
  $(mib $((r2 - r1))) MiB.
- Last file after the listing: $FILE_TIME s, $PREVIEW_OK bytes of content;
  \`fetched_bytes\` = $FETCHED ($(mib "$FETCHED") MiB); the relay counted $((r3 - r2)) bytes
  ($(mib $((r3 - r2))) MiB, headers included).
EOF
write_section layers "$SECTION"
log "== wrote the layers section of bench/RESULTS.md"
cat "$SECTION"
