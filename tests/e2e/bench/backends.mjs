// make bench, part 3 (issue #5): rotations accepted per second (across many applications, with
// delivery) and token requests per second, on SQLite, on PostgreSQL with one node and on
// PostgreSQL with two nodes — one run, one machine, so the ratios mean something. The machine is
// noisy (the same binary swings ±25% between runs), so the three are measured in interleaved
// rounds, each measurement on fresh nodes and a fresh database (a database that has grown by a
// round's rotations is slower); each ratio is taken within a round, and the table shows medians.
// Needs REKEY_TEST_POSTGRES (scripts/with-postgres.sh provides it).
// Usage: node bench/backends.mjs  (REKEY_BIN, BENCH_APPS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ROUNDS;
// BENCH_PG_WAITS=1: during each PostgreSQL rotation measurement, scripts/pg-waits.sh samples what
// the server's backends wait on and the CPU by process, printed after the round's line)
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRekey } from '../support/rekey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const PG = process.env.REKEY_TEST_POSTGRES;
const APPS = Number(process.env.BENCH_APPS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PG_WAITS = process.env.BENCH_PG_WAITS === '1';
if (!PG) throw new Error('REKEY_TEST_POSTGRES is not set (run under scripts/with-postgres.sh)');

// Starts the nodes and gives them APPS enrolled applications with a token each.
async function setUp({ nodes: count, postgres }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-bench-'));
  const args = ['--log-level', 'warn', '--max-valid-secrets', '100'];
  let database;
  if (postgres) {
    const name = `rekey_bench_${process.pid}_${Date.now()}`;
    execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${name}`]);
    database = PG.replace(/\/[^/]*$/, `/${name}`);
    args.push('--database', database);
  }
  const nodes = [];
  for (let i = 0; i < count; i++) nodes.push(await startRekey({ dataDir, args }));
  const apps = [];
  for (let i = 0; i < APPS; i += 32) {
    apps.push(...await Promise.all(Array.from({ length: Math.min(32, APPS - i) }, async (_, j) => {
      const node = nodes[(i + j) % count];
      const app = (await node.admin('POST', '/admin/v1/applications', { name: 'bench', rotateRate: 1000, rotateBurst: 1000 })).body;
      const dest = await node.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`, { queue: 'bench' });
      await node.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/APPLICATION_OAUTH_CLIENT_NEW_SECRET`,
        { destinationId: dest.body.destinationId });
      return { ...app, token: await node.token(app) };
    })));
  }
  const tokensFile = path.join(dataDir, 'bench-tokens');
  writeFileSync(tokensFile, apps.map((a) => a.token).join('\n') + '\n');
  const app = apps[0];
  const tokenLua = path.join(dataDir, 'token.lua');
  writeFileSync(tokenLua, `wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=sellingpartnerapi::client_credential:rotation"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
`);
  return { nodes, dataDir, tokensFile, tokenLua, database, perNode: Math.max(1, Math.floor(CONNECTIONS / count)) };
}

async function tearDown(setup) {
  await Promise.all(setup.nodes.map((node) => node.stop()));
  rmSync(setup.dataDir, { recursive: true, force: true });
}

// Jobs run and batches committed so far, from rekey_storage_batch_size (all nodes).
async function batches(setup) {
  let jobs = 0;
  let count = 0;
  for (const node of setup.nodes) {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    jobs += Number(text.match(/^rekey_storage_batch_size_sum\S* (\S+)/m)?.[1] ?? 0);
    count += Number(text.match(/^rekey_storage_batch_size_count\S* (\S+)/m)?.[1] ?? 0);
  }
  return { jobs, count };
}

// One measurement: rotations, then token requests, all nodes loaded at once.
async function measure(setup) {
  const batchesBefore = PG_WAITS ? await batches(setup) : null;
  // The sampler connects first, then says so; the load starts on that line.
  let sampled = null;
  if (PG_WAITS && setup.database) {
    sampled = run(path.join(here, '../../../scripts/pg-waits.sh'),
      [setup.database, String(Math.max(1, SECONDS - 1)), '0.1', '0.5'],
      { env: { ...process.env, REKEY_PIDS: setup.nodes.map((node) => node.child.pid).join(',') } });
    await new Promise((resolve, reject) => {
      sampled.child.stderr.on('data', (d) => { if (String(d).includes('sampling in')) resolve(); });
      sampled.catch(reject);
    });
  }
  // Each node's load starts at its own share of the applications: started at the same one, the
  // nodes walk the list in step and can rotate an application at the same moment, one waiting
  // for the other's locks, which a real load does not do (no change beyond the noise was
  // measured either way: docs/benchmarks.md).
  const rotations = await Promise.all(setup.nodes.map((node, i) => run('wrk',
    ['-t1', `-c${setup.perNode}`, `-d${SECONDS}s`, '-s', path.join(here, 'rotate.lua'), node.url],
    { env: { ...process.env, REKEY_TOKENS: setup.tokensFile,
      REKEY_TOKENS_START: String(Math.floor((i * APPS) / setup.nodes.length)) } })));
  let waits = sampled ? (await sampled).stdout : '';
  if (batchesBefore) {
    const after = await batches(setup);
    const jobs = after.jobs - batchesBefore.jobs;
    const count = after.count - batchesBefore.count;
    waits += `== storage batches during the rotations: ${count} of ${(jobs / Math.max(1, count)).toFixed(1)} jobs on average\n`;
  }
  const accepted = rotations.reduce((sum, r) => sum + Number(r.stdout.match(/accepted (\d+)/)[1]), 0);
  const tokens = await Promise.all(setup.nodes.map((node) => run('wrk',
    ['-t1', `-c${setup.perNode}`, `-d${SECONDS}s`, '-s', setup.tokenLua, `${node.url}/auth/o2/token`])));
  const tokenRate = tokens.reduce((sum, r) => sum + Number(r.stdout.match(/Requests\/sec:\s+([\d.]+)/)[1]), 0);
  return { rotations: accepted / SECONDS, tokens: tokenRate, waits };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const backends = [
  { name: 'SQLite, 1 node', nodes: 1, postgres: false },
  { name: 'PostgreSQL, 1 node', nodes: 1, postgres: true },
  { name: 'PostgreSQL, 2 nodes', nodes: 2, postgres: true },
];
const rounds = [];
for (let round = 1; round <= ROUNDS; round++) {
  const results = [];
  for (const backend of backends) {
    const setup = await setUp(backend);
    try {
      results.push(await measure(setup));
    } finally {
      await tearDown(setup);
    }
  }
  rounds.push(results);
  console.log(`round ${round}: ` + backends.map((b, i) => `${b.name} ${Math.round(results[i].rotations)} rotations/s`).join(', '));
  backends.forEach((b, i) => {
    if (results[i].waits) console.log(`-- ${b.name}, round ${round}: what PostgreSQL's backends did during the rotations\n${results[i].waits}`);
  });
}
const row = (backend, i) => {
  const rotations = median(rounds.map((r) => r[i].rotations));
  const tokens = median(rounds.map((r) => r[i].tokens));
  const ratios = rounds.map((r) => r[i].rotations / r[0].rotations);
  const tokenRatio = median(rounds.map((r) => r[i].tokens / r[0].tokens));
  return `| ${backend.name} | ${Math.round(rotations)} | ${median(ratios).toFixed(2)} | ` +
    `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${Math.round(tokens)} | ${tokenRatio.toFixed(2)} |`;
};
console.log(`
${APPS} applications, ${CONNECTIONS} wrk connections in all, ${SECONDS} s per measurement, ${ROUNDS} interleaved rounds (medians); release build; one machine
| backend | rotations accepted/s | ratio to SQLite (goal for PostgreSQL, 1 node: >= 0.8 (issue #20)) | ratio range | token requests/s | ratio to SQLite |
|---|---:|---:|---:|---:|---:|
${backends.map(row).join('\n')}`);
