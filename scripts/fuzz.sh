#!/usr/bin/env bash
# Runs the libFuzzer harnesses (tests/fuzz/, docs/fuzzing.md) one after another — never two at
# once — each for SECONDS, and prints per harness the executions, exec/s and coverage (cov: and
# ft: from libFuzzer's last status line, with -print_final_stats=1).
# Each harness starts from its committed seeds (tests/fuzz/corpus/<harness>/, read only) plus
# what earlier runs found (BUILD_DIR/corpus/<harness>/, where new inputs go); crash inputs and
# logs go to BUILD_DIR/crashes/<harness>/ and BUILD_DIR/logs/ (inside the git-ignored build dir).
# Exits non-zero when any harness crashed, leaked, timed out or did not run.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS HARNESS...
set -uo pipefail

build_dir=$1 seconds=$2
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build_dir/logs"
failed=()
printf '%-20s %10s %8s %8s %8s %6s  %s\n' harness execs exec/s cov ft secs result
for h in "$@"; do
  bin="$build_dir/tests/fuzz/$h"
  seeds="$src/tests/fuzz/corpus/$h"
  work="$build_dir/corpus/$h"
  crashes="$build_dir/crashes/$h"
  log="$build_dir/logs/$h.log"
  mkdir -p "$work" "$crashes"
  opts=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/")
  [ -f "$src/tests/fuzz/$h.dict" ] && opts+=(-dict="$src/tests/fuzz/$h.dict")
  # The HTTP harness must be able to cross the 16 KiB header limit and reach the body limit.
  [ "$h" = fuzz_http_request ] && opts+=(-max_len=20000)
  start=$(date +%s)
  if [ -x "$bin" ]; then
    "$bin" "${opts[@]}" "$work" "$seeds" >"$log" 2>&1
    rc=$?
  else
    echo "fuzz: $bin is missing" >"$log"
    rc=127
  fi
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  status=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="FAILED (exit $rc): $(grep -m1 -E 'SUMMARY|ERROR|==[0-9]+==|missing' "$log" | cut -c1-120)"
    failed+=("$h")
  fi
  printf '%-20s %10s %8s %8s %8s %6s  %s\n' "$h" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$secs" "$result"
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]} (logs in $build_dir/logs/, inputs in $build_dir/crashes/)" >&2
  exit 1
fi
