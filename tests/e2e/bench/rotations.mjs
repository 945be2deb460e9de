// make bench, part 2 (issue #3): rotations accepted per second across many applications with
// delivery running (SQLite, synchronous=FULL), and commit→receivable latency measured by a
// consumer long-polling the embedded queue while rotations arrive at a fixed rate.
// Next to SQLite's own ceiling for the same writes (issue #20): tests/bench/sqlite_ceiling
// (REKEY_SQLITE_CEILING), which writes exactly the rows and index entries of a rotation with
// embedded delivery, on rekey's schema, pragmas and statements, with no HTTP and no crypto, as
// many to a transaction as rekey's group commit took in the same round (rekey_storage_batch_size
// from /metrics). The two run in interleaved rounds, each rekey on a fresh data directory and each
// ceiling on a fresh database; ratios are taken within a round.
// Usage: node bench/rotations.mjs  (REKEY_BIN, REKEY_SQLITE_CEILING, BENCH_APPS, BENCH_RATE,
// BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ROUNDS)
import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRekey } from '../support/rekey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const APPS = Number(process.env.BENCH_APPS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CEILING = process.env.REKEY_SQLITE_CEILING ?? '';
const GOAL_RATE = 10_000;
const GOAL_RATIO = 0.5;

function percentile(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]; }
function median(values) { return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]; }
function range(values, digits = 0) {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

// Each measurement starts with no dirty pages left by the one before (a run writes ~1 GB of WAL and
// checkpoints; their writeback would slow the next run's fsyncs).
function settle() { execFileSync('sync'); }

// The storage executor's batches so far (/metrics): jobs run, batches run.
async function batches(rekey) {
  const text = await (await fetch(`${rekey.url}/metrics`)).text();
  const value = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? 0);
  return { jobs: value('rekey_storage_batch_size_sum'), batches: value('rekey_storage_batch_size_count') };
}

// A rekey with APPS applications (usage plan 1,000/s, so the rate limit is not what is measured),
// all delivering to one embedded queue, and each application's access token.
async function startBench() {
  const rekey = await startRekey({ args: ['--log-level', 'warn', '--max-valid-secrets', '100', '--delivery-poll-interval', '50ms'] });
  const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: '000000000000' })).body;
  const apps = [];
  for (let i = 0; i < APPS; i += CONCURRENCY) {
    apps.push(...await Promise.all(Array.from({ length: Math.min(CONCURRENCY, APPS - i) }, async () => {
      const app = (await rekey.admin('POST', '/admin/v1/applications', { name: 'bench', rotateRate: 1000, rotateBurst: 1000 })).body;
      const dest = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`, { queue: 'bench' });
      await rekey.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/APPLICATION_OAUTH_CLIENT_NEW_SECRET`,
        { destinationId: dest.body.destinationId });
      return { ...app, token: await rekey.token(app) };
    })));
  }
  return { rekey, apps, key };
}

// Throughput: wrk (C, cheap) sends the rotate calls, round-robin over every application's token,
// so the load generator takes as little of the two cores as it can. Returns rotations/s and the
// jobs per group commit during the run.
async function throughput({ rekey, apps }) {
  const tokensFile = path.join(rekey.dataDir, 'bench-tokens');
  writeFileSync(tokensFile, apps.map((a) => a.token).join('\n') + '\n');
  settle();
  const before = await batches(rekey);
  const wrk = execFileSync('wrk', ['-t1', `-c${CONCURRENCY}`, `-d${SECONDS}s`, '-s', path.join(here, 'rotate.lua'), rekey.url],
    { env: { ...process.env, REKEY_TOKENS: tokensFile }, encoding: 'utf8' });
  const after = await batches(rekey);
  const accepted = Number(wrk.match(/accepted (\d+)/)[1]);
  const jobsPerBatch = (after.jobs - before.jobs) / Math.max(1, after.batches - before.batches);
  return { rate: accepted / SECONDS, jobsPerBatch };
}

// SQLite's ceiling for the same writes, grouped as rekey grouped them, on a fresh database.
async function ceiling(batch) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rekey-sqlite-ceiling-'));
  try {
    settle();
    const { stdout } = await run(CEILING, [dir, '--apps', String(APPS), '--seconds', String(SECONDS),
      '--batch', String(batch)]);
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Latency: drain what the throughput run produced, then rotate at a fixed RATE while 4 consumers
// long-poll the queue. Timed from the moment the rotate request is sent: an upper bound on
// commit→receivable (a message can arrive before its 204 does, so timing from the 204 would drop
// the fastest).
async function latency({ rekey, apps, key }) {
  const sqs = new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
  const QueueUrl = `${rekey.url}/000000000000/bench`;
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if (Messages.length === 0) break;
    await Promise.all(Messages.map((m) => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }))));
  }
  settle();
  const committedAt = new Map();  // applicationId → time its rotate request was sent
  const latencies = [];
  let stop = false;
  const consumers = Array.from({ length: 4 }, async () => {
    while (!stop || latencies.length < committedAt.size) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const now = performance.now();
      for (const m of Messages) {
        const id = JSON.parse(m.Body).notificationMetadata.applicationId;
        if (committedAt.has(id)) latencies.push(now - committedAt.get(id));
        sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      if (stop && Messages.length === 0) break;
    }
  });
  const total = Math.min(apps.length, RATE * SECONDS);
  const started = performance.now();
  await Promise.all(Array.from({ length: total }, async (_, i) => {
    await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / RATE - performance.now())));
    committedAt.set(apps[i].applicationId, performance.now());
    const res = await rekey.rotate(apps[i].token);
    if (res.status !== 204) committedAt.delete(apps[i].applicationId);
  }));
  stop = true;
  await Promise.all(consumers);
  return latencies.sort((a, b) => a - b);
}

const withCeiling = CEILING !== '' && existsSync(CEILING);
if (CEILING !== '' && !withCeiling) console.error(`rotations: no ${CEILING} (ninja sqlite_ceiling); no ceiling row`);
const rounds = [];
let latencies = [];
for (let round = 1; round <= ROUNDS; round++) {
  const bench = await startBench();
  const r = {};
  try {
    Object.assign(r, await throughput(bench));
    // The ceiling right after, while this rekey idles (stopping it first would have the ceiling
    // share the disk with its data directory's removal); then the last round's latency.
    if (withCeiling) {
      r.ceiling = await ceiling(Math.max(1, Math.round(r.jobsPerBatch)));
      r.ratio = r.rate / r.ceiling.rotationsPerSecond;
    }
    if (round === ROUNDS) latencies = await latency(bench);
  } finally {
    await bench.rekey.stop();
  }
  rounds.push(r);
  console.error(`round ${round}: rekey ${r.rate.toFixed(0)} rotations/s (${r.jobsPerBatch.toFixed(1)} jobs a commit)` +
    (withCeiling ? `, SQLite ceiling ${r.ceiling.rotationsPerSecond.toFixed(0)}/s (batch ${r.ceiling.batch}, ` +
      `${r.ceiling.pagesPerCommit.toFixed(0)} pages, ${r.ceiling.transactionMsMean.toFixed(2)} ms a transaction, ${r.ceiling.commitMsP50.toFixed(2)} ms its COMMIT), ratio ${r.ratio.toFixed(2)}` : ''));
}

const rates = rounds.map((r) => r.rate);
console.log(`
${APPS} applications, ${SECONDS} s a round, ${CONCURRENCY} clients (wrk), ${ROUNDS} interleaved rounds, medians
| measure | median | range | goal |
|---|---:|---:|---:|
| rotations accepted/s, with delivery | ${median(rates).toFixed(0)} | ${range(rates)} | ≥ ${GOAL_RATE} |
| jobs per group commit (rekey_storage_batch_size) | ${median(rounds.map((r) => r.jobsPerBatch)).toFixed(1)} | ${range(rounds.map((r) => r.jobsPerBatch), 1)} | |`);
if (withCeiling) {
  const ceilings = rounds.map((r) => r.ceiling.rotationsPerSecond);
  const ratios = rounds.map((r) => r.ratio);
  console.log(`| SQLite ceiling, rotations/s (sqlite_ceiling: the same writes and batches, no HTTP, no crypto) | ${median(ceilings).toFixed(0)} | ${range(ceilings)} | reference |
| ratio rekey / ceiling | ${median(ratios).toFixed(2)} | ${range(ratios, 2)} | ≥ ${GOAL_RATIO} |
| ceiling: pages written per commit | ${median(rounds.map((r) => r.ceiling.pagesPerCommit)).toFixed(0)} | | |
| ceiling: COMMIT p50 / p99 | ${median(rounds.map((r) => r.ceiling.commitMsP50)).toFixed(2)} / ${median(rounds.map((r) => r.ceiling.commitMsP99)).toFixed(2)} ms | | |`);
}
console.log(`| request->receivable p50 at ${RATE}/s (${latencies.length} samples, last round) | ${Math.round(percentile(latencies, 0.5))} ms | | |
| request->receivable p99 at ${RATE}/s | ${Math.round(percentile(latencies, 0.99))} ms | | ≤ 100 ms |`);
