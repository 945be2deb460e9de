// make bench, part 3 (issue #5): rotations accepted per second (across many applications, with
// delivery) and token requests per second, on SQLite, on PostgreSQL with one node and on
// PostgreSQL with two nodes — one run, one machine, so the ratios mean something.
// Needs REKEY_TEST_POSTGRES (scripts/with-postgres.sh provides it).
// Usage: node bench/backends.mjs  (REKEY_BIN, BENCH_APPS, BENCH_SECONDS, BENCH_CONNECTIONS)
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
if (!PG) throw new Error('REKEY_TEST_POSTGRES is not set (run under scripts/with-postgres.sh)');

async function measure({ nodes: count, postgres }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-bench-'));
  const args = ['--log-level', 'warn', '--max-valid-secrets', '100'];
  if (postgres) {
    const name = `rekey_bench_${process.pid}_${Date.now()}`;
    execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${name}`]);
    args.push('--database', PG.replace(/\/[^/]*$/, `/${name}`));
  }
  const nodes = [];
  for (let i = 0; i < count; i++) nodes.push(await startRekey({ dataDir, args }));
  try {
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
    const perNode = Math.max(1, Math.floor(CONNECTIONS / count));
    const rotations = await Promise.all(nodes.map((node) => run('wrk',
      ['-t1', `-c${perNode}`, `-d${SECONDS}s`, '-s', path.join(here, 'rotate.lua'), node.url],
      { env: { ...process.env, REKEY_TOKENS: tokensFile } })));
    const accepted = rotations.reduce((sum, r) => sum + Number(r.stdout.match(/accepted (\d+)/)[1]), 0);

    const app = apps[0];
    const tokenLua = path.join(dataDir, 'token.lua');
    writeFileSync(tokenLua, `wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=sellingpartnerapi::client_credential:rotation"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
`);
    const tokens = await Promise.all(nodes.map((node) => run('wrk',
      ['-t1', `-c${perNode}`, `-d${SECONDS}s`, '-s', tokenLua, `${node.url}/auth/o2/token`])));
    const tokenRate = tokens.reduce((sum, r) => sum + Number(r.stdout.match(/Requests\/sec:\s+([\d.]+)/)[1]), 0);
    return { rotations: accepted / SECONDS, tokens: tokenRate };
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const sqlite = await measure({ nodes: 1, postgres: false });
const pg1 = await measure({ nodes: 1, postgres: true });
const pg2 = await measure({ nodes: 2, postgres: true });
const row = (name, m) =>
  `| ${name} | ${Math.round(m.rotations)} | ${(m.rotations / sqlite.rotations).toFixed(2)} | ${Math.round(m.tokens)} | ${(m.tokens / sqlite.tokens).toFixed(2)} |`;
console.log(`
${APPS} applications, ${CONNECTIONS} wrk connections in all, ${SECONDS} s each; release build; one machine
| backend | rotations accepted/s | ratio to SQLite (goal for PostgreSQL >= 0.50) | token requests/s | ratio to SQLite |
|---|---:|---:|---:|---:|
${row('SQLite, 1 node', sqlite)}
${row('PostgreSQL, 1 node', pg1)}
${row('PostgreSQL, 2 nodes', pg2)}`);
