// Network destinations (issue #3): a webhook receiver that checks the signature and is down
// for a while, and an sqs destination delivering into a second rekey's embedded queue with
// SigV4 on both sides.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startRekey, NEW_SECRET } from './support/rekey.mjs';

async function until(check, { tries = 100, every = 150 } = {}) {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, every));
  }
  assert.fail('condition not reached in time');
}

async function subscribe(rekey, app, destination) {
  const created = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`, destination);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const sub = await rekey.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/${NEW_SECRET}`,
    { destinationId: created.body.destinationId });
  assert.equal(sub.status, 200);
  assert.equal(created.body.config.sealedSecret, undefined, 'sealed secrets are not shown');
  return created.body;
}

describe('webhook destination', () => {
  it('retries with backoff while the receiver answers 503, then delivers a signed POST', async () => {
    const calls = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        calls.push({ headers: req.headers, body, at: Date.now() });
        res.writeHead(calls.length <= 2 ? 503 : 200);
        res.end();
      });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    const rekey = await startRekey({ args: ['--delivery-poll-interval', '100ms'] });
    try {
      const app = await rekey.createApp({ enrolled: false });
      const destination = await subscribe(rekey, app,
        { kind: 'webhook', url: `http://127.0.0.1:${receiver.address().port}/hooks/rekey` });
      assert.match(destination.signingSecret, /^whsec_/);
      assert.equal((await rekey.rotate(await rekey.token(app))).status, 204);
      await until(() => calls.length >= 1);
      assert.ok(await rekey.token(app), 'the old secret stays valid while delivery fails');
      await until(() => calls.length >= 3);
      assert.ok(calls[1].at - calls[0].at >= 400, 'the first retry waits at least half a second');
      const ok = calls[2];
      const [, t, v1] = ok.headers['x-rekey-signature'].match(/^t=(\d+),v1=([0-9a-f]{64})$/);
      assert.equal(v1, createHmac('sha256', destination.signingSecret).update(`${t}.${ok.body}`).digest('hex'));
      const n = JSON.parse(ok.body);
      assert.equal(n.notificationType, 'APPLICATION_OAUTH_CLIENT_NEW_SECRET');
      assert.equal(n.payload.applicationOAuthClientNewSecret.clientId, app.clientId);
      assert.ok(calls.every((c) => c.headers['x-rekey-notification-id'] === n.notificationMetadata.notificationId),
        'one notification id across retries');
      const shown = await until(async () => {
        const body = (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body;
        return body.deliveries[0].state === 'delivered' && body;
      });
      assert.equal(shown.deliveries[0].attempts, 3);
      assert.ok(await rekey.token({ ...app, clientSecret: n.payload.applicationOAuthClientNewSecret.newClientSecret }));
    } finally {
      await rekey.stop();
      receiver.close();
    }
  });
});

describe('sqs destination', () => {
  it("delivers into another rekey's embedded queue, signed with SigV4", async () => {
    const b = await startRekey();
    const a = await startRekey();
    try {
      const key = (await b.admin('POST', '/admin/v1/access-keys', { account: '444455556666' })).body;
      const sqs = new SQSClient({ endpoint: b.url, region: 'eu-west-1', maxAttempts: 1,
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'inbox' }));
      const app = await a.createApp({ enrolled: false });
      await subscribe(a, app, { kind: 'sqs', queueUrl: QueueUrl, region: 'eu-west-1',
        accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
      assert.ok(!a.dump().includes(key.secretAccessKey), 'the secret access key is stored encrypted');
      assert.equal((await a.rotate(await a.token(app))).status, 204);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
      const n = JSON.parse(Messages[0].Body);
      assert.equal(n.payload.applicationOAuthClientNewSecret.clientId, app.clientId);
      assert.ok(await a.token({ ...app, clientSecret: n.payload.applicationOAuthClientNewSecret.newClientSecret }));
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
