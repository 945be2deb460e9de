// make bench, part 2 (issue #3): rotations accepted per second across many applications with
// delivery running (SQLite, synchronous=FULL), and commit→receivable latency measured by a
// consumer long-polling the embedded queue while rotations arrive at a fixed rate.
// Usage: node bench/rotations.mjs  (REKEY_BIN, BENCH_APPS, BENCH_RATE, BENCH_SECONDS)
import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRekey } from '../support/rekey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const APPS = Number(process.env.BENCH_APPS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 64);

function percentile(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]; }

const rekey = await startRekey({ args: ['--log-level', 'warn', '--max-valid-secrets', '100', '--delivery-poll-interval', '50ms'] });
try {
  const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: '000000000000' })).body;
  const sqs = new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
  const QueueUrl = `${rekey.url}/000000000000/bench`;
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

  // Throughput: wrk (C, cheap) sends the rotate calls, round-robin over every application's
  // token, so the load generator takes as little of the two cores as it can.
  const tokensFile = path.join(rekey.dataDir, 'bench-tokens');
  writeFileSync(tokensFile, apps.map((a) => a.token).join('\n') + '\n');
  const wrk = execFileSync('wrk', ['-t1', `-c${CONCURRENCY}`, `-d${SECONDS}s`, '-s', path.join(here, 'rotate.lua'), rekey.url],
    { env: { ...process.env, REKEY_TOKENS: tokensFile }, encoding: 'utf8' });
  const accepted = Number(wrk.match(/accepted (\d+)/)[1]);
  const throughput = accepted / SECONDS;

  // Drain what that produced, then measure latency at a fixed rate.
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if (Messages.length === 0) break;
    await Promise.all(Messages.map((m) => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }))));
  }
  // Timed from the moment the rotate request is sent: an upper bound on commit→receivable
  // (a message can arrive before its 204 does, so timing from the 204 would drop the fastest).
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
  latencies.sort((a, b) => a - b);
  console.log(`
| measure | value | goal |
|---|---:|---:|
| rotations accepted/s (${APPS} applications, ${SECONDS} s, ${CONCURRENCY} clients) | ${Math.round(throughput)} | >= 10000 |
| request->receivable p50 at ${RATE}/s (${latencies.length} samples) | ${Math.round(percentile(latencies, 0.5))} ms | |
| request->receivable p99 at ${RATE}/s | ${Math.round(percentile(latencies, 0.99))} ms | <= 100 ms |`);
} finally {
  await rekey.stop();
}
