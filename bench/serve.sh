#!/usr/bin/env bash
# Cached API answers: a warm digest-addressed `/api/image` answer from lading against nginx
# serving the identical bytes as a static file with the same headers, both loaded by wrk on
# loopback for a bounded time; req/s, p50, p99, medians of $ROUNDS alternating rounds. lading
# reaches the registry through a latency relay at 0 ms that counts what each answer cost
# upstream during the load.
#
#   bench/serve.sh             # ROUNDS=3 DURATION=10 CONNECTIONS=16; writes section `serve`
#   BUILD=0 bench/serve.sh     # use the release binaries already built
#
# Everything started here is stopped on exit (trap); a watchdog bounds the measuring part.
set -euo pipefail

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"       # seconds of each wrk run
CONNECTIONS="${CONNECTIONS:-16}" # wrk connections (two threads)
WARMUP=2                         # seconds of wrk before each measured run, not counted
BUILD="${BUILD:-1}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1500}"
RUN_TIMEOUT="${RUN_TIMEOUT:-300}"
READY_TIMEOUT=120
CURL_MAX=30
GOAL_RATIO=0.5
GOAL_P99_MS=20

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
source bench/lib.sh
ROOT="$PWD"
WORK="$(mktemp -d -t lading-serve.XXXXXX)"
FIXTURE_PID="" RELAY_PID="" LADING_PID="" NGINX_PID="" WATCHDOG_PID=""

cleanup() {
    stop "$NGINX_PID"
    stop "$LADING_PID"
    stop "$RELAY_PID"
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
DIGEST="$(fixture_value digest)"

"$BIN/lading-latency-relay" --upstream "$REGISTRY" --rtt-ms 0 --log "$WORK/relay.log" \
    >"$WORK/relay.out" 2>&1 &
RELAY_PID=$!
wait_for "$READY_TIMEOUT" grep -qx ready "$WORK/relay.out" || die "relay not ready"
RELAY="$(sed -n 's/^relay=//p' "$WORK/relay.out")"
requests() { awk '$2 != "-"' "$WORK/relay.log" | wc -l; }

# Only start-up lines: tower-http's per-request lines are at debug, off here.
LADING_LOG=warn,lading=info "$BIN/lading" --listen 127.0.0.1:0 --allow-host "$RELAY" \
    >"$WORK/lading.log" 2>&1 &
LADING_PID=$!
wait_for 30 grep -q 'listening on http://' "$WORK/lading.log" \
    || die "lading did not start: $(cat "$WORK/lading.log")"
REF="$(jq -rn --arg v "$RELAY/$REPO@$DIGEST" '$v | @uri')"
PATH_QUERY="/api/image?ref=$REF"
LADING_URL="$(grep -o 'http://[0-9.:]*' "$WORK/lading.log" | head -1)$PATH_QUERY"

log "== warming lading and keeping its answer"
for _ in 1 2; do
    curl -sS --noproxy '*' --max-time "$CURL_MAX" -D "$WORK/headers" -o "$WORK/image.json" \
        "$LADING_URL" || die "lading answer failed"
done
head -1 "$WORK/headers" | grep -q ' 200' || die "lading answered $(head -1 "$WORK/headers")"
ANSWER_BYTES="$(wc -c <"$WORK/image.json")"
ANSWER_TRACE="$(jq '.trace | length' "$WORK/image.json")"

# nginx: the same bytes and the same headers, minus the ones that describe the connection or
# the framing (nginx sends Content-Length where lading streams chunked).
mkdir -p "$WORK/nginx/html" "$WORK/nginx/tmp"
cp "$WORK/image.json" "$WORK/nginx/html/image.json"
chmod -R a+rX "$WORK" # nginx's workers run as nobody when started as root
NGINX_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
nginx_headers() {
    tr -d '\r' <"$WORK/headers" | tail -n +2 | while IFS= read -r line; do
        [ -n "$line" ] || continue
        name="${line%%:*}" value="${line#*: }"
        case "${name,,}" in
        date | content-length | transfer-encoding | connection | keep-alive | server) continue ;;
        content-type) printf '        default_type "%s";\n' "$value" ;;
        # `$` would start an nginx variable; ${dollar} is defined below as a literal one.
        *) value="${value//\\/\\\\}" value="${value//\"/\\\"}" value="${value//\$/\$\{dollar\}}"
           printf '        add_header %s "%s" always;\n' "$name" "$value" ;;
        esac
    done
}
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    etag off;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    geo \$dollar { default "\$"; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = /api/image {
        types { }
$(nginx_headers)
        alias $WORK/nginx/html/image.json;
        }
    }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" \
    >"$WORK/nginx/stdout" 2>&1 &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT$PATH_QUERY"
wait_for 30 curl -sf --noproxy '*' -o /dev/null "$NGINX_URL" \
    || die "nginx did not start: $(cat "$WORK/nginx/error.log" "$WORK/nginx/stdout")"
curl -sS --noproxy '*' -D "$WORK/nginx-headers" -o "$WORK/nginx-body" "$NGINX_URL"
cmp -s "$WORK/nginx-body" "$WORK/image.json" || die "nginx serves other bytes than lading"
# Header names beside the framing ones (Date, Content-Length, Transfer-Encoding, Connection, Server).
header_names() {
    tr -d '\r' <"$1" | tail -n +2 | sed -n 's/^\([^:]*\):.*/\L\1/p' \
        | grep -vxE 'date|content-length|transfer-encoding|connection|keep-alive|server' | sort
}
ONLY_NGINX="$(comm -13 <(header_names "$WORK/headers") <(header_names "$WORK/nginx-headers") | paste -sd' ' -)"
ONLY_LADING="$(comm -23 <(header_names "$WORK/headers") <(header_names "$WORK/nginx-headers") | paste -sd' ' -)"

to_ms() { # wrk's "1.23ms" / "850.00us" / "1.02s"
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                           else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
declare -A RPS P50 P99
ERRORS=()
# load NAME URL: a warm-up, then one measured wrk run; keeps req/s, p50, p99.
load() {
    local name="$1" url="$2" out="$WORK/wrk-$1.txt" before
    timeout $((WARMUP + 20)) wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "$url" >/dev/null \
        || die "wrk warm-up against $name failed"
    before="$(requests)"
    timeout $((DURATION + 30)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency \
        "$url" >"$out" || die "wrk against $name failed: $(cat "$out")"
    UPSTREAM[$name]+=" $(( $(requests) - before ))/$(awk '/requests in/ { print $1 }' "$out")"
    RPS[$name]+=" $(awk '/^Requests\/sec:/ { print $2 }' "$out")"
    P50[$name]+=" $(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
    P99[$name]+=" $(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
    if grep -q 'Non-2xx\|Socket errors' "$out"; then
        ERRORS+=("$name: $(grep 'Non-2xx\|Socket errors' "$out" | paste -sd';' -)")
    fi
    log "$name: ${RPS[$name]##* } req/s, p50 ${P50[$name]##* } ms, p99 ${P99[$name]##* } ms"
}
declare -A UPSTREAM

for round in $(seq "$ROUNDS"); do
    log "== round $round"
    if [ $((round % 2)) -eq 1 ]; then load lading "$LADING_URL"; load nginx "$NGINX_URL"
    else load nginx "$NGINX_URL"; load lading "$LADING_URL"; fi
done

per_answer() { # "upstream/answers" pairs → upstream requests per answer over all rounds
    printf '%s\n' $1 | awk -F/ '{ u += $1; a += $2 } END { printf "%.2f", (a ? u / a : 0) }'
}
L_RPS="$(median ${RPS[lading]})" N_RPS="$(median ${RPS[nginx]})"
L_P50="$(median ${P50[lading]})" N_P50="$(median ${P50[nginx]})"
L_P99="$(median ${P99[lading]})" N_P99="$(median ${P99[nginx]})"
RATIO="$(awk -v a="$L_RPS" -v b="$N_RPS" 'BEGIN { printf "%.3f", (b ? a / b : 0) }')"
met() { awk -v a="$1" -v b="$2" "BEGIN { exit !(a $3 b) }" && echo met || echo missed; }
BODY="$WORK/section.md"
{
    echo "# Serve: cached API answers, lading against nginx (\`bench/serve.sh\`)"
    echo
    echo "Written by \`bench/serve.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); re-run it to refresh."
    echo
    echo "## Machine"
    machine_facts
    echo "- Load average (1, 5, 15 min) at the start: $LOAD_BEFORE; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | sed 's/.*: //')"
    echo
    echo "## Method"
    echo "- The answer: \`GET /api/image?ref=RELAY/$REPO@$DIGEST\` (the five-platform index of"
    echo "  \`lading-bench-index\`, by digest), $ANSWER_BYTES bytes, asked twice before measuring (warm);"
    echo "  the kept answer's trace held $ANSWER_TRACE upstream exchanges."
    echo "- lading: release build, \`LADING_LOG=warn,lading=info\` (no per-request lines),"
    echo "  loopback defaults (no rate limit); it reaches the registry through"
    echo "  \`lading-latency-relay\` at 0 ms RTT, which counts the upstream requests of each run."
    echo "- nginx: \`worker_processes 2\`, \`access_log off\`, the kept answer as a static file with"
    echo "  lading's headers (\`add_header … always\`, \`default_type\` for Content-Type)."
    echo "  Besides framing (Date, Server, Connection, Content-Length/chunked), headers only nginx"
    echo "  sends: ${ONLY_NGINX:-none}; only lading: ${ONLY_LADING:-none}."
    echo "- \`wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency\` on loopback after a ${WARMUP} s warm-up, same"
    echo "  machine (wrk, server and registry share the $(nproc) cores); $ROUNDS rounds alternating who goes first."
    echo
    echo "## Results (median of $ROUNDS)"
    echo "| | req/s | p50 | p99 | rounds req/s | upstream requests per answer |"
    echo "| --- | --- | --- | --- | --- | --- |"
    echo "| lading | $L_RPS | $L_P50 ms | $L_P99 ms | ${RPS[lading]# } | $(per_answer "${UPSTREAM[lading]}") |"
    echo "| nginx, same bytes | $N_RPS | $N_P50 ms | $N_P99 ms | ${RPS[nginx]# } | – |"
    echo
    echo "## Goals"
    echo "- lading ≥ ${GOAL_RATIO}× nginx req/s: **${RATIO}×** ($(met "$RATIO" "$GOAL_RATIO" '>='))."
    echo "- lading p99 < $GOAL_P99_MS ms: **$L_P99 ms** ($(met "$L_P99" "$GOAL_P99_MS" '<'))."
    if [ "${#ERRORS[@]}" -gt 0 ]; then
        echo "- Errors during the load: ${ERRORS[*]}"
    else
        echo "- No non-2xx answers or socket errors in any run."
    fi
} >"$BODY"
write_section serve "$BODY"
log "== wrote the serve section of bench/RESULTS.md"
cat "$BODY"
