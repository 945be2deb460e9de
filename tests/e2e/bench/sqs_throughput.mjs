// make bench, SQS throughput (issue #15): messages per second through the embedded queue on
// SQLite, end to end — workers each loop SendMessageBatch (10) → ReceiveMessage (10) →
// DeleteMessageBatch of what they received, over keep-alive connections, every request signed
// (SigV4, @smithy/signature-v4: the signer the AWS SDKs use) — next to raw SQLite inserting and
// deleting the same number of rows, ten per transaction, with the same durability
// (bench/raw_sqlite.py), in interleaved rounds of the same run. Only messages deleted count.
// The requests are the AWS JSON 1.0 ones @aws-sdk/client-sqs sends, written by hand: the load
// generator shares the two cores with rekey, and the SDK's own middleware took 1.2 cores for
// rekey's 0.33 at 3,700 messages/s (top, BENCH_CONNECTIONS=32) — it measured the client.
// Usage: node bench/sqs_throughput.mjs  (REKEY_BIN, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ROUNDS)
import http from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../support/sha256.mjs';
import { startRekey } from '../support/rekey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WORKERS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BODY_BYTES = 100;
const GOAL_RATE = 20_000;
const GOAL_RATIO = 0.3;

function median(values) { return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]; }

// An SQS JSON 1.0 client of one operation at a time: signs, posts, parses; throws on a non-200.
function jsonClient(url, key, agent) {
  const origin = new URL(url);
  const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', sha256: Sha256,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
  return async (operation, request) => {
    const body = JSON.stringify(request);
    const signed = await signer.sign({
      method: 'POST', protocol: 'http:', hostname: origin.hostname, port: Number(origin.port), path: '/', query: {},
      headers: { host: origin.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
      body,
    });
    return new Promise((resolve, reject) => {
      const req = http.request({ host: origin.hostname, port: origin.port, method: 'POST', path: '/', agent,
        headers: signed.headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${operation}: ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}

async function rekeyRound() {
  const rekey = await startRekey({ args: ['--log-level', 'warn'] });
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  try {
    const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: '000000000000' })).body;
    const sqs = jsonClient(rekey.url, key, agent);
    const { QueueUrl } = await sqs('CreateQueue', { QueueName: 'throughput' });
    const body = 'm'.repeat(BODY_BYTES);
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: body }));
    let deleted = 0;
    let failed = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const sent = await sqs('SendMessageBatch', { QueueUrl, Entries: entries });
        failed += sent.Failed?.length ?? 0;
        const { Messages = [] } = await sqs('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
        if (Messages.length === 0) continue;
        const done = await sqs('DeleteMessageBatch', { QueueUrl,
          Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
        if (!stop) deleted += done.Successful?.length ?? 0;
        failed += done.Failed?.length ?? 0;
      }
    };
    // A warm-up second, then the measured time.
    const workers = Array.from({ length: WORKERS }, worker);
    await new Promise((r) => setTimeout(r, 1000));
    deleted = 0;
    const started = performance.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const rate = deleted / ((performance.now() - started) / 1000);
    stop = true;
    await Promise.all(workers);
    if (failed) throw new Error(`${failed} batch entries failed`);
    return rate;
  } finally {
    agent.destroy();
    await rekey.stop();
  }
}

async function rawRound() {
  const dir = mkdtempSync(path.join(tmpdir(), 'rekey-raw-sqlite-'));
  try {
    const { stdout } = await run('python3', [path.join(here, 'raw_sqlite.py'), dir, String(SECONDS), String(BODY_BYTES + 28)]);
    return Number(stdout.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rounds = [];
for (let round = 1; round <= ROUNDS; round++) {
  const raw = await rawRound();
  const rekey = await rekeyRound();
  rounds.push({ raw, rekey, ratio: rekey / raw });
  console.error(`round ${round}: rekey ${rekey.toFixed(0)} messages/s, raw SQLite ${raw.toFixed(0)} rows/s, ratio ${(rekey / raw).toFixed(2)}`);
}
const rate = median(rounds.map((r) => r.rekey));
const ratio = median(rounds.map((r) => r.ratio));
console.log(`\n${WORKERS} workers, ${SECONDS} s a round, ${ROUNDS} interleaved rounds, medians`);
console.log('| measure | median | range | goal |');
console.log('|---|---:|---:|---:|');
console.log(`| rekey messages/s (send batch + receive 10 + delete batch) | ${rate.toFixed(0)} | ${Math.min(...rounds.map((r) => r.rekey)).toFixed(0)}–${Math.max(...rounds.map((r) => r.rekey)).toFixed(0)} | ≥ ${GOAL_RATE} |`);
console.log(`| raw SQLite rows/s (insert 10 + delete 10 a transaction each) | ${median(rounds.map((r) => r.raw)).toFixed(0)} | ${Math.min(...rounds.map((r) => r.raw)).toFixed(0)}–${Math.max(...rounds.map((r) => r.raw)).toFixed(0)} | reference |`);
console.log(`| ratio rekey / raw | ${ratio.toFixed(2)} | ${Math.min(...rounds.map((r) => r.ratio)).toFixed(2)}–${Math.max(...rounds.map((r) => r.ratio)).toFixed(2)} | ≥ ${GOAL_RATIO} |`);
