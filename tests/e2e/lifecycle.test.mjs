// Secret lifecycle (SPEC §3–§5, §7; issue #4), through the real binary in --dev mode with the
// unmodified @aws-sdk/client-sqs: time travel over the six expiry warnings, the old secret's
// grace, the expired secret's 403, revocation, usage counts and the hash-chained audit trail.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { startRekey, cli, errorOf, NEW_SECRET } from './support/rekey.mjs';

const EXPIRY = 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY';
const ACCOUNT = '000000000000';
const DAY = 86_400_000;
const LWA_EXPIRED = 'The LWA secret token you provided has expired.';
const REVOKED = 'The access token you provided is revoked, malformed or invalid.';

async function consumer(rekey) {
  const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
  return new SQSClient({ endpoint: rekey.url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
}

// An application whose new secrets and expiry warnings both go to one embedded queue.
async function subscribedApp(rekey) {
  const app = await rekey.createApp({ enrolled: false });
  const queue = 'life-' + app.applicationId.slice(-12);
  const dest = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`, { queue });
  for (const type of [NEW_SECRET, EXPIRY]) {
    const sub = await rekey.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/${type}`,
      { destinationId: dest.body.destinationId });
    assert.equal(sub.status, 200);
  }
  return { ...app, queueUrl: `${rekey.url}/${ACCOUNT}/${queue}` };
}

// Everything in the queue now (waiting up to `seconds` for the first), deleted once read.
async function drain(sqs, QueueUrl, seconds = 5) {
  const out = [];
  let wait = seconds;
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait }));
    if (Messages.length === 0) return out;
    for (const m of Messages) {
      out.push(JSON.parse(m.Body));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    wait = 1;
  }
}

function advance(rekey, by) {
  const r = cli(rekey, ['dev', 'clock', 'advance', by]);
  assert.equal(r.code, 0, r.err);
  return Date.parse(r.json.now);
}

const secretOf = async (rekey, app, id) =>
  (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body.secrets.find((s) => s.secretId === id);

describe('secret lifecycle in --dev mode', () => {
  let rekey;
  let sqs;
  before(async () => {
    rekey = await startRekey({ args: ['--dev'] });
    sqs = await consumer(rekey);
  });
  after(() => rekey.stop());

  it('sends exactly the six expiry warnings, then the expired secret\'s token gets 403', async () => {
    const app = await subscribedApp(rekey);
    const expiresAt = app.secret.expiresAt;
    const expiry = Date.parse(expiresAt);
    // Step to one minute before each moment (nothing yet), then onto it (one warning).
    const received = [];
    let now = Date.parse((cli(rekey, ['dev', 'clock', 'show']).json).now);
    for (const days of [90, 60, 30, 15, 7, 1]) {
      const moment = expiry - days * DAY;
      now = advance(rekey, `${Math.round((moment - now) / 1000) - 60}s`);
      assert.deepEqual(await drain(sqs, app.queueUrl, 1), [], `nothing before the ${days}-day moment`);
      now = advance(rekey, '61s');
      const got = await drain(sqs, app.queueUrl);
      assert.equal(got.length, 1, `one warning at ${days} days`);
      received.push(...got);
    }
    now = advance(rekey, '2d');  // past the expiry: no seventh
    assert.deepEqual(await drain(sqs, app.queueUrl, 1), []);
    assert.equal(received.length, 6);
    for (const n of received) {
      assert.equal(n.notificationType, EXPIRY);
      assert.equal(n.payloadVersion, '2023-11-30');
      assert.deepEqual(n.payload, { applicationOAuthClientSecretExpiry: {
        clientId: app.clientId, clientSecretExpiryTime: expiresAt, clientSecretExpiryReason: 'PERIODIC_ROTATION' } });
      assert.equal(n.notificationMetadata.applicationId, app.applicationId);
      assert.ok(!JSON.stringify(n).includes(app.clientSecret));
    }
    assert.equal(new Set(received.map((n) => n.notificationMetadata.notificationId)).size, 6);

    // Past its expiry the secret still mints a token (SP-API), and the rotate call refuses it.
    const token = await rekey.token(app);
    const res = await rekey.rotate(token);
    assert.equal(res.status, 403);
    assert.equal((await errorOf(res)).details, LWA_EXPIRED);
    assert.equal((await secretOf(rekey, app, app.secret.secretId)).expired, true);
  });

  it('keeps the old secret for the 7-day grace after delivery, then it dies', async () => {
    const app = await subscribedApp(rekey);
    const oldToken = await rekey.token(app);
    assert.equal((await rekey.rotate(oldToken)).status, 204);
    const [n] = await drain(sqs, app.queueUrl);
    const p = n.payload.applicationOAuthClientNewSecret;
    const delivered = Date.parse(n.notificationMetadata.publishTime);
    assert.equal(Date.parse(p.oldClientSecretExpiryTime), delivered + 7 * DAY);

    advance(rekey, `${7 * 86400 - 60}s`);  // a minute before the grace ends: still good
    const stillValid = await rekey.token(app);
    assert.equal((await secretOf(rekey, app, app.secret.secretId)).expired, false);
    advance(rekey, '61s');
    assert.equal((await secretOf(rekey, app, app.secret.secretId)).expired, true);
    for (const token of [stillValid, await rekey.token(app)]) {  // minted before and after its end
      const res = await rekey.rotate(token);
      assert.equal(res.status, 403);
      assert.equal((await errorOf(res)).details, LWA_EXPIRED);
    }
    // The delivered new secret works.
    assert.equal((await rekey.rotate(await rekey.token(app, { secret: p.newClientSecret }))).status, 204);
  });

  it('revokes a secret: it stops authenticating and its tokens are refused', async () => {
    const app = await subscribedApp(rekey);
    const token = await rekey.token(app);
    const revoked = cli(rekey, ['secret', 'revoke', '--app', app.applicationId, '--secret', app.secret.secretId]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.equal(revoked.json.state, 'revoked');
    await assert.rejects(rekey.token(app), /token: 401 .*invalid_client/);
    const res = await rekey.rotate(token);
    assert.equal(res.status, 403);
    assert.equal((await errorOf(res)).details, REVOKED);
    const unknown = cli(rekey, ['secret', 'revoke', '--app', app.applicationId, '--secret', 'no-such-secret']);
    assert.equal(unknown.code, 1);
  });

  it('counts each secret\'s uses without a write per token, shown by app show', async () => {
    const app = await subscribedApp(rekey);
    for (let i = 0; i < 3; i++) await rekey.token(app);
    let secret;
    for (let i = 0; i < 50; i++) {  // written by the next housekeeping pass (every 250 ms)
      secret = cli(rekey, ['app', 'show', app.applicationId]).json.secrets[0];
      if (secret.useCount === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(secret.useCount, 3);
    assert.match(secret.lastUsedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('follows the configured warning list (TOML) and secret lifetime', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rekey-warnings-'));
    const file = path.join(dir, 'rekey.toml');
    writeFileSync(file, '[secrets]\nlifetime = "10d"\nexpiry_warnings = ["2d"]\n');
    const custom = await startRekey({ args: ['--dev', '--config', file] });
    try {
      const customSqs = await consumer(custom);
      const app = await subscribedApp(custom);
      const expiry = Date.parse(app.secret.expiresAt);
      let now = Date.parse(cli(custom, ['dev', 'clock', 'show']).json.now);
      assert.ok(Math.abs(expiry - now - 10 * DAY) < 60_000, 'a 10-day lifetime');
      now = advance(custom, `${Math.round((expiry - 2 * DAY - now) / 1000) - 60}s`);
      assert.deepEqual(await drain(customSqs, app.queueUrl, 1), []);
      advance(custom, '61s');
      const got = await drain(customSqs, app.queueUrl);
      assert.equal(got.length, 1, 'the one configured warning, 2 days before');
      assert.equal(got[0].payload.applicationOAuthClientSecretExpiry.clientSecretExpiryTime, app.secret.expiresAt);
      advance(custom, '3d');
      assert.deepEqual(await drain(customSqs, app.queueUrl, 1), []);
    } finally {
      await custom.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the travelled time across a --dev restart, and offers no time travel without --dev', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-clock-'));
    try {
      let dev = await startRekey({ dataDir, args: ['--dev'] });
      advance(dev, '10d');
      await dev.stop();
      dev = await startRekey({ dataDir, args: ['--dev'] });
      const ahead = Date.parse(cli(dev, ['dev', 'clock', 'show']).json.now) - Date.now();
      await dev.stop();
      assert.ok(ahead > 10 * DAY - 60_000 && ahead < 10 * DAY + 60_000, `${ahead} ms ahead`);

      const plain = await startRekey({ dataDir });
      try {
        assert.equal((await plain.admin('POST', '/admin/v1/dev/clock', { advance: '1d' })).status, 404);
        assert.equal((await plain.admin('GET', '/admin/v1/dev/clock')).status, 404);
        assert.equal(cli(plain, ['dev', 'clock', 'advance', '1d']).code, 1);
      } finally {
        await plain.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('audit trail', () => {
  it('records rotations, revocations, admin actions and failures; verify fails on a changed byte', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-audit-'));
    const copyDir = mkdtempSync(path.join(tmpdir(), 'rekey-audit-copy-'));
    const rekey = await startRekey({ dataDir });
    try {
      const app = await rekey.createApp();
      const token = await rekey.token(app);
      assert.equal((await rekey.rotate(token)).status, 204);
      assert.equal(cli(rekey, ['secret', 'revoke', '--app', app.applicationId, '--secret', app.secret.secretId]).code, 0);
      await assert.rejects(rekey.token(app, { secret: 'amzn1.oa2-cs.v1.' + '0'.repeat(64) }));
      let entries;
      for (let i = 0; i < 50; i++) {  // failures are written in batches
        entries = cli(rekey, ['audit', 'list']).json.entries;
        if (entries.some((e) => e.action === 'auth.failed')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const actions = entries.map((e) => e.action);
      for (const a of ['application.created', 'destination.created', 'subscription.set', 'secret.rotated', 'secret.revoked', 'auth.failed']) {
        assert.ok(actions.includes(a), `${a} in ${actions}`);
      }
      const rotated = entries.find((e) => e.action === 'secret.rotated');
      assert.equal(rotated.actor, `application:${app.clientId}`);
      assert.match(rotated.requestId, /^[0-9a-f-]{36}$/);
      const listed = JSON.stringify(entries);
      assert.ok(!listed.includes(app.clientSecret) && !listed.includes(token));
      assert.deepEqual(entries.map((e) => e.seq), entries.map((_, i) => i + 1));

      const verified = cli(rekey, ['audit', 'verify']);
      assert.equal(verified.code, 0, verified.err);
      assert.equal(verified.json.ok, true);
      assert.equal(verified.json.entries, entries.length);

      // A copy with one byte of one entry changed no longer verifies.
      await rekey.stop();
      cpSync(dataDir, copyDir, { recursive: true });
      const seq = rotated.seq;
      execFileSync('sqlite3', [path.join(copyDir, 'rekey.db'),
        `UPDATE audit_log SET detail = substr(detail, 1, 3) || char(unicode(substr(detail, 4, 1)) + 1) || substr(detail, 5) WHERE seq = ${seq}`]);
      const copy = await startRekey({ dataDir: copyDir });
      try {
        const broken = cli(copy, ['audit', 'verify']);
        assert.equal(broken.code, 1);
        const answer = JSON.parse(broken.out);
        assert.equal(answer.ok, false);
        assert.equal(answer.firstBad.seq, seq);
        assert.equal(answer.entries, seq - 1);
      } finally {
        await copy.stop();
      }
    } finally {
      await rekey.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(copyDir, { recursive: true, force: true });
    }
  });
});
