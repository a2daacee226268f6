# Shared by the bench scripts (sourced, not run): process control, timing, medians, the
# machine's facts, and writing one script's section of bench/RESULTS.md.
#
# Each bench owns the part of RESULTS.md between `<!-- bench:NAME -->` and
# `<!-- /bench:NAME -->`; `write_section NAME FILE` replaces it (or appends it), so the
# scripts can run in any order and one re-run leaves the others' results alone.

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# ratio A B: A / B with two decimals ("n/a" when B is zero).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

stop() { # pid: TERM, then KILL if it lingers
    local pid="$1"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

wait_for() { # seconds, command…: poll until the command succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# The machine, as a Markdown list (CPU, cores, RAM, kernel).
machine_facts() {
    printf -- '- CPU: %s, %s cores (shared with other work while this ran: treat differences of a\n  few percent as noise)\n' \
        "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$(nproc)"
    printf -- '- RAM: %s; kernel %s\n' \
        "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" "$(uname -r)"
}

# write_section NAME FILE: FILE's Markdown becomes NAME's section of bench/RESULTS.md.
write_section() {
    local name="$1" body="$2" results
    results="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/RESULTS.md"
    [ -f "$results" ] || printf '# Benchmarks\n\nEach section is written by the script it names; re-run it to refresh.\n' >"$results"
    python3 - "$results" "$name" "$body" <<'EOF'
import sys
path, name, body = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip("\n")
start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
text = open(path).read()
block = f"{start}\n{body}\n{end}"
if start in text and end in text:
    before, rest = text.split(start, 1)
    text = before + block + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
EOF
}

# serve.sh and view.sh: builds (BUILD=1) release lading, the index fixture and the latency
# relay; sets BIN and LOAD_BEFORE (the load after the build, which loads the machine).
build_index_tools() {
    if [ "$BUILD" = 1 ]; then
        log "== building release lading, the index fixture and the latency relay"
        timeout "$BUILD_TIMEOUT" cargo build --release --quiet -p lading-proxy --bin lading \
            -p lading-testkit --bin lading-bench-index --bin lading-latency-relay
    fi
    BIN="${BIN:-$ROOT/target/release}" # BIN=target/debug BUILD=0: a quick try of the script
    LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
}

# Ends the whole bench after RUN_TIMEOUT seconds; sets WATCHDOG_PID (kill it in cleanup).
start_watchdog() {
    ( trap 'kill "$s" 2>/dev/null; exit 0' TERM
      sleep "$RUN_TIMEOUT" & s=$!; wait "$s"
      log "bench: timed out after ${RUN_TIMEOUT}s"; kill -TERM $$ ) &
    WATCHDOG_PID=$!
}

# Starts lading-bench-index (a docker-registry holding the index) and waits for it; sets
# FIXTURE_PID. Its facts are read with `fixture_value NAME`.
start_index_fixture() {
    log "== pushing the index fixture"
    "$BIN/lading-bench-index" >"$WORK/fixture.out" 2>"$WORK/fixture.err" &
    FIXTURE_PID=$!
    wait_for "$READY_TIMEOUT" grep -qx ready "$WORK/fixture.out" \
        || die "fixture not ready: $(cat "$WORK/fixture.err")"
}
fixture_value() { sed -n "s/^$1=//p" "$WORK/fixture.out"; }
