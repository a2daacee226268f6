#!/usr/bin/env bash
# Long lists: keystroke-to-paint in headless Chromium while typing into the filter of a
# layer listing of 100,000 entries (every folder open) and of a repository's 10,000 tags;
# median and worst of ROUNDS × (type the filter a key at a time, then erase it). Goal: the
# median under 100 ms at 100,000 entries. Writes the `lists` section of bench/RESULTS.md.
#
#   bench/lists.sh            # ROUNDS=5
#
# Needs the built frontend (scripts/build-frontend.sh). The driver
# (testkit/src/bin/lading-bench-lists.rs) starts a docker-registry, a scripted tag registry,
# lading and Chromium on loopback and stops them when it ends; this script bounds it with a
# watchdog and stops it on exit.
set -euo pipefail

ROUNDS="${ROUNDS:-5}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1500}"   # seconds for the release builds
RUN_TIMEOUT="${RUN_TIMEOUT:-900}"        # seconds for the measuring part
GOAL_MS=100

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
source bench/lib.sh
WORK="$(mktemp -d -t lading-bench-lists.XXXXXX)"
DRIVER_PID=""

cleanup() {
    stop "$DRIVER_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'log "bench: interrupted"; exit 130' INT TERM

[ -f dist/index.html ] || die "no dist/: run scripts/build-frontend.sh first"
log "== building release lading and the bench driver"
timeout "$BUILD_TIMEOUT" cargo build --release --quiet -p lading-proxy --bin lading \
    -p lading-testkit --bin lading-bench-lists
TARGET="${CARGO_TARGET_DIR:-target}"

log "== timing keystrokes ($ROUNDS rounds per list)"
timeout "$RUN_TIMEOUT" "$TARGET/release/lading-bench-lists" "$TARGET/release/lading" "$ROUNDS" \
    >"$WORK/out" 2>"$WORK/err" &
DRIVER_PID=$!
wait "$DRIVER_PID" || { cat "$WORK/err" >&2; die "the driver failed (or timed out)"; }
DRIVER_PID=""
value() { sed -n "s/^$1=//p" "$WORK/out"; }
files_median="$(value files_median_ms)" tags_median="$(value tags_median_ms)"
[ -n "$files_median" ] && [ -n "$tags_median" ] || die "no results: $(cat "$WORK/out")"
verdict() { # median → "met (…)" or "missed by …"
    awk -v m="$1" -v g="$GOAL_MS" 'BEGIN {
        if (m < g) printf "met (%.2f× the goal)", m / g; else printf "missed by %.1f ms", m - g }'
}

cat >"$WORK/section.md" <<MD
## Long lists: keystroke to paint (bench/lists.sh)

Measured $(date -u +%Y-%m-%d) on:
$(machine_facts)

Method: release \`lading\` and the built frontend on loopback; headless Chromium (1300×1000,
via chromedriver); a layer of 100,000 entries (100 folders of ~1,000 files) from
docker-registry with **every folder open** (100,100 rows), and 10,000 tags from a scripted
registry (paginated by \`Link\`). Each keystroke sets the filter box to the next prefix of
\`f4242\` / \`tag-0999\` and back to empty (so
"f", which matches every file, and "" are among them) and is timed in the page from just
before the \`input\` event to a task queued from the next animation frame (after that frame's
layout and paint). Rounds: $ROUNDS; keystrokes per list: $(value files_keystrokes) / $(value tags_keystrokes).
Rows in the DOM while 100,100 are open: $(value files_rows_drawn).

| List | Median | Worst | Goal (median) |
|---|---:|---:|---|
| 100,000 files | ${files_median} ms | $(value files_max_ms) ms | < ${GOAL_MS} ms: $(verdict "$files_median") |
| 10,000 tags | ${tags_median} ms | $(value tags_max_ms) ms | < ${GOAL_MS} ms: $(verdict "$tags_median") |

Samples (ms), files: $(value files_samples_ms)

Samples (ms), tags: $(value tags_samples_ms)
MD
write_section lists "$WORK/section.md"
cat "$WORK/section.md"
