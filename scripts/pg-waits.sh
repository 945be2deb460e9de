#!/usr/bin/env bash
# pg-waits: what a PostgreSQL server's client backends and rekey's threads are doing, sampled —
# issue #20's "show what two nodes wait on". For SECONDS, every INTERVAL seconds (default 0.1),
# it samples pg_stat_activity (state, wait_event_type:wait_event, statement), the backends
# waiting for a lock with the state of the backend holding each up (pg_blocking_pids), and the
# state of every thread of every rekey process on this machine (/proc); it also counts the CPU
# time each process used in the window. Then it prints:
#   - client backends by state and wait event: mean backends per sample (the nodes' LISTEN
#     connections left out). "active, -" has no wait event: running, or runnable on a saturated
#     machine. "idle in transaction, Client:ClientRead": a transaction waiting for its node (the
#     node computing, or its next statements on the way). "idle": a pooled connection no storage
#     thread is using;
#   - what the active backends were running, with their wait;
#   - the lock waits, by lock type and mode, and what their holders were doing;
#   - rekey's threads by kind and state: R is running or runnable; otherwise the kernel function
#     it sleeps in — a storage thread in poll_schedule_timeout waits for PostgreSQL's answer, in
#     futex_do_wait for a job (or a pooled connection), an I/O thread in epoll for the network;
#   - CPU in cores (1.00 = one core busy all the window), by process and by rekey thread kind;
#     the machine's total from /proc/stat.
# Read-only; one psql connection, one query per sample. With LEAD, it says "pg-waits: sampling in
# LEAD s" on stderr once connected and begins LEAD seconds later (for a load started on that
# line). REKEY_PIDS (comma-separated) limits the thread samples to those rekey processes.
# Usage: scripts/pg-waits.sh POSTGRES_URL SECONDS [INTERVAL [LEAD]]
# (tests/e2e/bench/backends.mjs runs it during each PostgreSQL rotation measurement when
# BENCH_PG_WAITS=1.)
set -euo pipefail
url=${1:?usage: pg-waits.sh POSTGRES_URL SECONDS [INTERVAL [LEAD]]}
seconds=${2:?usage: pg-waits.sh POSTGRES_URL SECONDS [INTERVAL [LEAD]]}
interval=${3:-0.1}
lead=${4:-0}

exec python3 - "$url" "$seconds" "$interval" "$lead" <<'PY'
import collections, glob, os, subprocess, sys, time

url, seconds, interval, lead = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
hz = os.sysconf('SC_CLK_TCK')
only = set(filter(None, os.environ.get('REKEY_PIDS', '').split(',')))


def is_sampled_rekey(pid, process):
    return process.startswith('rekey') and (not only or pid in only)


def tasks(pattern='/proc/[0-9]*/task/[0-9]*'):
    """(tid, pid, process name, thread name, state, wchan, cpu ticks) of every thread."""
    for task in glob.glob(pattern):
        parts = task.split('/')
        try:
            with open(f'/proc/{parts[2]}/comm') as f:
                process = f.read().strip()
            with open(f'{task}/stat') as f:
                stat = f.read()
            wchan = ''
            if is_sampled_rekey(parts[2], process):
                with open(f'{task}/wchan') as f:
                    wchan = f.read().strip()
        except OSError:
            continue
        thread = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        yield parts[4], parts[2], process, thread, fields[0], wchan, int(fields[11]) + int(fields[12])


def group(process, thread):
    if process.startswith('rekey'):
        return 'rekey, ' + ('I/O threads' if thread == process else thread + ' threads')
    return 'postgres (all processes)' if process.startswith('postgres') else process


def machine_busy():
    with open('/proc/stat') as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    return sum(cpu) - cpu[3] - cpu[4], sum(cpu)  # all but idle and iowait, all


psql = subprocess.Popen(['psql', '-X', '-q', '-P', 'footer=off', url], stdin=subprocess.PIPE, text=True)
send = lambda sql: (psql.stdin.write(sql + '\n'), psql.stdin.flush())
send("CREATE TEMP TABLE s(n integer, state text, wait text, query text);"
     " CREATE TEMP TABLE l(n integer, lock text, holder text);")
if lead > 0:
    print(f'pg-waits: sampling in {lead} s', file=sys.stderr, flush=True)
    time.sleep(lead)

# WAL writes and syncs and commits of the whole server, before and after (in the temp table w).
wal_counters = ("INSERT INTO w SELECT {0}, (SELECT sum(xact_commit) FROM pg_stat_database), wal_records, wal_fpi,"
                " wal_bytes, wal_write, wal_sync FROM pg_stat_wal;")
send("CREATE TEMP TABLE w(at integer, commits numeric, records numeric, fpi numeric, bytes numeric, writes numeric,"
     " syncs numeric);" + wal_counters.format(0))
threads = collections.Counter()
start = {t[0]: t for t in tasks()}
busy0, all0 = machine_busy()
began = time.monotonic()
n = 0
while time.monotonic() - began < seconds:
    n += 1
    send(f"INSERT INTO s SELECT {n}, coalesce(state, '?'), coalesce(wait_event_type || ':' || wait_event, '-'),"
         " left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_activity"
         " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND query <> 'LISTEN rekey';"
         f" INSERT INTO l SELECT {n}, w.wait_event || ' ' || coalesce(k.mode, '?'),"
         " coalesce(h.state, '?') || coalesce(', ' || h.wait_event_type || ':' || h.wait_event, '')"
         " FROM pg_stat_activity AS w"
         " LEFT JOIN LATERAL (SELECT mode FROM pg_locks WHERE pid = w.pid AND NOT granted LIMIT 1) AS k ON TRUE"
         " LEFT JOIN LATERAL (SELECT p FROM unnest(pg_blocking_pids(w.pid)) AS p LIMIT 1) AS b ON TRUE"
         " LEFT JOIN pg_stat_activity AS h ON h.pid = b.p WHERE w.wait_event_type = 'Lock';")
    sampled = [t for pid in sorted(only) for t in tasks(f'/proc/{pid}/task/[0-9]*')] if only else tasks()
    for tid, pid, process, thread, state, wchan, _ in sampled:
        if is_sampled_rekey(pid, process):
            threads[(group(process, thread), 'R (running or runnable)' if state == 'R' else f'{state} {wchan}')] += 1
    time.sleep(max(0.0, began + n * interval - time.monotonic()))
elapsed = time.monotonic() - began
send(wal_counters.format(1))
end = {t[0]: t for t in tasks()}
busy1, all1 = machine_busy()

send(f"""\\echo '== client backends by state and wait ({n} samples in {elapsed:.1f} s; mean backends per sample, share)'
SELECT state, wait, round(count(*)::numeric / {n}, 2) AS backends,
  round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct FROM s GROUP BY 1, 2 ORDER BY 3 DESC;
\\echo '== what the active backends ran (mean backends per sample)'
SELECT wait, query, round(count(*)::numeric / {n}, 2) AS backends FROM s WHERE state = 'active'
  GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 12;
\\echo '== lock waits: lock and mode, what the backend holding it up was doing (mean waiters per sample)'
SELECT lock, holder, round(count(*)::numeric / {n}, 2) AS waiters FROM l GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10;
\\echo '== the server per second: commits (every database), WAL records, full-page images, kB, writes, syncs (pg_stat_wal)'
SELECT round((b.commits - a.commits) / {elapsed:.3f}) AS commits, round((b.records - a.records) / {elapsed:.3f}) AS records,
  round((b.fpi - a.fpi) / {elapsed:.3f}) AS fpi, round((b.bytes - a.bytes) / 1024 / {elapsed:.3f}) AS kb,
  round((b.writes - a.writes) / {elapsed:.3f}) AS writes, round((b.syncs - a.syncs) / {elapsed:.3f}) AS syncs
  FROM w AS a, w AS b WHERE a.at = 0 AND b.at = 1;""")
psql.stdin.close()
psql.wait()

print("== rekey's threads by state (mean threads per sample; " + (f"processes {', '.join(sorted(only))})" if only else "every rekey process on this machine)"))
for (kind, what), count in sorted(threads.items(), key=lambda kv: (kv[0][0], -kv[1])):
    if count / n >= 0.05:
        print(f'{count / n:6.2f}  {kind:30} {what}')

print(f'== CPU in the window, in cores ({elapsed:.1f} s; threads that ended before its end are not counted)')
used = collections.Counter()
for tid, (_, pid, process, thread, _, _, ticks) in end.items():
    if process.startswith('rekey') and not is_sampled_rekey(pid, process):
        process = thread = 'rekey (other processes)'
    used[group(process, thread)] += ticks - (start[tid][6] if tid in start else 0)
cores = lambda ticks: ticks / hz / elapsed
for name, ticks in used.most_common():
    if cores(ticks) >= 0.005:
        print(f'{cores(ticks):6.2f}  {name}')
print(f'{(busy1 - busy0) / (all1 - all0) * os.cpu_count():6.2f}  the whole machine (/proc/stat), of {os.cpu_count()}')
PY
