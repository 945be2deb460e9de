#!/usr/bin/env bash
# make bench, part 1 of 4 (parts 2–4 at the end): wrk on loopback against (a) the token endpoint
# (client_credentials, keep-alive), (b) the rotate endpoint answering 429 (bucket empty), and
# (c) nginx `return 204;` as the
# reference, all started here in the same run. Prints requests/s, p50/p99 latency and each
# ratio to nginx. The machine is noisy (nginx alone swings ±30% between runs), so the three
# targets run interleaved for BENCH_ROUNDS rounds and the table shows each target's median
# round, with ratios computed within a round and then taking the median.
# Usage: scripts/bench.sh path/to/rekey   (BENCH_BASELINE=path/to/previous/rekey for an A/B;
# BENCH_PARTS=1 for part 1 alone)
set -euo pipefail
REKEY=${1:?usage: bench.sh path/to/rekey}
DURATION=${BENCH_DURATION:-5s}
ROUNDS=${BENCH_ROUNDS:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
work=$(mktemp -d /tmp/rekey-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- nginx, the reference: the cheapest possible HTTP answer.
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server { listen 127.0.0.1:$nginx_port; location / { return 204; } }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)

# --- rekey, release build, its defaults (one I/O thread per core). start_rekey DIR: starts one
# with its data in DIR, with one application whose rotate bucket holds one token that takes ~3
# hours to refill: after the first rotation every rotate answers 429 for the whole run, and the
# token's secret stays valid (a second rotation would retire it, and the token figure would
# count 401s). Writes DIR/token.lua, DIR/rotate.lua and DIR/url (the server's URL).
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
scope='sellingpartnerapi::client_credential:rotation'
start_rekey() {
  local bin=$1 dir=$2
  mkdir -p "$dir"
  "$bin" serve --port 0 --data-dir "$dir/data" --log-level warn > "$dir/rekey.out" 2> "$dir/rekey.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$dir/rekey.out" 2>/dev/null && break; sleep 0.1; done
  local url; url=$(grep -o 'http://[0-9.:]*' "$dir/rekey.out" | head -1)
  local admin=(-H "authorization: Bearer $(cat "$dir/data/admin-token")" -H 'content-type: application/json')
  local app app_id client_id secret dest token_body token status
  app=$(curl -sf "${admin[@]}" -d '{"name":"bench","rotateRate":0.0001,"rotateBurst":1}' "$url/admin/v1/applications")
  app_id=$(field applicationId <<<"$app"); client_id=$(field clientId <<<"$app"); secret=$(field clientSecret <<<"$app")
  dest=$(curl -sf "${admin[@]}" -d '{"queue":"bench"}' "$url/admin/v1/applications/$app_id/destinations" | field destinationId)
  curl -sf -X PUT "${admin[@]}" -d "{\"destinationId\":\"$dest\"}" \
    "$url/admin/v1/applications/$app_id/subscriptions/APPLICATION_OAUTH_CLIENT_NEW_SECRET" > /dev/null
  token_body="grant_type=client_credentials&client_id=$client_id&client_secret=$secret&scope=$scope"
  token=$(curl -sf -d "$token_body" "$url/auth/o2/token" | field access_token)
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "x-amz-access-token: $token" "$url/applications/2023-11-30/clientSecret")
  [ "$status" = 204 ] || { echo "bench: first rotate answered $status" >&2; exit 1; }
  cat > "$dir/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "$token_body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
LUA
  cat > "$dir/rotate.lua" <<LUA
wrk.method = "POST"
wrk.headers["x-amz-access-token"] = "$token"
wrk.headers["Content-Type"] = "application/json"
LUA
  echo "$url" > "$dir/url"
}
start_rekey "$REKEY" "$work/rekey"
url=$(cat "$work/rekey/url")
# BENCH_BASELINE=path/to/previous/rekey: an A/B — the previous binary's token and 429 figures in
# the same interleaved rounds, each as a ratio to this binary's.
baseline=${BENCH_BASELINE:-}
if [ -n "$baseline" ]; then
  start_rekey "$baseline" "$work/baseline"
  baseline_url=$(cat "$work/baseline/url")
fi

# run NAME URL [SCRIPT] → prints "NAME rps p50 p99 non2xx"
run() {
  local name=$1 target=$2 script=${3:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s ${script:+-s "$script"} "$target" > /dev/null  # warm-up
  local out; out=$(wrk "${args[@]}" "$target")
  local rps p50 p99 bad
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $5}' <<<"$out"); bad=${bad:-0}
  echo "$name $rps $p50 $p99 $bad"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine; $ROUNDS interleaved rounds, medians"
results="$work/results"
: > "$results"
for round in $(seq "$ROUNDS"); do
  nginx_line=$(run nginx "http://127.0.0.1:$nginx_port/")
  # With a baseline, every other round runs it first: which binary goes first shows in the figures.
  baseline_lines=()
  if [ -n "$baseline" ] && ((round % 2 == 0)); then
    baseline_lines+=("$(run baseline-token "$baseline_url/auth/o2/token" "$work/baseline/token.lua")")
    baseline_lines+=("$(run baseline-rotate-429 "$baseline_url/applications/2023-11-30/clientSecret" "$work/baseline/rotate.lua")")
  fi
  token_line=$(run token "$url/auth/o2/token" "$work/rekey/token.lua")
  rotate_line=$(run rotate-429 "$url/applications/2023-11-30/clientSecret" "$work/rekey/rotate.lua")
  if [ -n "$baseline" ] && ((round % 2 == 1)); then
    baseline_lines+=("$(run baseline-token "$baseline_url/auth/o2/token" "$work/baseline/token.lua")")
    baseline_lines+=("$(run baseline-rotate-429 "$baseline_url/applications/2023-11-30/clientSecret" "$work/baseline/rotate.lua")")
  fi
  lines=("$nginx_line" "$token_line" "$rotate_line" "${baseline_lines[@]}")
  nginx_rps=$(awk '{print $2}' <<<"$nginx_line")
  for line in "${lines[@]}"; do
    echo "$round $line $(awk -v n="$nginx_rps" '{print $2 / n}' <<<"$line")" >> "$results"
  done
  echo "round $round: $(awk '{printf "%s %.0f/s  ", $2, $3}' < <(grep "^$round " "$results"))" >&2
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
goals = {"nginx": "reference", "token": "≥ 0.40", "rotate-429": "≥ 0.60"}
print("\n| target | requests/s (median) | p50 | p99 | non-2xx | ratio to nginx (median) | ratio range | goal |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name in ["nginx", "token", "rotate-429"]:
    mine = [r for r in rows if r[1] == name]
    ratios = sorted(float(r[6]) for r in mine)
    median_row = sorted(mine, key=lambda r: float(r[2]))[len(mine) // 2]
    print(f"| {name} | {statistics.median(float(r[2]) for r in mine):.0f} | {median_row[3]} | {median_row[4]} | "
          f"{median_row[5]} | {statistics.median(ratios):.2f} | {ratios[0]:.2f}–{ratios[-1]:.2f} | {goals[name]} |")
if any(r[1].startswith("baseline-") for r in rows):
    print("\nA/B against BENCH_BASELINE, the same rounds: this binary's requests/s over the baseline's")
    print("\n| target | ratio to baseline (median) | range |\n|---|---:|---:|")
    for name in ["token", "rotate-429"]:
        by_round = {r[0]: float(r[2]) for r in rows if r[1] == name}
        ratios = sorted(by_round[r[0]] / float(r[2]) for r in rows if r[1] == "baseline-" + name)
        print(f"| {name} | {statistics.median(ratios):.3f} | {ratios[0]:.3f}–{ratios[-1]:.3f} |")
failed = sum(int(r[5]) for r in rows if r[1] == "token")
if failed:
    print(f"\nINVALID: the token endpoint answered {failed} requests with an error; its figure counts them.")
PY

[ "${BENCH_PARTS:-all}" = 1 ] && exit 0

# --- part 2 (issue #3): rotations with delivery running, and commit→receivable latency.
rekey_abs="$(cd "$(dirname "$REKEY")" && pwd)/$(basename "$REKEY")"
echo
echo "rotations with delivery (SQLite, synchronous=FULL): node tests/e2e/bench/rotations.mjs"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
  REKEY_BIN="$rekey_abs" node --no-warnings bench/rotations.mjs)

# --- part 3 (issue #5): SQLite next to PostgreSQL with one and with two nodes, one run.
echo
echo "backends (a throwaway PostgreSQL): node tests/e2e/bench/backends.mjs"
(cd tests/e2e && ../../scripts/with-postgres.sh env REKEY_BIN="$rekey_abs" node --no-warnings bench/backends.mjs)

# --- part 4 (issue #15): SQS throughput through the embedded queue, next to raw SQLite.
echo
echo "SQS throughput (SQLite): node tests/e2e/bench/sqs_throughput.mjs"
(cd tests/e2e && REKEY_BIN="$rekey_abs" node --no-warnings bench/sqs_throughput.mjs)
