#!/usr/bin/env bash
# make bench, part 1 of 4 (parts 2–4 at the end): wrk on loopback against (a) the token endpoint
# (client_credentials, keep-alive), (b) the rotate endpoint answering 429 (bucket empty),
# (c) introspection (RFC 7662) of a valid token by a resource server (keep-alive, #19),
# (d) the token endpoint for an application with JWT access tokens (#19), and
# (e) nginx `return 204;` as the
# reference, all started here in the same run. Prints requests/s, p50/p99 latency and each
# ratio to nginx (token-jwt: its ratio to the opaque HMAC token of the same round). The machine
# is noisy (nginx alone swings ±30% between runs), so the targets run interleaved for
# BENCH_ROUNDS rounds and the table shows each target's median round, with ratios computed
# within a round and then taking the median. A binary without resource servers or JWT tokens
# (a baseline from before #19) skips those targets; their figures print "n/a".
# Usage: scripts/bench.sh path/to/rekey   (BENCH_BASELINE=path/to/previous/rekey for an A/B;
# BENCH_PARTS=1 for part 1 alone, BENCH_PARTS=2 for part 2 alone, BENCH_PARTS=1,4 for two of them (parts 1–5);
# BENCH_CEILING=path/to/sqlite_ceiling for part 2's reference, by default beside the binary's
# build: <build>/tests/bench/sqlite_ceiling)
set -euo pipefail
REKEY=${1:?usage: bench.sh path/to/rekey}
parts=${BENCH_PARTS:-all}
# part N → whether BENCH_PARTS asks for it
want() { [ "$parts" = all ] || [[ ",$parts," == *",$1,"* ]]; }
DURATION=${BENCH_DURATION:-5s}
ROUNDS=${BENCH_ROUNDS:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
work=$(mktemp -d /tmp/rekey-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# shellcheck source=scripts/bench-nginx.sh
source "$(dirname "$0")/bench-nginx.sh"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- part 1 (below, up to part 2; not indented, for its heredocs).
if want 1; then

# --- nginx, the reference: the cheapest possible HTTP answer.
nginx_port=$(free_port)
nginx_conf "$work/nginx" "$nginx_port"
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)

# --- rekey, release build, its defaults (one I/O thread per core). start_rekey DIR: starts one
# with its data in DIR, with one application whose rotate bucket holds one token that takes ~3
# hours to refill: after the first rotation every rotate answers 429 for the whole run, and the
# token's secret stays valid (a second rotation would retire it, and the token figure would
# count 401s). Writes DIR/token.lua, DIR/rotate.lua and DIR/url (the server's URL). When the
# binary has them (#19), also a resource server and DIR/introspect.lua (introspecting that same
# token, which stays active for the whole run), and an application with tokenFormat jwt and
# DIR/token-jwt.lua; without them those two files are not written and the targets are skipped.
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# introspect_active URL AUTHORIZATION TOKEN → exit status 0 when the token introspects as active
introspect_active() {
  curl -sf -H "authorization: $2" -d "token=$(urlencode "$3")" "$1/auth/o2/introspect" |
    python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin).get("active") is True else 1)'
}
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
  # Introspection (#19): a resource server, introspecting the token above. A binary without
  # resource servers answers 404 to the creation: the target is skipped.
  local rs rs_id rs_secret basic
  if rs=$(curl -sf "${admin[@]}" -d '{"name":"bench-rs"}' "$url/admin/v1/resource-servers"); then
    rs_id=$(field resourceServerId <<<"$rs"); rs_secret=$(field clientSecret <<<"$rs")
    basic="Basic $(printf '%s:%s' "$(urlencode "$rs_id")" "$(urlencode "$rs_secret")" | base64 -w0)"
    introspect_active "$url" "$basic" "$token" || { echo "bench: the bench token does not introspect as active" >&2; exit 1; }
    cat > "$dir/introspect.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$(urlencode "$token")"
wrk.headers["Authorization"] = "$basic"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
    echo "$basic" > "$dir/introspect.auth"
    echo "$token" > "$dir/introspect.token"
  else
    echo "bench: $bin has no resource servers; introspect skipped" >&2
  fi
  # JWT access tokens (#19): an application with tokenFormat jwt. A binary that refuses the
  # field, or ignores it and mints an opaque Atc| token, skips the target.
  local jwt_app jwt_body jwt_token
  if jwt_app=$(curl -sf "${admin[@]}" -d '{"name":"bench-jwt","tokenFormat":"jwt"}' "$url/admin/v1/applications") &&
     jwt_body="grant_type=client_credentials&client_id=$(field clientId <<<"$jwt_app")&client_secret=$(field clientSecret <<<"$jwt_app")&scope=$scope" &&
     jwt_token=$(curl -sf -d "$jwt_body" "$url/auth/o2/token" | field access_token) &&
     [[ $jwt_token =~ ^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ ]]; then
    cat > "$dir/token-jwt.lua" <<LUA
wrk.method = "POST"
wrk.body = "$jwt_body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
LUA
  else
    echo "bench: $bin gives no JWT access tokens; token-jwt skipped" >&2
  fi
  echo "$url" > "$dir/url"
}
start_rekey "$REKEY" "$work/rekey"
url=$(cat "$work/rekey/url")
# BENCH_BASELINE=path/to/previous/rekey: an A/B — the previous binary's figures in the same
# interleaved rounds, each as a ratio to this binary's (introspect and token-jwt only when the
# baseline has them; "n/a" otherwise).
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

# targets PREFIX DIR URL: runs one binary's targets, appending their lines to the array `lines`.
# token-jwt runs right after token, so that their ratio compares neighbours.
targets() {
  local prefix=$1 dir=$2 target_url=$3
  lines+=("$(run "${prefix}token" "$target_url/auth/o2/token" "$dir/token.lua")")
  if [ -f "$dir/token-jwt.lua" ]; then
    lines+=("$(run "${prefix}token-jwt" "$target_url/auth/o2/token" "$dir/token-jwt.lua")")
  fi
  lines+=("$(run "${prefix}rotate-429" "$target_url/applications/2023-11-30/clientSecret" "$dir/rotate.lua")")
  if [ -f "$dir/introspect.lua" ]; then
    lines+=("$(run "${prefix}introspect" "$target_url/auth/o2/introspect" "$dir/introspect.lua")")
  fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine; $ROUNDS interleaved rounds, medians"
results="$work/results"
: > "$results"
for round in $(seq "$ROUNDS"); do
  nginx_line=$(run nginx "http://127.0.0.1:$nginx_port/")
  lines=("$nginx_line")
  # With a baseline, every other round runs it first: which binary goes first shows in the figures.
  if [ -n "$baseline" ] && ((round % 2 == 0)); then targets baseline- "$work/baseline" "$baseline_url"; fi
  targets "" "$work/rekey" "$url"
  if [ -n "$baseline" ] && ((round % 2 == 1)); then targets baseline- "$work/baseline" "$baseline_url"; fi
  nginx_rps=$(awk '{print $2}' <<<"$nginx_line")
  for line in "${lines[@]}"; do
    echo "$round $line $(awk -v n="$nginx_rps" '{print $2 / n}' <<<"$line")" >> "$results"
  done
  echo "round $round: $(awk '{printf "%s %.0f/s  ", $2, $3}' < <(grep "^$round " "$results"))" >&2
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
by_round = lambda name: {r[0]: float(r[2]) for r in rows if r[1] == name}

def row(name, label, ratios, goal):
    """One table row: the median round's figures, the median and range of the per-round ratios."""
    mine = [r for r in rows if r[1] == name]
    if not mine or not ratios:
        print(f"| {label} | n/a | | | | n/a | | {goal} |")
        return
    ratios = sorted(ratios)
    median_row = sorted(mine, key=lambda r: float(r[2]))[len(mine) // 2]
    print(f"| {label} | {statistics.median(float(r[2]) for r in mine):.0f} | {median_row[3]} | {median_row[4]} | "
          f"{median_row[5]} | {statistics.median(ratios):.2f} | {ratios[0]:.2f}–{ratios[-1]:.2f} | {goal} |")

goals = {"nginx": "reference", "token": "≥ 0.75 (#20)", "rotate-429": "≥ 0.85 (#20)", "introspect": "≥ 0.50 (#19)"}
print("\n| target | requests/s (median) | p50 | p99 | non-2xx | ratio to nginx (median) | ratio range | goal |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name in goals:
    row(name, name, [float(r[6]) for r in rows if r[1] == name], goals[name])

# JWT against HMAC: each round's token-jwt requests/s over the same round's (opaque, HMAC) token.
print("\nJWT vs HMAC tokens, the same rounds: token-jwt (application with tokenFormat jwt, EdDSA-signed")
print("at+jwt) over token (the bench application's opaque HMAC Atc| tokens)")
print("\n| target | requests/s (median) | p50 | p99 | non-2xx | ratio to token (median) | ratio range | goal |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
hmac = by_round("token")
row("token", "token (HMAC)", [1.0 for r in rows if r[1] == "token"], "reference")
row("token-jwt", "token-jwt", [float(r[2]) / hmac[r[0]] for r in rows if r[1] == "token-jwt" and r[0] in hmac], "reported")

if any(r[1].startswith("baseline-") for r in rows):
    print("\nA/B against BENCH_BASELINE, the same rounds: this binary's requests/s over the baseline's")
    print("(n/a: a binary without that route)")
    print("\n| target | ratio to baseline (median) | range |\n|---|---:|---:|")
    for name in ["token", "token-jwt", "rotate-429", "introspect"]:
        mine = by_round(name)
        ratios = sorted(mine[r[0]] / float(r[2]) for r in rows if r[1] == "baseline-" + name and r[0] in mine)
        if ratios:
            print(f"| {name} | {statistics.median(ratios):.3f} | {ratios[0]:.3f}–{ratios[-1]:.3f} |")
        else:
            print(f"| {name} | n/a | |")
for name, what in [("token", "the token endpoint"), ("token-jwt", "the token endpoint (JWT)"),
                   ("introspect", "the introspection endpoint")]:
    failed = sum(int(r[5]) for r in rows if r[1] == name)
    if failed:
        print(f"\nINVALID: {what} answered {failed} requests with an error; its figure counts them.")
PY
# The introspected token must have stayed active: an inactive answer is a 200 too, and cheaper.
if [ -f "$work/rekey/introspect.auth" ] &&
   ! introspect_active "$url" "$(cat "$work/rekey/introspect.auth")" "$(cat "$work/rekey/introspect.token")"; then
  echo
  echo "INVALID: the introspected token was no longer active after the rounds; the introspect figure may count inactive answers."
fi

fi  # part 1

rekey_abs="$(cd "$(dirname "$REKEY")" && pwd)/$(basename "$REKEY")"
if want 2 || want 3 || want 4; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# --- part 2 (issues #3, #20): rotations with delivery running, and commit→receivable latency,
# next to SQLite's own ceiling for the same writes (tests/bench/sqlite_ceiling).
if want 2; then
  ceiling=${BENCH_CEILING:-$(dirname "$rekey_abs")/../../tests/bench/sqlite_ceiling}
  [ -x "$ceiling" ] && ceiling="$(cd "$(dirname "$ceiling")" && pwd)/$(basename "$ceiling")"
  echo
  echo "rotations with delivery (SQLite, synchronous=FULL), next to SQLite's ceiling: node tests/e2e/bench/rotations.mjs"
  (cd tests/e2e && REKEY_BIN="$rekey_abs" REKEY_SQLITE_CEILING="$ceiling" node --no-warnings bench/rotations.mjs)
fi

# --- part 3 (issue #5): SQLite next to PostgreSQL with one and with two nodes, one run.
if want 3; then
  echo
  echo "backends (a throwaway PostgreSQL): node tests/e2e/bench/backends.mjs"
  (cd tests/e2e && ../../scripts/with-postgres.sh env REKEY_BIN="$rekey_abs" node --no-warnings bench/backends.mjs)
fi

# --- part 4 (issue #15): SQS throughput through the embedded queue, next to raw SQLite.
if want 4; then
  echo
  echo "SQS throughput (SQLite): node tests/e2e/bench/sqs_throughput.mjs"
  (cd tests/e2e && REKEY_BIN="$rekey_abs" node --no-warnings bench/sqs_throughput.mjs)
fi

# --- part 5 (issue #20): HTTPS with keep-alive, a full handshake and a resumed session per
# request, next to nginx with the same certificate (scripts/bench-https.sh).
if want 5; then
  https_load=${BENCH_HTTPS_LOAD:-$(dirname "$rekey_abs")/../../tests/bench/https_load}
  echo
  echo "HTTPS (TLS 1.3): scripts/bench-https.sh"
  "$(dirname "$0")/bench-https.sh" "$rekey_abs" "$https_load"
fi
