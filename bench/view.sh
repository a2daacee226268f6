#!/usr/bin/env bash
# Index view over a slow network: a five-platform index (plus one attestation) in a real
# docker-registry, reached through a latency relay at each RTT of $RTTS; lading cold (fresh
# process) and warm (repeat), by tag and by digest, against `skopeo inspect` (one platform, and
# every platform one by one) and against the floor of 3 round trips; the upstream requests of
# each view counted twice, from the answer's trace and at the relay. Medians of $ROUNDS.
#
#   bench/view.sh              # ROUNDS=5 RTTS="0 20 80"; writes the `view` section of RESULTS.md
#   BUILD=0 bench/view.sh      # use the release binaries already built
#
# Everything started here is stopped on exit (trap); a watchdog bounds the measuring part.
set -euo pipefail

ROUNDS="${ROUNDS:-5}"
RTTS="${RTTS:-0 20 80}"
BUILD="${BUILD:-1}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1500}" # seconds for the release build
RUN_TIMEOUT="${RUN_TIMEOUT:-480}"      # seconds for everything after it
READY_TIMEOUT=120                      # fixture push, relay and lading start-up
CURL_MAX=30                            # seconds for any one view
SKOPEO_MAX=60                          # seconds for any one skopeo run
FLOOR_TRIPS=3                          # ping, index, all children at once
GOAL_RATIO=1.2

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
source bench/lib.sh
ROOT="$PWD"
WORK="$(mktemp -d -t lading-view.XXXXXX)"
FIXTURE_PID="" LADING_PID="" WATCHDOG_PID=""
declare -A RELAY_PID RELAY_ADDR

cleanup() {
    stop "$LADING_PID"
    for rtt in "${!RELAY_PID[@]}"; do stop "${RELAY_PID[$rtt]}"; done
    stop "$FIXTURE_PID" # it stops its docker-registry on TERM
    [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'log "bench: interrupted"; exit 130' INT TERM

build_index_tools
start_watchdog
start_index_fixture
REGISTRY="$(fixture_value registry)" REPO="$(fixture_value repo)"
TAG="$(fixture_value tag)" DIGEST="$(fixture_value digest)"
CHILDREN="$(fixture_value children)"
mapfile -t PLATFORMS < <(fixture_value platform)
log "index $DIGEST ($CHILDREN children) in $REGISTRY/$REPO:$TAG"

ALLOW=()
for rtt in $RTTS; do
    "$BIN/lading-latency-relay" --upstream "$REGISTRY" --rtt-ms "$rtt" \
        --log "$WORK/relay-$rtt.log" >"$WORK/relay-$rtt.out" 2>&1 &
    RELAY_PID[$rtt]=$!
    wait_for "$READY_TIMEOUT" grep -qx ready "$WORK/relay-$rtt.out" \
        || die "relay at $rtt ms not ready: $(cat "$WORK/relay-$rtt.out")"
    RELAY_ADDR[$rtt]="$(sed -n 's/^relay=//p' "$WORK/relay-$rtt.out")"
    ALLOW+=(--allow-host "${RELAY_ADDR[$rtt]}")
done

start_lading() { # a fresh process: nothing cached
    stop_lading
    : >"$WORK/lading.log"
    LADING_LOG=warn,lading=info "$BIN/lading" --listen 127.0.0.1:0 "${ALLOW[@]}" \
        >"$WORK/lading.log" 2>&1 &
    LADING_PID=$!
    wait_for 30 grep -q 'listening on http://' "$WORK/lading.log" \
        || die "lading did not start: $(cat "$WORK/lading.log")"
    LADING_URL="$(grep -o 'http://[0-9.:]*' "$WORK/lading.log" | head -1)"
}
stop_lading() { stop "$LADING_PID"; wait "$LADING_PID" 2>/dev/null || true; LADING_PID=""; }
urlencode() { jq -rn --arg v "$1" '$v | @uri'; }
# Requests the relay at RTT $1 has seen (its `- tls`-style lines are connections, not requests).
requests() { awk '$2 != "-"' "$WORK/relay-$1.log" | wc -l; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

declare -A TIMES COUNTS CACHED
DISAGREE=()
record() { # key ms count
    TIMES[$1]+=" $2"
    COUNTS[$1]+=" $3"
}

# view NAME RTT REF: one /api/image through lading, checked complete; time and counts kept.
view() {
    local name="$1" rtt="$2" ref="$3" out="$WORK/answer.json" before result trace relay
    before="$(requests "$rtt")"
    result="$(curl -sS --noproxy '*' --max-time "$CURL_MAX" -o "$out" -w '%{http_code} %{time_total}' \
        "$LADING_URL/api/image?ref=$(urlencode "$ref")")" || die "$name at $rtt ms: curl failed"
    [ "${result% *}" = 200 ] || die "$name at $rtt ms: HTTP ${result% *}: $(head -c 600 "$out")"
    jq -e --argjson n "$CHILDREN" '(.children | length) == $n and all(.children[]; .error == null)' \
        "$out" >/dev/null || die "$name at $rtt ms: incomplete answer: $(head -c 600 "$out")"
    relay=$(($(requests "$rtt") - before))
    trace="$(jq '.trace | length' "$out")"
    [ "$trace" = "$relay" ] || DISAGREE+=("$name at $rtt ms: trace $trace, relay $relay")
    CACHED[$name.$rtt]="$(jq '.registry_notes.from_cache // [] | length' "$out")"
    record "$name.$rtt" "$(ms "${result#* }")" "$trace/$relay"
    [ "$name" != cold_tag ] || [ -f "$WORK/cold-tag-$rtt.log" ] \
        || tail -n "$relay" "$WORK/relay-$rtt.log" >"$WORK/cold-tag-$rtt.log"
}

# skopeo_inspect RTT PLATFORM: one `skopeo inspect` of the tag for OS/ARCH[/VARIANT].
skopeo_inspect() {
    local rtt="$1" os arch variant args
    IFS=/ read -r os arch variant <<<"$2"
    args=(--override-os "$os" --override-arch "$arch")
    [ -z "$variant" ] || args+=(--override-variant "$variant")
    timeout "$SKOPEO_MAX" skopeo inspect --no-tags --tls-verify=false "${args[@]}" \
        "docker://${RELAY_ADDR[$rtt]}/$REPO:$TAG" >"$WORK/skopeo.json" 2>"$WORK/skopeo.err" \
        || die "skopeo $2 at $rtt ms: $(cat "$WORK/skopeo.err")"
    jq -e --arg a "$arch" '.Architecture == $a' "$WORK/skopeo.json" >/dev/null \
        || die "skopeo $2 at $rtt ms answered another platform: $(head -c 300 "$WORK/skopeo.json")"
}
skopeo_views() { # RTT: one platform, then every platform one by one
    local rtt="$1" before t0 t1
    before="$(requests "$rtt")"
    t0="$(now)"
    skopeo_inspect "$rtt" "${PLATFORMS[0]}"
    t1="$(now)"
    record "skopeo_one.$rtt" "$(ms "$(elapsed "$t0" "$t1")")" $(($(requests "$rtt") - before))
    before="$(requests "$rtt")"
    t0="$(now)"
    for platform in "${PLATFORMS[@]}"; do skopeo_inspect "$rtt" "$platform"; done
    t1="$(now)"
    record "skopeo_all.$rtt" "$(ms "$(elapsed "$t0" "$t1")")" $(($(requests "$rtt") - before))
}
lading_views() { # RTT
    local rtt="$1" by_tag="${RELAY_ADDR[$1]}/$REPO:$TAG" by_digest="${RELAY_ADDR[$1]}/$REPO@$DIGEST"
    start_lading
    view cold_tag "$rtt" "$by_tag"
    view warm_tag "$rtt" "$by_tag"
    view digest_after_tag "$rtt" "$by_digest"
    start_lading
    view cold_digest "$rtt" "$by_digest"
    view warm_digest "$rtt" "$by_digest"
    stop_lading
}

for round in $(seq "$ROUNDS"); do
    for rtt in $RTTS; do
        if [ $((round % 2)) -eq 1 ]; then lading_views "$rtt"; skopeo_views "$rtt"
        else skopeo_views "$rtt"; lading_views "$rtt"; fi
    done
    log "round $round: cold tag view at $RTTS ms:" \
        "$(for rtt in $RTTS; do printf '%s ' "${TIMES[cold_tag.$rtt]##* }"; done)ms"
done


# ---- the report
cell() { median ${TIMES[$1]}; }
counts() { printf '%s\n' ${COUNTS[$1]} | sort -u | paste -sd, - | sed 's/,/, /g'; }
floor() { echo $((FLOOR_TRIPS * $1)); }
goal_ratio() { # measured_ms rtt: "R× (met)" or "R× (missed: N ms over G× floor)"
    local r limit
    r="$(ratio "$1" "$(floor "$2")")"
    limit="$(awk -v f="$(floor "$2")" -v g="$GOAL_RATIO" 'BEGIN { printf "%.1f", f * g }')"
    if awk -v m="$1" -v l="$limit" 'BEGIN { exit !(m <= l) }'; then echo "${r}× (met)"
    else echo "${r}× (missed by $(awk -v m="$1" -v l="$limit" 'BEGIN { printf "%.1f", m - l }') ms)"; fi
}
# What one cold tag view asked, by method and kind of target.
breakdown() {
    local kinds connections
    kinds="$(awk '$2 != "-" { t = $3; k = "other"
           if (t == "/v2/") k = "ping"; else if (t ~ /\/manifests\/sha256:/) k = "manifest by digest"
           else if (t ~ /\/manifests\//) k = "manifest by tag"; else if (t ~ /\/blobs\//) k = "blob"
           n[$2 " " k]++ }
         END { for (x in n) printf "%d× %s\n", n[x], x }' "$1" | sort -k2 | paste -sd, - | sed 's/,/, /g')"
    connections="$(awk '$2 != "-" { print $1 }' "$1" | sort -u | wc -l)"
    echo "$kinds over $connections connections"
}
# The part of a cold view the network adds: its time at RTT minus its time at 0 ms.
network_share() { # view rtt
    [[ " $RTTS " == *" 0 "* ]] || return 0
    local extra
    extra="$(awk -v a="$(cell "$1.$2")" -v b="$(cell "$1.0")" 'BEGIN { printf "%.1f", a - b }')"
    printf '; minus the 0 ms time (%s ms of local work) %s ms = %s× floor' \
        "$(cell "$1.0")" "$extra" "$(ratio "$extra" "$(floor "$2")")"
}
SAMPLE_RTT="$(for rtt in $RTTS; do echo "$rtt"; done | sort -n | tail -1)"
VIEWS="cold_tag cold_digest warm_tag digest_after_tag warm_digest"
BODY="$WORK/section.md"
{
    echo "# View: a five-platform index over a slow network (\`bench/view.sh\`)"
    echo
    echo "Written by \`bench/view.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); re-run it to refresh."
    echo
    echo "## Machine"
    machine_facts
    echo "- Load average (1, 5, 15 min) at the start: $LOAD_BEFORE; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- $(skopeo --version), distribution $(/usr/bin/docker-registry --version 2>/dev/null | awk '{ print $NF }')"
    echo
    echo "## Method"
    echo "- A Debian \`docker-registry\` on loopback holds one OCI index, tag \`$TAG\`, of five"
    echo "  platform images (${PLATFORMS[*]};"
    echo "  three small layers each) and one BuildKit attestation manifest = $CHILDREN children"
    echo "  (\`lading-bench-index\`)."
    echo "- \`lading-latency-relay\` in front of it, one per RTT ($RTTS ms): every byte arrives RTT/2"
    echo "  after it was sent, each direction; connecting costs nothing (loopback handshake), so a"
    echo "  real network's extra round trip per new connection (two or more with TLS) is not here,"
    echo "  for any client. The relay logs each HTTP/1.x request head as it passes."
    echo "- lading: release build, \`--allow-host RELAY\`, \`curl\`'s \`time_total\` of \`/api/image?ref=…\`."
    echo "  cold = first view in a fresh process; warm tag = the same tag again; digest after tag ="
    echo "  \`REPO@INDEX_DIGEST\` in that process; cold/warm digest = by digest in another fresh process"
    echo "  and again. Every answer is checked complete ($CHILDREN children, none failed)."
    echo "- skopeo: \`skopeo inspect --no-tags --tls-verify=false --override-os/--override-arch[/--override-variant]\`"
    echo "  of the tag, a fresh process each (wall time, so its start-up counts). It first tries HTTPS"
    echo "  on the plain registry and falls back to HTTP: one round trip a real HTTPS registry would"
    echo "  spend on the TLS handshake instead. \"all\" = the ${#PLATFORMS[@]} platforms one after another."
    echo "- Floor = $FLOOR_TRIPS round trips (ping, index, all children at once); 0 at 0 ms, so no ratio there."
    echo "- Upstream requests: \`trace\` length of the answer / requests the relay saw during the view."
    echo "- $ROUNDS rounds, each RTT in turn, alternating whether lading or skopeo goes first; medians."
    echo
    echo "## Times (median of $ROUNDS, ms)"
    echo "| RTT | floor | lading cold tag | cold digest | warm tag | digest after tag | warm digest | skopeo 1 platform | skopeo all ${#PLATFORMS[@]} |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for rtt in $RTTS; do
        printf '| %s ms | %s |' "$rtt" "$(floor "$rtt")"
        for key in $VIEWS skopeo_one skopeo_all; do printf ' %s |' "$(cell "$key.$rtt")"; done
        echo
    done
    echo
    echo "Cold tag view, every round (ms): $(for rtt in $RTTS; do printf '%s ms:%s; ' "$rtt" "${TIMES[cold_tag.$rtt]}"; done)"
    echo
    echo "## Upstream requests per view (trace / relay; skopeo: relay)"
    echo "| view | $(for rtt in $RTTS; do printf '%s ms | ' "$rtt"; done)answered from cache ($SAMPLE_RTT ms) |"
    echo "| --- | $(for rtt in $RTTS; do printf -- '--- | '; done)--- |"
    for key in $VIEWS skopeo_one skopeo_all; do
        printf '| %s |' "${key//_/ }"
        for rtt in $RTTS; do printf ' %s |' "$(counts "$key.$rtt")"; done
        printf ' %s |\n' "${CACHED[$key.$SAMPLE_RTT]:-–}"
    done
    echo
    echo "One cold tag view at $SAMPLE_RTT ms, as the relay saw it: $(breakdown "$WORK/cold-tag-$SAMPLE_RTT.log")."
    echo
    echo "## Goals"
    for rtt in $RTTS; do
        [ "$rtt" -gt 0 ] || continue
        echo "- Cold ≤ ${GOAL_RATIO}× floor at $rtt ms ($(floor "$rtt") ms): by tag" \
            "$(goal_ratio "$(cell "cold_tag.$rtt")" "$rtt")$(network_share cold_tag "$rtt");" \
            "by digest $(goal_ratio "$(cell "cold_digest.$rtt")" "$rtt")$(network_share cold_digest "$rtt")."
    done
    echo "- Warm tag view = 1 request: $(counts "warm_tag.$SAMPLE_RTT") at $SAMPLE_RTT ms ($( [ "$(counts "warm_tag.$SAMPLE_RTT")" = 1/1 ] && echo met || echo missed))."
    echo "- Repeat view by digest = 0 requests: $(counts "warm_digest.$SAMPLE_RTT") at $SAMPLE_RTT ms ($( [ "$(counts "warm_digest.$SAMPLE_RTT")" = 0/0 ] && echo met || echo missed))."
    if [ "${#DISAGREE[@]}" -gt 0 ]; then
        echo "- **Trace and relay disagree** (a request the trace does not show, or the reverse):"
        printf '  - %s\n' "${DISAGREE[@]}"
    else
        echo "- Trace and relay agree on every view."
    fi
} >"$BODY"
write_section view "$BODY"
log "== wrote the view section of bench/RESULTS.md"
cat "$BODY"
[ "${#DISAGREE[@]}" -eq 0 ] || die "trace and relay disagree: ${DISAGREE[*]}"
