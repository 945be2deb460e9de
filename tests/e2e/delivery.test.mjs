// Delivery (SPEC §5, issue #3): a rotation's notification reaches the developer's embedded
// queue, read with the unmodified @aws-sdk/client-sqs; the old secret's grace starts at
// delivery; the plaintext is erased; an undeliverable notification dies and can be retried.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  SQSClient, ReceiveMessageCommand, DeleteMessageCommand, DeleteQueueCommand, CreateQueueCommand,
} from '@aws-sdk/client-sqs';
import { startRekey, BIN, UUID } from './support/rekey.mjs';
import { applicationsApi, redirectLwa } from './support/spapi.mjs';

const ACCOUNT = '000000000000';  // bare queue names live in the default account
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DAY = 86_400_000;

async function consumer(rekey) {
  const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
  return new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
}

const queueUrlOf = (rekey, app) => `${rekey.url}/${ACCOUNT}/q-${app.applicationId.slice(-12)}`;

describe('delivery to the embedded queue', () => {
  let rekey;
  let sqs;
  before(async () => {
    rekey = await startRekey();
    sqs = await consumer(rekey);
  });
  after(() => rekey.stop());

  it('delivers the complete notification; the new secret works and the old one keeps working', async () => {
    const app = await rekey.createApp();
    const rotatedAt = Date.now();
    const restore = redirectLwa(rekey.url);  // rotate with the official SP-API SDK
    try {
      const { response } = await applicationsApi(rekey.url, app).rotateApplicationClientSecretWithHttpInfo();
      assert.equal(response.status, 204);
    } finally {
      restore();
    }
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrlOf(rekey, app), WaitTimeSeconds: 10 }));
    assert.equal(Messages?.length, 1);
    const n = JSON.parse(Messages[0].Body);
    assert.deepEqual(Object.keys(n).sort(),
      ['eventTime', 'notificationMetadata', 'notificationType', 'notificationVersion', 'payload', 'payloadVersion']);
    assert.equal(n.notificationVersion, '1.0');
    assert.equal(n.notificationType, 'APPLICATION_OAUTH_CLIENT_NEW_SECRET');
    assert.equal(n.payloadVersion, '2023-11-30');
    assert.match(n.eventTime, ISO_MS);
    const p = n.payload.applicationOAuthClientNewSecret;
    assert.equal(p.clientId, app.clientId);
    assert.match(p.newClientSecret, /^amzn1\.oa2-cs\.v1\.[0-9a-f]{64}$/);
    assert.match(p.newClientSecretExpiryTime, ISO_MS);
    assert.match(p.oldClientSecretExpiryTime, ISO_MS);
    const m = n.notificationMetadata;
    assert.equal(m.applicationId, app.applicationId);
    assert.match(m.subscriptionId, UUID);
    assert.match(m.notificationId, UUID);
    assert.match(m.publishTime, ISO_MS);
    // Lifetimes: new secret 180 days; the old one 7 days from delivery (publishTime).
    const published = Date.parse(m.publishTime);
    assert.ok(published >= Date.parse(n.eventTime) && published >= rotatedAt - 1000);
    assert.equal(Date.parse(p.oldClientSecretExpiryTime), published + 7 * DAY);
    assert.ok(Math.abs(Date.parse(p.newClientSecretExpiryTime) - (rotatedAt + 180 * DAY)) < 60_000);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrlOf(rekey, app), ReceiptHandle: Messages[0].ReceiptHandle }));

    assert.ok(await rekey.token({ ...app, clientSecret: p.newClientSecret }), 'the new secret authenticates');
    assert.ok(await rekey.token(app), 'the old secret still authenticates during its grace');
    const shown = (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body;
    assert.equal(shown.deliveries[0].state, 'delivered');
    assert.equal(shown.deliveries[0].notificationId, m.notificationId);
    assert.equal(Date.parse(shown.secrets[1].expiresAt), published + 7 * DAY);
    // Delivered: the plaintext is gone from the outbox, and the queue keeps it only encrypted.
    assert.ok(!rekey.dump().includes(p.newClientSecret));
  });
});

describe('rekey destination test', () => {
  it('puts a test message without a secret on the destination', async () => {
    const rekey = await startRekey();
    try {
      const sqs = await consumer(rekey);
      const app = await rekey.createApp();
      const shown = (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body;
      const tested = spawnSync(BIN, ['destination', 'test', shown.destinations[0].destinationId, '--output', 'json',
        '--server', rekey.url, '--admin-token-file', path.join(rekey.dataDir, 'admin-token')], { encoding: 'utf8' });
      assert.equal(tested.status, 0, tested.stderr);
      assert.equal(JSON.parse(tested.stdout).delivered, true);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrlOf(rekey, app), WaitTimeSeconds: 5 }));
      const n = JSON.parse(Messages[0].Body);
      assert.equal(n.notificationType, 'REKEY_DESTINATION_TEST');
      assert.doesNotMatch(Messages[0].Body, /amzn1\.oa2-cs/);
    } finally {
      await rekey.stop();
    }
  });
});

describe('undeliverable notifications', () => {
  let rekey;
  let sqs;
  before(async () => {
    rekey = await startRekey({ args: ['--delivery-retry-budget', '1s', '--delivery-poll-interval', '100ms'] });
    sqs = await consumer(rekey);
  });
  after(() => rekey.stop());

  it('die after the retry budget, keep the old secret valid, and are redelivered on request', async () => {
    const app = await rekey.createApp();
    const url = queueUrlOf(rekey, app);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));  // the destination's queue is gone
    assert.equal((await rekey.rotate(await rekey.token(app))).status, 204);
    let dead = [];
    for (let i = 0; i < 50 && dead.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      dead = (await rekey.admin('GET', '/admin/v1/deliveries?state=dead')).body.deliveries;
    }
    assert.equal(dead.length, 1);
    assert.equal(dead[0].applicationId, app.applicationId);
    assert.match(dead[0].lastError, /queue does not exist/);
    const shown = (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body;
    assert.ok(Date.parse(shown.secrets[1].expiresAt) > Date.now() + 100 * DAY, 'no grace before delivery');
    assert.ok(await rekey.token(app));

    // The operator restores the queue and retries with the CLI.
    await sqs.send(new CreateQueueCommand({ QueueName: url.split('/').pop() }));
    const cli = (args) => spawnSync(BIN, [...args, '--output', 'json', '--server', rekey.url, '--admin-token-file',
      path.join(rekey.dataDir, 'admin-token')], { encoding: 'utf8' });
    const listed = cli(['delivery', 'list', '--state', 'dead']);
    assert.equal(listed.status, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).deliveries[0].notificationId, dead[0].notificationId);
    assert.equal(cli(['delivery', 'retry', dead[0].notificationId]).status, 0);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    const n = JSON.parse(Messages[0].Body);
    assert.equal(n.notificationMetadata.notificationId, dead[0].notificationId, 'the id is stable across retries');
    assert.equal(cli(['delivery', 'retry', dead[0].notificationId]).status, 1, 'a delivered item is not retried');
  });
});
