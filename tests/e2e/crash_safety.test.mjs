// Crash safety (issue #3): SIGKILL while rotations are being accepted and delivered, restart,
// and every rotation that got a 204 has its notification delivered (duplicates allowed and
// counted, none lost), and every delivered secret authenticates.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { startRekey, NEW_SECRET } from './support/rekey.mjs';

const APPS = 120;
const ARGS = ['--delivery-lease', '2s', '--delivery-poll-interval', '50ms'];

describe('crash safety', () => {
  it('loses no notification of an acknowledged rotation across SIGKILL', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rekey-crash-'));
    try {
      let rekey = await startRekey({ dataDir: dir, args: ARGS });
      // One queue for everyone, so one consumer sees every delivery.
      const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: '000000000000' })).body;
      const apps = [];
      for (let i = 0; i < APPS; i++) {
        const created = (await rekey.admin('POST', '/admin/v1/applications', { name: `crash-${i}` })).body;
        const dest = await rekey.admin('POST', `/admin/v1/applications/${created.applicationId}/destinations`, { queue: 'crash' });
        await rekey.admin('PUT', `/admin/v1/applications/${created.applicationId}/subscriptions/${NEW_SECRET}`,
          { destinationId: dest.body.destinationId });
        apps.push({ ...created, token: await rekey.token(created) });
      }
      // Rotate everyone at once; kill the process while those requests are in flight.
      const acknowledged = new Set();
      const calls = apps.map(async (app) => {
        try {
          const res = await rekey.rotate(app.token);
          if (res.status === 204) acknowledged.add(app.applicationId);
        } catch { /* the connection died with the process */ }
      });
      await new Promise((r) => setTimeout(r, 40));
      rekey.child.kill('SIGKILL');
      await Promise.all(calls);
      await rekey.exited;
      assert.ok(acknowledged.size > 0, 'some rotations were acknowledged before the kill');

      rekey = await startRekey({ dataDir: dir, args: ARGS });
      const sqs = new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
      const QueueUrl = `${rekey.url}/000000000000/crash`;
      const received = new Map();  // applicationId → notifications
      let quiet = 0;
      while (quiet < 3) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        quiet = Messages.length === 0 ? quiet + 1 : 0;
        for (const m of Messages) {
          const n = JSON.parse(m.Body);
          const list = received.get(n.notificationMetadata.applicationId) ?? [];
          list.push(n);
          received.set(n.notificationMetadata.applicationId, list);
        }
        for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      const lost = [...acknowledged].filter((id) => !received.has(id));
      assert.deepEqual(lost, [], `${lost.length} acknowledged rotations lost`);
      let duplicates = 0;
      for (const [applicationId, list] of received) {
        duplicates += list.length - new Set(list.map((n) => n.notificationMetadata.notificationId)).size;
        const app = apps.find((a) => a.applicationId === applicationId);
        const secret = list.at(-1).payload.applicationOAuthClientNewSecret.newClientSecret;
        assert.ok(await rekey.token({ ...app, clientSecret: secret }), 'every delivered secret authenticates');
      }
      console.log(`crash safety: ${acknowledged.size} acknowledged, ${received.size} delivered, ${duplicates} duplicates`);
      await rekey.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
