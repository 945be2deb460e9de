// Secure by construction (issue #4): a whole run that issues every kind of secret and token
// rekey has — client secrets (created and rotated), access tokens of both grants, a refresh
// token, a queue access key, a webhook signing secret, an SQS destination's key — leaves none
// of them in plaintext in any log line (debug level) or in the database files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { startRekey, cli } from './support/rekey.mjs';

describe('no secret or token in plaintext', () => {
  it('greps the logs and the database of a whole run for everything it issued', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-plaintext-'));
    const rekey = await startRekey({ dataDir, args: ['--dev', '--log-level', 'debug'] });
    const issued = [];
    const visible = [];  // not secret: the search must find these, or it proves nothing
    let logs = '';
    try {
      const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: '000000000000' })).body;
      issued.push(key.secretAccessKey);
      const sqs = new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });

      const app = await rekey.createApp();
      issued.push(app.clientSecret);
      visible.push(app.applicationId);
      const webhook = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`,
        { kind: 'webhook', url: 'http://127.0.0.1:9/unused' });
      issued.push(webhook.body.signingSecret);
      const sqsDest = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`,
        { kind: 'sqs', queueUrl: `${rekey.url}/000000000000/elsewhere`, accessKeyId: key.accessKeyId,
          secretAccessKey: key.secretAccessKey });
      assert.equal(sqsDest.status, 201);

      const token = await rekey.token(app);
      issued.push(token);
      const refresh = cli(rekey, ['refresh-token', 'create', '--app', app.applicationId]).json.refreshToken;
      issued.push(refresh);
      const refreshed = await fetch(`${rekey.url}/auth/o2/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=${refresh}&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
      });
      issued.push((await refreshed.json()).access_token);
      await fetch(`${rekey.url}/auth/o2/token`, {  // a failure, for the audit trail and the logs
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}x&scope=x`,
      });

      assert.equal((await rekey.rotate(token)).status, 204);
      const QueueUrl = `${rekey.url}/000000000000/q-${app.applicationId.slice(-12)}`;
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
      assert.equal(Messages?.length, 1);
      const newSecret = JSON.parse(Messages[0].Body).payload.applicationOAuthClientNewSecret.newClientSecret;
      issued.push(newSecret);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
      const newToken = await rekey.token(app, { secret: newSecret });
      issued.push(newToken);
      assert.equal(cli(rekey, ['secret', 'revoke', '--app', app.applicationId, '--secret', app.secret.secretId]).code, 0);
      cli(rekey, ['dev', 'clock', 'advance', '100d']);  // expiry warnings, expiries, usage writes
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(cli(rekey, ['audit', 'verify']).code, 0);
    } finally {
      await rekey.stop();
      logs = rekey.stdout() + rekey.stderr();
    }
    try {
      assert.ok(logs.split('\n').length > 20, 'the run logged');
      const files = ['rekey.db', 'rekey.db-wal', 'rekey.db-shm'].map((f) => path.join(dataDir, f)).filter(existsSync);
      const database = Buffer.concat(files.map((f) => readFileSync(f)));
      assert.ok(database.length > 0);
      assert.equal(issued.length, 8);
      for (const value of visible) {
        assert.ok(logs.includes(value) && database.includes(Buffer.from(value)), `the search finds ${value}`);
      }
      for (const value of issued) {
        assert.ok(typeof value === 'string' && value.length >= 20, `issued: ${value}`);
        // The whole value and its random part (after a prefix such as "amzn1.oa2-cs.v1." or "Atc|").
        const body = value.replace(/^(amzn1\.oa2-cs\.v1\.|Atc\||Atza\||Atzr\|)/, '');
        for (const needle of [value, body]) {
          assert.ok(!logs.includes(needle), `a log line contains ${value.slice(0, 12)}…`);
          assert.ok(!database.includes(Buffer.from(needle)), `the database contains ${value.slice(0, 12)}…`);
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
