#!/usr/bin/env bash
# Fuzzes Lading's parsers of untrusted input (fuzz/, its own crate, nightly + cargo-fuzz).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     default: all targets, 600 s each
#
# Targets run two at a time, one libFuzzer process each (no -jobs/-fork), at nice 10.
# Each run reads the committed seeds (fuzz/seeds/TARGET) and grows a scratch corpus
# (fuzz/corpus/TARGET, git-ignored); crashes land in fuzz/artifacts/TARGET, logs in
# fuzz/logs/TARGET.log. Reproduce a crash: cargo +nightly fuzz run -s none -a TARGET FILE
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
TARGETS=(reference challenge manifest layer_listing merge)
# No sanitizer: Lading forbids unsafe code, and the C in zstd-sys is not instrumented by
# -Zsanitizer anyway; -a keeps debug assertions (integer overflow checks) on.
FLAGS=(-s none -a)

want="${1:-all}"
seconds="${2:-600}"
if [[ "$want" == all ]]; then
  selected=("${TARGETS[@]}")
elif [[ " ${TARGETS[*]} " == *" $want "* ]]; then
  selected=("$want")
else
  echo "unknown target '$want' (one of: ${TARGETS[*]}, all)" >&2
  exit 2
fi

if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked
fi

cd "$FUZZ"
nice -n 10 cargo +nightly fuzz build "${FLAGS[@]}"
mkdir -p logs

run() {
  local target="$1"
  mkdir -p "corpus/$target" "artifacts/$target"
  nice -n 10 cargo +nightly fuzz run "${FLAGS[@]}" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    >"logs/$target.log" 2>&1
}

summary() {
  local target="$1" status="$2" done execs
  done="$(grep -E '^Done [0-9]+ runs' "logs/$target.log" | tail -1 || true)"
  execs="$(grep -E '^stat::number_of_executed_units' "logs/$target.log" | awk '{print $2}' || true)"
  printf '%-14s exit %-3s execs %-10s corpus %-5s artifacts %s\n  %s\n' "$target" "$status" \
    "${execs:-?}" "$(find "corpus/$target" -type f | wc -l)" \
    "$(find "artifacts/$target" -type f | wc -l)" "${done:-no Done line: see fuzz/logs/$target.log}"
}

failed=0
for ((i = 0; i < ${#selected[@]}; i += 2)); do
  pair=("${selected[@]:i:2}")
  pids=()
  for target in "${pair[@]}"; do
    echo "fuzzing $target for ${seconds}s (log: fuzz/logs/$target.log)"
    run "$target" &
    pids+=("$!")
  done
  for j in "${!pair[@]}"; do
    status=0
    wait "${pids[$j]}" || status=$?
    ((status == 0)) || failed=1
    summary "${pair[$j]}" "$status"
  done
done
exit "$failed"
