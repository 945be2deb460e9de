// Issue #14 item 8: can the clock tell an unknown client id from a known one with a wrong secret?
// Sends SAMPLES token requests of each kind, interleaved, over one keep-alive connection, once
// with the refusal delay off (--throttle-failure-delay 0ms: the work alone) and once with the
// default, and reports the medians and a Mann-Whitney U test (z and two-sided p, normal
// approximation). A measurement, not a test: it asserts nothing.
// Usage: node bench/token_timing.mjs  (REKEY_BIN, BENCH_SAMPLES)
import http from 'node:http';
import { startRekey, ROTATION_SCOPE } from '../support/rekey.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1500);
const UNKNOWN = 'amzn1.application-oa2-client.00000000000000000000000000000000';
const WRONG = `amzn1.oa2-cs.v1.${'0'.repeat(64)}`;

function post(agent, port, body) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path: '/auth/o2/token', method: 'POST', agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - started) / 1000));  // µs
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Two-sided p of a standard normal z (Abramowitz–Stegun 7.1.26 for erfc), and log10 of it in
// the tail where p underflows.
function normalP(z) {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return { p: poly * Math.exp(-x * x), log10p: Math.log10(poly) - (x * x) / Math.LN10 };
}

function mannWhitney(a, b) {
  const all = [...a.map((v) => [v, 0]), ...b.map((v) => [v, 1])].sort((x, y) => x[0] - y[0]);
  let rankA = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k][1] === 0) rankA += rank;
    i = j;
  }
  const u = rankA - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return { z: (u - mean) / sd, ...normalP((u - mean) / sd) };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

async function measure(delay) {
  const rekey = await startRekey({ args: ['--log-level', 'error', '--throttle-failure-delay', delay,
    '--throttle-client-failures', '1000000', '--throttle-peer-failures', '1000000'] });
  try {
    const app = await rekey.createApp();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const unknown = `grant_type=client_credentials&client_id=${UNKNOWN}&client_secret=${WRONG}&scope=${ROTATION_SCOPE}`;
    const wrong = `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${WRONG}&scope=${ROTATION_SCOPE}`;
    for (let i = 0; i < 200; i++) { await post(agent, rekey.port, unknown); await post(agent, rekey.port, wrong); }  // warm up
    const a = [];
    const b = [];
    for (let i = 0; i < SAMPLES; i++) {
      a.push(await post(agent, rekey.port, unknown));
      b.push(await post(agent, rekey.port, wrong));
    }
    agent.destroy();
    const test = mannWhitney(a, b);
    return { delay, unknown: median(a), wrong: median(b), ...test };
  } finally {
    await rekey.stop();
  }
}

const rows = [await measure('0ms'), await measure('20ms')];
console.log(`\n| --throttle-failure-delay | unknown client id, median µs | wrong secret, median µs | difference µs | Mann-Whitney z | p (${SAMPLES} samples each) |`);
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const p = r.p > 1e-300 ? r.p.toExponential(1) : `1e${Math.round(r.log10p)}`;
  console.log(`| ${r.delay} | ${r.unknown.toFixed(1)} | ${r.wrong.toFixed(1)} | ${(r.wrong - r.unknown).toFixed(1)} | ${r.z.toFixed(2)} | ${p} |`);
}
