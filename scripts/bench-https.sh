#!/usr/bin/env bash
# make bench, part 5 (issue #20; scripts/bench.sh runs it): HTTPS. nginx (`return 204;`) and
# rekey, each serving TLS with the same self-signed ECDSA P-256 certificate made here, driven by
# tests/bench/https_load (TLS 1.3, -t2 -c32) three ways: keep-alive, a new connection with a full handshake per request, and a new
# connection per request resuming the previous session (as Node's https.Agent does). rekey's
# targets: the token endpoint (client_credentials) and the rotate endpoint answering 429. Rounds
# are interleaved; each ratio is to nginx in the same round and mode; medians and ranges.
# Usage: scripts/bench-https.sh path/to/rekey path/to/https_load
# (BENCH_ROUNDS, BENCH_HTTPS_SECONDS; BENCH_BASELINE=path/to/previous/rekey for an A/B)
set -euo pipefail
REKEY=${1:?usage: bench-https.sh path/to/rekey path/to/https_load}
LOAD=${2:?usage: bench-https.sh path/to/rekey path/to/https_load}
[ -x "$LOAD" ] || { echo "bench-https: no load program at $LOAD (build tests/bench, or set BENCH_HTTPS_LOAD)" >&2; exit 1; }
ROUNDS=${BENCH_ROUNDS:-5}
SECONDS_EACH=${BENCH_HTTPS_SECONDS:-4}
work=$(mktemp -d /tmp/rekey-bench-https.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck source=scripts/bench-nginx.sh
source "$(dirname "$0")/bench-nginx.sh"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null

# nginx as in part 1, over TLS, with its defaults for sessions (tickets on, no server-side cache);
# nginx-light 1.22's default ssl_protocols has no TLS 1.3.
nginx_port=$(free_port)
nginx_conf "$work/nginx" "$nginx_port" \
  "ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;"
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=($!)

# request NAME METHOD PATH HEADERS BODY: writes NAME-keep-alive.req and NAME-close.req
request() {
  local name=$1 method=$2 target=$3 headers=$4 body=$5 head
  head="$method $target HTTP/1.1\r\nHost: 127.0.0.1\r\n$headers"
  [ -n "$body" ] && head+="Content-Length: ${#body}\r\n"
  printf '%b\r\n%s' "$head" "$body" > "$work/$name-keep-alive.req"
  printf '%bConnection: close\r\n\r\n%s' "$head" "$body" > "$work/$name-close.req"
}
request nginx GET / "" ""

# start_rekey BIN NAME: rekey over TLS with one application whose rotate bucket is empty after
# one rotation (as in part 1); writes NAME-token-*.req and NAME-rotate-*.req and NAME.port.
scope='sellingpartnerapi::client_credential:rotation'
start_rekey() {
  local bin=$1 name=$2 dir="$work/$2"
  mkdir -p "$dir"
  "$bin" serve --port 0 --data-dir "$dir/data" --log-level warn --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
    > "$dir/rekey.out" 2> "$dir/rekey.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$dir/rekey.out" 2>/dev/null && break; sleep 0.1; done
  local url; url=$(grep -o 'https://[0-9.:]*' "$dir/rekey.out" | head -1)
  local admin=(-k -H "authorization: Bearer $(cat "$dir/data/admin-token")" -H 'content-type: application/json')
  local app app_id dest body token status
  app=$(curl -sf "${admin[@]}" -d '{"name":"bench","rotateRate":0.0001,"rotateBurst":1}' "$url/admin/v1/applications")
  app_id=$(field applicationId <<<"$app")
  dest=$(curl -sf "${admin[@]}" -d '{"queue":"bench"}' "$url/admin/v1/applications/$app_id/destinations" | field destinationId)
  curl -sf -X PUT "${admin[@]}" -d "{\"destinationId\":\"$dest\"}" \
    "$url/admin/v1/applications/$app_id/subscriptions/APPLICATION_OAUTH_CLIENT_NEW_SECRET" > /dev/null
  body="grant_type=client_credentials&client_id=$(field clientId <<<"$app")&client_secret=$(field clientSecret <<<"$app")&scope=$scope"
  token=$(curl -sfk -d "$body" "$url/auth/o2/token" | field access_token)
  status=$(curl -sk -o /dev/null -w '%{http_code}' -X POST -H "x-amz-access-token: $token" "$url/applications/2023-11-30/clientSecret")
  [ "$status" = 204 ] || { echo "bench-https: first rotate answered $status" >&2; exit 1; }
  request "$name-token" POST /auth/o2/token 'Content-Type: application/x-www-form-urlencoded;charset=UTF-8\r\n' "$body"
  request "$name-rotate" POST /applications/2023-11-30/clientSecret "x-amz-access-token: $token\r\nContent-Type: application/json\r\n" ""
  echo "${url##*:}" > "$work/$name.port"
}
start_rekey "$REKEY" rekey
baseline=${BENCH_BASELINE:-}
[ -n "$baseline" ] && start_rekey "$baseline" baseline

# load PORT REQUEST_PREFIX MODE → "requests/s failed resumed 2xx 4xx"
load() {
  local req="$work/$2-close.req"
  [ "$3" = keep-alive ] && req="$work/$2-keep-alive.req"
  "$LOAD" --port "$1" --request "$req" --mode "$3" --seconds "$SECONDS_EACH" |
    awk '{print $2, $8, $12, $4, $6}'
}

results="$work/results"
: > "$results"
echo "machine: $(nproc) cores; https_load -t2 -c32, ${SECONDS_EACH} s each, TLS 1.3, $ROUNDS interleaved rounds" >&2
for round in $(seq "$ROUNDS"); do
  for mode in keep-alive new resume; do
    echo "$round $mode nginx $(load "$nginx_port" nginx "$mode")" >> "$results"
    for who in rekey ${baseline:+baseline}; do
      for target in token rotate; do
        echo "$round $mode $who-$target $(load "$(cat "$work/$who.port")" "$who-$target" "$mode")" >> "$results"
      done
    done
  done
  echo "round $round done" >&2
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
rps = {(r[0], r[1], r[2]): float(r[3]) for r in rows}
failed = sum(int(r[4]) for r in rows)
def summary(values):
    values = sorted(values)
    return f"{statistics.median(values):.2f} | {values[0]:.2f}–{values[-1]:.2f}"
print("\n| target (HTTPS) | connection | requests/s (median) | resumed | ratio to nginx (median) | range | goal |")
print("|---|---|---:|---:|---:|---:|---:|")
goals = {"new": "≥ 0.9", "resume": "≥ 0.9"}
for mode in ["keep-alive", "new", "resume"]:
    for who in ["nginx", "rekey-token", "rekey-rotate"]:
        mine = [r for r in rows if r[1] == mode and r[2] == who]
        if not mine:
            continue
        median = statistics.median(float(r[3]) for r in mine)
        resumed = statistics.median(float(r[5]) for r in mine)
        ratios = [float(r[3]) / rps[(r[0], mode, "nginx")] for r in mine]
        label = {"nginx": "nginx `return 204`", "rekey-token": "token", "rekey-rotate": "rotate → 429"}[who]
        ratio = "1.00 | — " if who == "nginx" else summary(ratios)
        goal = "reference" if who == "nginx" else goals.get(mode, "reported")
        print(f"| {label} | {mode} | {median:.0f} | {resumed:.2f} | {ratio} | {goal} |")
if any(r[2].startswith("baseline-") for r in rows):
    print("\nA/B against BENCH_BASELINE, the same rounds: this binary's requests/s over the baseline's")
    print("\n| target | connection | ratio (median) | range |\n|---|---|---:|---:|")
    for mode in ["keep-alive", "new", "resume"]:
        for target in ["token", "rotate"]:
            ratios = [rps[(r[0], mode, "rekey-" + target)] / float(r[3]) for r in rows
                      if r[1] == mode and r[2] == "baseline-" + target]
            if ratios:
                print(f"| {target} | {mode} | {summary(ratios)} |")
if failed:
    print(f"\nINVALID: {failed} requests got no answer (connect, handshake or read errors).")
wrong = sum(int(r[7]) for r in rows if r[2].endswith("-token")) + sum(int(r[6]) for r in rows if r[2].endswith("-rotate"))
if wrong:
    print(f"\nINVALID: {wrong} answers were not the target's (token: 200, rotate: 429).")
PY
