// /metrics (issue #17 item 1): after a scripted run — tokens, rotations, a webhook that fails
// until its retry budget is spent, SQS traffic, wrong credentials — the scrape, read by a real
// Prometheus text-format parser, counts exactly what the run did; random paths, methods and
// client ids add no label values; --metrics-listen moves /metrics to a listener of its own.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startRekey, ROTATION_SCOPE, NEW_SECRET } from './support/rekey.mjs';

const ACCOUNT = '111122223333';

const parser = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'prometheus_parse.py');

// The scrape, parsed by the Prometheus Python client's parser (support/prometheus_parse.py):
// every sample as { name, labels, value }.
async function scrape(url) {
  const res = await fetch(url + '/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const families = JSON.parse(execFileSync('/usr/bin/python3', [parser], { input: await res.text(), encoding: 'utf8' }));
  return families.flatMap((f) => f.samples);
}

// The value of the sample with this name and exactly these labels (0 when there is none).
function valueOf(samples, name, labels = {}) {
  const sample = samples.find((s) => s.name === name &&
    Object.keys(labels).length === Object.keys(s.labels).length &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return sample ? sample.value : 0;
}

const labelSets = (samples) => samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`);

const poll = async (check, what) => {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
};

describe('/metrics', () => {
  let rekey;
  let refusing;
  before(async () => {
    // A webhook receiver that answers every delivery 500.
    refusing = createServer((req, res) => { req.resume(); res.writeHead(500).end(); });
    await new Promise((r) => refusing.listen(0, '127.0.0.1', r));
    rekey = await startRekey({ args: ['--delivery-retry-budget', '1s', '--rotate-rate', '0.001', '--rotate-burst', '1'] });
  });
  after(async () => {
    await rekey.stop();
    refusing.close();
  });

  it('counts what a scripted run did', async () => {
    const before = await scrape(rekey.url);
    const embedded = await rekey.createApp({ name: 'embedded' });
    const hooked = await rekey.createApp({ name: 'hooked', enrolled: false });
    const dest = await rekey.admin('POST', `/admin/v1/applications/${hooked.applicationId}/destinations`,
      { kind: 'webhook', url: `http://127.0.0.1:${refusing.address().port}/hook` });
    assert.equal(dest.status, 201, JSON.stringify(dest.body));
    assert.equal((await rekey.admin('PUT', `/admin/v1/applications/${hooked.applicationId}/subscriptions/${NEW_SECRET}`,
      { destinationId: dest.body.destinationId })).status, 200);

    // Tokens: 3 issued, 2 refused (a wrong secret, an unknown client), 1 malformed.
    const token = await rekey.token(embedded);
    await rekey.token(embedded);
    const hookedToken = await rekey.token(hooked);
    const post = (body) => fetch(rekey.url + '/auth/o2/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal((await post(`grant_type=client_credentials&client_id=${embedded.clientId}&client_secret=wrong&scope=${ROTATION_SCOPE}`)).status, 401);
    assert.equal((await post(`grant_type=client_credentials&client_id=nobody-${Math.random()}&client_secret=x&scope=${ROTATION_SCOPE}`)).status, 401);
    assert.equal((await post('grant_type=client_credentials&client_id=a&client_id=b')).status, 400);

    // Rotations: one rotated (burst 1), then one refused 429; one to the webhook app; one with a bad token.
    assert.equal((await rekey.rotate(token)).status, 204);
    assert.equal((await rekey.rotate(token)).status, 429);
    assert.equal((await rekey.rotate(hookedToken)).status, 204);
    assert.equal((await rekey.rotate('Atc|forged')).status, 403);

    // SQS: a created queue, a message sent and received (JSON protocol); a forged signature.
    const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
    const sqs = new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'metrics' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    const forged = new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey + 'x' } });
    await assert.rejects(forged.send(new SendMessageCommand({ QueueUrl, MessageBody: 'no' })));

    // The webhook's notification is given up on (a 1 s budget); the embedded ones are delivered.
    await poll(async () => (await rekey.admin('GET', '/admin/v1/deliveries?state=dead')).body.deliveries?.length === 1,
      'the webhook notification to be dead');

    const after = await scrape(rekey.url);
    const delta = (name, labels) => valueOf(after, name, labels) - valueOf(before, name, labels);
    assert.equal(delta('rekey_tokens_total', { grant: 'client_credentials', result: 'issued' }), 3);
    assert.equal(delta('rekey_tokens_total', { grant: 'client_credentials', result: 'invalid_client' }), 2);
    assert.equal(delta('rekey_tokens_total', { grant: 'other', result: 'invalid_request' }), 1);
    assert.equal(delta('rekey_authentication_failures_total', { reason: 'client_credentials' }), 2);
    assert.equal(delta('rekey_rotations_total', { result: 'rotated' }), 2);
    assert.equal(delta('rekey_rotations_total', { result: 'QuotaExceeded' }), 1);
    assert.equal(delta('rekey_rotations_total', { result: 'Unauthorized' }), 1);
    assert.equal(delta('rekey_authentication_failures_total', { reason: 'access_token' }), 1);
    assert.equal(delta('rekey_notifications_total',
      { type: NEW_SECRET, destination_kind: 'embedded', result: 'delivered' }), 1);
    assert.ok(delta('rekey_notifications_total', { type: NEW_SECRET, destination_kind: 'webhook', result: 'retrying' }) >= 1);
    assert.equal(delta('rekey_notifications_total', { type: NEW_SECRET, destination_kind: 'webhook', result: 'dead' }), 1);
    assert.equal(valueOf(after, 'rekey_outbox_dead'), 1);
    assert.equal(valueOf(after, 'rekey_outbox_pending'), 0);
    assert.equal(delta('rekey_sqs_requests_total', { action: 'CreateQueue', protocol: 'json', code: 'ok' }), 1);
    assert.equal(delta('rekey_sqs_requests_total', { action: 'SendMessage', protocol: 'json', code: 'ok' }), 1);
    assert.equal(delta('rekey_sqs_requests_total', { action: 'ReceiveMessage', protocol: 'json', code: 'ok' }), 1);
    assert.equal(delta('rekey_authentication_failures_total', { reason: 'sqs_signature' }), 1);
    assert.equal(delta('http_server_requests_seconds_count',
      { method: 'POST', route: '/applications/2023-11-30/clientSecret', status: '429' }), 1);
    assert.equal(delta('http_server_requests_seconds_count', { method: 'POST', route: '/auth/o2/token', status: '200' }), 3);
    // Every current secret has the default 180-day life: none expires within the 90-day warning.
    assert.equal(valueOf(after, 'rekey_secrets_expiring', { within: '90d' }), 0);
    assert.match(after.find((s) => s.name === 'rekey_build_info').labels.version, /^\d+\.\d+\.\d+/);
    assert.ok(valueOf(after, 'process_resident_memory_bytes') > 0);
    assert.ok(valueOf(after, 'rekey_storage_batch_size_count') > 0);
  });

  it('grows no label set from request input', async () => {
    const before = new Set(labelSets(await scrape(rekey.url)));
    const sent = new Set();
    const random = () => {
      const value = Math.random().toString(36).slice(2);
      sent.add(value);
      return value;
    };
    for (let i = 0; i < 50; i++) {
      await fetch(`${rekey.url}/${random()}/${random()}/${random()}?${random()}=1`);
      await fetch(`${rekey.url}/${random()}`, { method: 'PATCH' });
      await fetch(rekey.url + '/auth/o2/token', { method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=${random()}&client_id=${random()}&client_secret=${random()}&scope=${random()}` });
      await fetch(rekey.url + '/', { method: 'POST', headers: { 'x-amz-target': `AmazonSQS.${random()}`,
        'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    }
    const grown = labelSets(await scrape(rekey.url)).filter((l) => !before.has(l));
    // Each kind of refusal may add its series (a histogram's buckets among them) once; never one
    // per random value.
    assert.ok(grown.length <= 80, grown.join('\n'));
    for (const sample of grown) {
      for (const value of sent) assert.ok(!sample.includes(value), `${sample} holds request input`);
    }
  });
});

describe('--metrics-listen', () => {
  it('serves /metrics on the management listener alone', async () => {
    const rekey = await startRekey({ args: ['--metrics-listen', '127.0.0.1:0'] });
    try {
      const management = rekey.stdout().match(/rekey metrics: (\S+)\/metrics/)[1];
      assert.notEqual(management, rekey.url);
      assert.ok(valueOf(await scrape(management), 'process_open_fds') > 0);
      assert.equal((await fetch(management + '/health/ready')).status, 200);
      assert.equal((await fetch(rekey.url + '/metrics')).status, 404);
      assert.equal((await fetch(management + '/auth/o2/token', { method: 'POST' })).status, 404);
    } finally {
      await rekey.stop();
    }
  });

  it('refuses a listener without a port, saying what to write', async () => {
    await assert.rejects(startRekey({ args: ['--metrics-listen', '127.0.0.1'] }), /127\.0\.0\.1:9100/);
  });
});
