// Issue #19 on two rekey nodes sharing one PostgreSQL: a secret revoked through one node's admin
// API makes the tokens minted with it inactive at the other node's introspection within the
// same second; a resource server created at one node authenticates at the other, and stops
// there once revoked; a JWT minted at one node verifies against the other node's JWKS.
// Runs when REKEY_TEST_POSTGRES names a server (make test starts one); skipped otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as jose from 'jose';
import { startRekey, ROTATION_SCOPE } from './support/rekey.mjs';

const PG = process.env.REKEY_TEST_POSTGRES;
const FORM = 'application/x-www-form-urlencoded';
const ORDERS = 'https://orders.example.com';
const ISSUER = 'https://rekey.cluster.example';  // one issuer for the cluster, as behind a load balancer
const INACTIVE = { active: false };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function createDatabase() {
  const name = `rekey_rs_${process.pid}_${Date.now()}`;
  execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${name}`]);
  return PG.replace(/\/[^/]*$/, `/${name}`);
}

async function tokenOf(node, app, scope = ROTATION_SCOPE) {
  const res = await fetch(node.url + '/auth/o2/token', {
    method: 'POST', headers: { 'content-type': FORM },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, scope }).toString(),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.access_token;
}

async function createApp(node, settings) {
  const created = await node.admin('POST', '/admin/v1/applications', { name: 'rs-multi', ...settings });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

async function createResourceServer(node, name, audience) {
  const r = await node.admin('POST', '/admin/v1/resource-servers', audience === undefined ? { name } : { name, audience });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

// One introspection call at `node`, the resource server authenticated by HTTP Basic.
async function introspect(node, rs, token) {
  const basic = Buffer.from(`${encodeURIComponent(rs.resourceServerId)}:${encodeURIComponent(rs.clientSecret)}`).toString('base64');
  const res = await fetch(node.url + '/auth/o2/introspect', {
    method: 'POST',
    headers: { 'content-type': FORM, authorization: `Basic ${basic}` },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: res.status, body: await res.json() };
}

describe('resource servers on two rekey nodes sharing PostgreSQL', { skip: PG ? false : 'REKEY_TEST_POSTGRES is not set' }, () => {
  let dataDir;
  let a, b;
  before(async () => {
    // Two nodes on one new database, sharing a data directory (the master key and the admin token).
    dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-rs-multi-'));
    const database = createDatabase();
    const args = ['--database', database, '--log-level', 'warn', '--issuer', ISSUER];
    a = await startRekey({ dataDir, args });
    b = await startRekey({ dataDir, args });
  });
  after(async () => {
    await Promise.all([a, b].filter(Boolean).map((node) => node.stop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes the tokens of a secret revoked at node a inactive at node b within the same second', async () => {
    const rs = await createResourceServer(a, 'orders-api');
    for (const settings of [{}, { tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS }]) {
      const app = await createApp(a, settings);
      const token = await tokenOf(a, app, settings.scopes ? 'orders:read' : ROTATION_SCOPE);
      const first = await introspect(b, rs, token);  // node b has now seen the secret
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.active, true, JSON.stringify(first.body));
      assert.equal(first.body.sub, app.applicationId);

      const revoked = await a.admin('POST', `/admin/v1/applications/${app.applicationId}/secrets/${app.secret.secretId}/revoke`);
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      const deadline = Date.now() + 1000;
      let answer;
      for (;;) {  // heard through the shared database, within the second
        answer = await introspect(b, rs, token);
        if (answer.status === 200 && answer.body.active === false) break;
        if (Date.now() >= deadline) break;
        await sleep(20);
      }
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, INACTIVE,
        `${settings.tokenFormat ?? 'opaque'} token still ${JSON.stringify(answer.body)} at node b a second after the revocation at node a`);
      assert.deepEqual((await introspect(a, rs, token)).body, INACTIVE);
    }
  });

  it('authenticates at node b a resource server created at node a, and stops it there once revoked at node a', async () => {
    const rs = await createResourceServer(a, 'billing-api');
    const app = await createApp(a, {});
    const token = await tokenOf(b, app);
    const atB = await introspect(b, rs, token);
    assert.equal(atB.status, 200, JSON.stringify(atB.body));
    assert.equal(atB.body.active, true);
    assert.deepEqual((await b.admin('GET', `/admin/v1/resource-servers/${rs.resourceServerId}`)).body.revokedAt, null);

    const revoked = await a.admin('POST', `/admin/v1/resource-servers/${rs.resourceServerId}/revoke`);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    let answer;
    for (let i = 0; i < 40; i++) {  // heard through the shared database, within moments
      answer = await introspect(b, rs, token);
      if (answer.status === 401) break;
      await sleep(50);
    }
    assert.equal(answer.status, 401, `node b still answers ${JSON.stringify(answer.body)} for a resource server revoked at node a`);
    assert.equal(answer.body.error, 'invalid_client');
  });

  it('verifies a JWT minted at node a against node b\'s JWKS', async () => {
    const app = await createApp(a, { tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS });
    const token = await tokenOf(a, app, 'orders:read');
    const keys = jose.createRemoteJWKSet(new URL(b.url + '/.well-known/jwks.json'));
    const { payload } = await jose.jwtVerify(token, keys, { issuer: ISSUER, audience: ORDERS, typ: 'at+jwt' });
    assert.equal(payload.sub, app.applicationId);
    const jwksA = await (await fetch(a.url + '/.well-known/jwks.json')).json();
    const jwksB = await (await fetch(b.url + '/.well-known/jwks.json')).json();
    assert.deepEqual(jwksB, jwksA, 'both nodes publish the same keys');
  });
});
