// Several rekey nodes on one PostgreSQL (SPEC §8, issue #5): no node is special. Three nodes,
// every application's rotate call sent to all of them at once — exactly one 204 per rate window
// cluster-wide and every accepted rotation delivered; a revocation at one node stops the secret
// at the others; a node killed with SIGKILL mid-delivery loses nothing; PostgreSQL going away
// gives 503s and not-ready, and everything recovers when it is back.
// Runs when REKEY_TEST_POSTGRES names a server (make test starts one); skipped otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  SQSClient, ReceiveMessageCommand, DeleteMessageCommand, CreateQueueCommand, SendMessageCommand,
  ChangeMessageVisibilityCommand,
} from '@aws-sdk/client-sqs';
import { startRekey, NEW_SECRET } from './support/rekey.mjs';

const PG = process.env.REKEY_TEST_POSTGRES;
const PG_CTL = process.env.REKEY_TEST_POSTGRES_CTL;
const ACCOUNT = '000000000000';
const APPS = 1000;

function createDatabase() {
  const name = `rekey_multi_${process.pid}_${Date.now()}`;
  execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${name}`]);
  return PG.replace(/\/[^/]*$/, `/${name}`);
}

// n nodes on one new database, sharing a data directory (the master key and the admin token).
async function startCluster(n, args = []) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-multi-'));
  const database = createDatabase();
  const nodes = [];
  for (let i = 0; i < n; i++) {
    nodes.push(await startRekey({ dataDir, args: ['--database', database, '--log-level', 'warn', ...args] }));
  }
  return {
    nodes,
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function inBatches(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)));
  return out;
}

function sqsAt(node, key) {
  return new SQSClient({ endpoint: node.url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
}

async function drain(sqs, QueueUrl) {
  const bodies = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
    if (Messages.length === 0) return bodies;
    for (const m of Messages) {
      bodies.push(JSON.parse(m.Body));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

describe('three rekey nodes on one PostgreSQL', { skip: PG ? false : 'REKEY_TEST_POSTGRES is not set' }, () => {
  let cluster;
  let a, b, c;
  before(async () => {
    cluster = await startCluster(3);
    [a, b, c] = cluster.nodes;
  });
  after(() => cluster?.stop());

  it('gives each application exactly one 204 per rate window cluster-wide and delivers every rotation', async () => {
    const created = await inBatches(Array.from({ length: APPS }, (_, i) => i), 25, async (i) => {
      const node = cluster.nodes[i % 3];  // set-up spread over the nodes too
      const app = (await node.admin('POST', '/admin/v1/applications', { name: `multi-${i}` })).body;
      // Every node creates destinations on the one queue at once: whoever is second must not fail.
      const dest = await node.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`, { queue: 'multi' });
      assert.equal(dest.status, 201, JSON.stringify(dest.body));
      const sub = await node.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/${NEW_SECRET}`,
        { destinationId: dest.body.destinationId });
      assert.equal(sub.status, 200, JSON.stringify(sub.body));
      return { ...app, token: await cluster.nodes[(i + 1) % 3].token(app) };  // a token from one node works at all
    });
    const statuses = await inBatches(created, 50, async (app) =>
      Promise.all([a, b, c].map(async (node) => (await node.rotate(app.token)).status)));
    for (const [i, s] of statuses.entries()) {
      assert.deepEqual([...s].sort(), [204, 429, 429], `application ${i}: ${s}`);
    }

    const key = (await a.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
    const delivered = await drain(sqsAt(c, key), `${c.url}/${ACCOUNT}/multi`);
    const ids = new Set(delivered.map((n) => n.notificationMetadata.applicationId));
    assert.equal(ids.size, APPS, 'every accepted rotation delivered');
    for (const app of created) assert.ok(ids.has(app.applicationId));
  });

  it('wakes a long poll at one node when another makes a message visible again', async () => {
    const key = (await a.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
    const [atA, atB] = [sqsAt(a, key), sqsAt(b, key)];
    const { QueueUrl } = await atA.send(new CreateQueueCommand({ QueueName: 'cross-node-visibility' }));
    await atA.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const [hidden] = (await atA.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 600 }))).Messages;
    // Hidden for ten minutes, and a 20 s wait: only a wake-up sent by node a answers it with the message.
    const waiting = atB.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 500));
    await atA.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: hidden.ReceiptHandle, VisibilityTimeout: 0 }));
    const { Messages = [] } = await waiting;
    assert.deepEqual(Messages.map((m) => m.Body), ['again']);
  });

  it('stops a secret revoked at one node at every other node', async () => {
    const app = await a.createApp();
    const token = await b.token(app);  // node b now holds the secret in its cache
    assert.ok(token);
    const revoked = await a.admin('POST', `/admin/v1/applications/${app.applicationId}/secrets/${app.secret.secretId}/revoke`);
    assert.equal(revoked.status, 200);
    let refused = false;
    for (let i = 0; i < 40 && !refused; i++) {  // heard through LISTEN/NOTIFY, within moments
      refused = await b.token(app).then(() => false, (e) => /401/.test(e.message));
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(refused, 'node b refuses the secret revoked at node a');
    const res = await c.rotate(token);
    assert.equal(res.status, 403);
  });

  // Issue #16: what the console changes at one node holds at the others, heard through NOTIFY.
  it('stops an access key revoked at one node and turns maintenance mode on and off at every node', async () => {
    const eventually = async (what, check) => {
      for (let i = 0; i < 100; i++) {
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(what);
    };
    const key = (await a.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
    const atB = sqsAt(b, key);
    const { QueueUrl } = await atB.send(new CreateQueueCommand({ QueueName: 'revoked-key' }));  // b caches the key
    assert.equal((await a.admin('POST', `/admin/v1/access-keys/${key.accessKeyId}/revoke`)).status, 200);
    await eventually('node b refuses the key revoked at node a', () =>
      atB.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })).then(() => false, (e) => e.name === 'InvalidClientTokenId'));

    const app = await a.createApp();
    const token = await b.token(app);
    assert.equal((await a.admin('PUT', '/admin/v1/system/maintenance', { enabled: true })).status, 200);
    try {
      // Probed by readiness, not by rotating: a rotation that reached node c before it heard of
      // maintenance would succeed and spend the application's one rotation of this window.
      await eventually('node c is not ready in maintenance set at node a', async () => (await fetch(`${c.url}/health/ready`)).status === 503);
      assert.equal((await c.rotate(token)).status, 503);
      assert.equal((await fetch(`${b.url}/health/ready`)).status, 503);
    } finally {
      assert.equal((await b.admin('PUT', '/admin/v1/system/maintenance', { enabled: false })).status, 200);
    }
    await eventually('node a serves again once node b turned maintenance off', async () => (await fetch(`${a.url}/health/ready`)).status === 200);
    await eventually('node c serves again once node b turned maintenance off', async () => (await fetch(`${c.url}/health/ready`)).status === 200);
    assert.equal((await c.rotate(token)).status, 204);
  });
});

describe('nodes starting at the same moment on an empty database', { skip: PG ? false : 'REKEY_TEST_POSTGRES is not set' }, () => {
  it('migrate once and share one signing key: a token from one node works at the others', async () => {
    const database = createDatabase();
    const masterKey = randomBytes(32).toString('hex');
    const dirs = [0, 1, 2].map(() => mkdtempSync(path.join(tmpdir(), 'rekey-start-')));
    const nodes = await Promise.all(dirs.map((dataDir) =>
      startRekey({ dataDir, args: ['--database', database, '--log-level', 'warn'], env: { REKEY_MASTER_KEY: masterKey } })));
    try {
      const keys = execFileSync('psql', [database, '-tAc', 'SELECT COUNT(*) FROM signing_keys']).toString().trim();
      assert.equal(keys, '1', 'one signing key, created by whichever node came first');
      const migrations = execFileSync('psql', [database, '-tAc',
        'SELECT COUNT(*), MIN(version), MAX(version) FROM schema_migrations']).toString().trim();
      const [count, first, last] = migrations.split('|').map(Number);
      assert.ok(count >= 2 && first === 1 && last === count, `every version applied once: ${migrations}`);
      const app = await nodes[0].createApp();
      const token = await nodes[1].token(app);
      assert.equal((await nodes[2].rotate(token)).status, 204);
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a node killed mid-delivery', { skip: PG ? false : 'REKEY_TEST_POSTGRES is not set' }, () => {
  it('loses nothing: the other nodes deliver what it had claimed once its lease runs out', async () => {
    const cluster = await startCluster(3, ['--delivery-lease', '2s']);
    const received = new Map();  // applicationId → deliveries
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const id = JSON.parse(body).notificationMetadata.applicationId;
        received.set(id, (received.get(id) ?? 0) + 1);
        setTimeout(() => { res.writeHead(200); res.end(); }, 30);  // slow enough to be caught mid-flight
      });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const [a, b] = cluster.nodes;
      const url = `http://127.0.0.1:${receiver.address().port}/hooks`;
      const apps = await inBatches(Array.from({ length: 150 }, (_, i) => i), 25, async () => {
        const app = (await a.admin('POST', '/admin/v1/applications', { name: 'kill' })).body;
        const dest = await a.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`, { kind: 'webhook', url });
        await a.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/${NEW_SECRET}`,
          { destinationId: dest.body.destinationId });
        return { ...app, token: await a.token(app) };
      });
      const accepted = await inBatches(apps, 50, async (app, i) =>
        ((await cluster.nodes[i % 3].rotate(app.token)).status === 204 ? app.applicationId : null));
      const want = accepted.filter(Boolean);
      const undeliveredAtKill = want.filter((id) => !received.has(id)).length;
      await b.stop('SIGKILL');
      assert.equal(want.length, apps.length);
      for (let i = 0; i < 150 && want.some((id) => !received.has(id)); i++) await new Promise((r) => setTimeout(r, 100));
      const missing = want.filter((id) => !received.has(id));
      assert.deepEqual(missing, [], 'every accepted rotation delivered after the kill');
      const duplicates = [...received.values()].filter((n) => n > 1).length;
      console.log(`# ${want.length} delivered (${undeliveredAtKill} not yet when node b was killed),` +
        ` ${duplicates} more than once (allowed: at-least-once)`);
    } finally {
      receiver.close();
      await cluster.stop();
    }
  });
});

describe('PostgreSQL going away', { skip: PG && PG_CTL ? false : 'REKEY_TEST_POSTGRES_CTL is not set' }, () => {
  it('answers 503 and not-ready while it is down, and recovers by itself', async () => {
    const cluster = await startCluster(2);
    try {
      const [a, b] = cluster.nodes;
      const before = await a.createApp({ rotateRate: 100, rotateBurst: 100 });
      const token = await a.token(before);
      assert.equal((await a.rotate(token)).status, 204);
      execFileSync(PG_CTL, ['stop']);
      try {
        const down = await b.rotate(token);
        assert.equal(down.status, 503);
        assert.equal((await down.json()).errors[0].code, 'ServiceUnavailable');
        assert.equal((await fetch(`${a.url}/ready`)).status, 503);
      } finally {
        execFileSync(PG_CTL, ['start']);
      }
      let status = 0;
      for (let i = 0; i < 100 && status !== 204; i++) {
        status = (await b.rotate(token)).status;
        if (status !== 204) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 204, 'rotations succeed again');
      assert.equal((await fetch(`${a.url}/ready`)).status, 200);
      const key = (await a.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
      const delivered = await drain(sqsAt(a, key), `${a.url}/${ACCOUNT}/q-${before.applicationId.slice(-12)}`);
      assert.equal(delivered.length, 2, 'both accepted rotations delivered, nothing lost');
    } finally {
      await cluster.stop();
    }
  });
});
