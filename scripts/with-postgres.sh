#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: initdb in a temp directory, a server on a
# free loopback port, REKEY_TEST_POSTGRES set to its URL (a superuser, trust authentication),
# and everything removed afterwards, whatever the command's outcome.
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
# initdb refuses to run as root: as root the cluster runs as the `postgres` system user that
# Debian's postgresql package creates.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "with-postgres: PostgreSQL server binaries not found (apt install postgresql)" >&2; exit 1; }

dir=$(mktemp -d /tmp/rekey-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi
stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U rekey -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

# For tests that take the server away and bring it back: "$REKEY_TEST_POSTGRES_CTL stop|start".
cat >"$dir/ctl" <<CTL
#!/usr/bin/env bash
set -e
case "\$1" in
  stop) ${as_owner[*]} "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  start) ${as_owner[*]} "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null ;;
esac
CTL
chmod 755 "$dir/ctl"

export REKEY_TEST_POSTGRES="postgresql://rekey@127.0.0.1:$port/postgres"
export REKEY_TEST_POSTGRES_CTL="$dir/ctl"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
