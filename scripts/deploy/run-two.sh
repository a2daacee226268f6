#!/usr/bin/env bash
# Two lading instances behind Debian's nginx, on loopback, to try the deployment of the
# README's "Running past one machine" with the very files it describes (lading.conf,
# standalone.conf: the deploy test suite renders them the same way). Ctrl-C stops all.
#
#   scripts/deploy/run-two.sh [-- LADING_FLAGS…]
#   e.g. scripts/deploy/run-two.sh -- --allow-host localhost:5000
#
# Environment: LADING_BIN (default: target/release/lading, else target/debug/lading),
# NGINX_BIN (default /usr/sbin/nginx), PORT (nginx, default 8080), INSTANCE_PORTS (default
# "8081 8082"). Everything lives in a fresh temp directory, removed on exit unless KEEP=1;
# its access.log says, per request, the cache status and which instance answered.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
here="$PWD"
root="$(cd ../.. && pwd)"
[ "${1:-}" = "--" ] && shift

nginx_bin="${NGINX_BIN:-/usr/sbin/nginx}"
port="${PORT:-8080}"
read -r port_a port_b <<<"${INSTANCE_PORTS:-8081 8082}"
lading_bin="${LADING_BIN:-}"
if [ -z "$lading_bin" ]; then
    for candidate in "$root/target/release/lading" "$root/target/debug/lading"; do
        [ -x "$candidate" ] && { lading_bin="$candidate"; break; }
    done
fi
[ -x "$lading_bin" ] || { echo "no lading binary: cargo build --release -p lading-proxy, or set LADING_BIN" >&2; exit 1; }
[ -x "$nginx_bin" ] || { echo "no nginx at $nginx_bin (apt-get install nginx)" >&2; exit 1; }

prefix="$(mktemp -d /tmp/lading-deploy.XXXXXX)"
# Started by root, nginx's workers run as nobody: they must be able to enter the prefix.
chmod 755 "$prefix"
mkdir -p "$prefix/temp"
pids=()
cleanup() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $prefix" >&2; else rm -rf "$prefix"; fi
}
trap cleanup EXIT INT TERM

# wait_http URL SECONDS: until URL answers 200.
wait_http() {
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "$1 did not answer within $2 s" >&2; return 1; }
        sleep 0.1
    done
}

for instance_port in "$port_a" "$port_b"; do
    # --trust-forwarded-for: per-client limits key on the address nginx forwards.
    LADING_LOG="${LADING_LOG:-info}" "$lading_bin" --listen "127.0.0.1:$instance_port" \
        --trust-forwarded-for "$@" >"$prefix/lading-$instance_port.log" 2>&1 &
    pids+=("$!")
done
for instance_port in "$port_a" "$port_b"; do
    wait_http "http://127.0.0.1:$instance_port/api/health" 30 ||
        { cat "$prefix/lading-$instance_port.log" >&2; exit 1; }
done

sed -e "s|@PREFIX@|$prefix|g" "$here/standalone.conf" >"$prefix/nginx.conf"
sed -e "s|@LISTEN@|127.0.0.1:$port|g" \
    -e "s|@CACHE_DIR@|$prefix/cache|g" \
    -e "s|@ACCESS_LOG@|$prefix/access.log|g" \
    -e "s|@INSTANCE_A@|127.0.0.1:$port_a|g" \
    -e "s|@INSTANCE_B@|127.0.0.1:$port_b|g" \
    "$here/lading.conf" >"$prefix/lading.conf"
"$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" &
pids+=("$!")
wait_http "http://127.0.0.1:$port/api/health" 10

cat >&2 <<EOF
lading ×2 behind nginx: http://127.0.0.1:$port/
  instances  127.0.0.1:$port_a, 127.0.0.1:$port_b (logs: $prefix/lading-*.log)
  nginx      $prefix/access.log (cache=HIT|MISS|BYPASS upstream=which instance)
Ctrl-C stops everything.
EOF
# Until Ctrl-C, or until any of the three exits on its own.
wait -n "${pids[@]}"
