// SPEC §3 through the real binary: every accepted request shape, every error, throttling.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startRekey, ROTATION_SCOPE, UUID } from './support/rekey.mjs';

const FORM = 'application/x-www-form-urlencoded;charset=UTF-8';

describe('token endpoint', () => {
  let rekey;
  let app;
  let refreshToken;
  before(async () => {
    rekey = await startRekey();
    app = await rekey.createApp();
    refreshToken = (await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/refresh-tokens`)).body.refreshToken;
  });
  after(() => rekey.stop());

  const post = (body, headers = { 'content-type': FORM }) =>
    fetch(rekey.url + '/auth/o2/token', { method: 'POST', headers, body });

  async function expectGrant(res) {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    assert.match(res.headers.get('x-amzn-requestid'), UUID);
    const body = await res.json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(typeof body.expires_in, 'number');
    return body;
  }

  async function expectError(res, status, error) {
    assert.equal(res.status, status);
    assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
    assert.match(res.headers.get('x-amzn-requestid'), UUID);
    const body = await res.json();
    assert.equal(body.error, error);
    assert.equal(typeof body.error_description, 'string');
    assert.ok(body.error_description.length > 0);
    return body;
  }

  it('grants client_credentials from an unencoded form body (official SDK)', async () => {
    const body = await expectGrant(await post(
      `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=${ROTATION_SCOPE}`));
    assert.match(body.access_token, /^Atc\|[A-Za-z0-9._-]+$/);
    assert.equal(body.scope, ROTATION_SCOPE);
  });

  it('grants from a percent-encoded form with several scopes', async () => {
    const scope = `${ROTATION_SCOPE} sellingpartnerapi::notifications`;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, scope });
    const body = await expectGrant(await post(form.toString(), { 'content-type': 'application/x-www-form-urlencoded' }));
    assert.equal(body.scope, scope);
  });

  it('grants from JSON with null for unused keys', async () => {
    await expectGrant(await post(JSON.stringify({
      grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret,
      scope: ROTATION_SCOPE, refresh_token: null,
    }), { 'content-type': 'application/json' }));
  });

  it('grants with HTTP Basic client authentication', async () => {
    const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
    await expectGrant(await post(`grant_type=client_credentials&scope=${ROTATION_SCOPE}`,
      { 'content-type': FORM, authorization: `Basic ${basic}` }));
  });

  it('grants the refresh_token grant an Atza token and echoes the refresh token', async () => {
    const body = await expectGrant(await post(
      `grant_type=refresh_token&refresh_token=${refreshToken}&client_id=${app.clientId}&client_secret=${app.clientSecret}`));
    assert.match(body.access_token, /^Atza\|[A-Za-z0-9._-]+$/);
    assert.equal(body.refresh_token, refreshToken);
    assert.equal(body.scope, undefined);
  });

  it('answers unknown client and wrong secret identically, and changes nothing', async () => {
    const before = await rekey.state();
    const unknown = await post(`grant_type=client_credentials&client_id=amzn1.application-oa2-client.00000000000000000000000000000000&client_secret=${app.clientSecret}&scope=${ROTATION_SCOPE}`);
    const wrong = await post(`grant_type=client_credentials&client_id=${app.clientId}&client_secret=amzn1.oa2-cs.v1.${'0'.repeat(64)}&scope=${ROTATION_SCOPE}`);
    const a = await expectError(unknown, 401, 'invalid_client');
    const b = await expectError(wrong, 401, 'invalid_client');
    assert.deepEqual(a, { error: 'invalid_client', error_description: 'Client authentication failed' });
    assert.deepEqual(a, b);
    assert.equal(await rekey.state(), before);
  });

  it('refuses malformed requests with the documented codes', async () => {
    const id = app.clientId;
    const secret = app.clientSecret;
    const cases = [
      [`client_id=${id}&client_secret=${secret}&scope=${ROTATION_SCOPE}`, 400, 'invalid_request'],
      [`grant_type=client_credentials&client_id=${id}&scope=${ROTATION_SCOPE}`, 400, 'invalid_request'],
      [`grant_type=client_credentials&client_id=${id}&client_secret=${secret}`, 400, 'invalid_request'],
      [`grant_type=password&client_id=${id}&client_secret=${secret}`, 400, 'unsupported_grant_type'],
      [`grant_type=client_credentials&client_id=${id}&client_secret=${secret}&scope=profile`, 400, 'invalid_scope'],
      [`grant_type=refresh_token&refresh_token=${refreshToken}&client_id=${id}&client_secret=${secret}&scope=${ROTATION_SCOPE}`, 400, 'invalid_request'],
      [`grant_type=refresh_token&refresh_token=Atzr|not-a-token&client_id=${id}&client_secret=${secret}`, 400, 'invalid_grant'],
    ];
    const before = await rekey.state();
    for (const [body, status, error] of cases) await expectError(await post(body), status, error);
    await expectError(await post('{not json', { 'content-type': 'application/json' }), 400, 'invalid_request');
    assert.equal(await rekey.state(), before);
  });
});

describe('token endpoint throttling', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--throttle-client-failures', '3', '--throttle-peer-failures', '6'] }); });
  after(() => rekey.stop());

  const attempt = (app, secret) => fetch(rekey.url + '/auth/o2/token', {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${secret}&scope=${ROTATION_SCOPE}`,
  });

  it('throttles one client after repeated failures without affecting another', async () => {
    const victim = await rekey.createApp({ enrolled: false });
    const bystander = await rekey.createApp({ enrolled: false });
    for (let i = 0; i < 3; i++) assert.equal((await attempt(victim, 'wrong')).status, 401);
    const throttled = await attempt(victim, victim.clientSecret);
    assert.equal(throttled.status, 429);
    assert.equal((await throttled.json()).error, 'slow_down');
    assert.equal((await attempt(bystander, bystander.clientSecret)).status, 200);
  });

  it('throttles a peer address after repeated failures across client ids', async () => {
    const apps = await Promise.all([1, 2, 3].map(() => rekey.createApp({ enrolled: false })));
    // 3 failures from the previous test plus 3 here reach the peer limit of 6.
    for (const app of apps) assert.equal((await attempt(app, 'wrong')).status, 401);
    const fresh = await rekey.createApp({ enrolled: false });
    const throttled = await attempt(fresh, fresh.clientSecret);
    assert.equal(throttled.status, 429);
    assert.deepEqual(Object.keys(await throttled.json()).sort(), ['error', 'error_description']);
  });
});

// Issue #14 item 4: client ids are not secret, so failures for a client from one address must
// not keep that client's right secret out from another address.
describe('token endpoint throttling per address', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--listen', '0.0.0.0'] }); });
  after(() => rekey.stop());

  // A token request from a chosen loopback source address (127.0.0.2, 127.0.0.3, …).
  const attemptFrom = (localAddress, app, secret) => new Promise((resolve, reject) => {
    const body = `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${secret}&scope=${ROTATION_SCOPE}`;
    const req = http.request({ host: '127.0.0.1', port: rekey.port, path: '/auth/o2/token', method: 'POST', localAddress,
      headers: { 'content-type': FORM, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });

  it('keeps ten failures from one address from refusing the right secret from another', async () => {
    const victim = await rekey.createApp({ enrolled: false });
    for (let i = 0; i < 10; i++) assert.equal((await attemptFrom('127.0.0.2', victim, 'wrong')).status, 401);
    const elsewhere = await attemptFrom('127.0.0.3', victim, victim.clientSecret);
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    assert.equal(elsewhere.body.token_type, 'bearer');
    // The address that failed is throttled for that client, right secret or not.
    const there = await attemptFrom('127.0.0.2', victim, victim.clientSecret);
    assert.equal(there.status, 429);
    assert.equal(there.body.error, 'slow_down');
  });
});

describe('token endpoint refusal timing', () => {
  // Every refusal of credentials waits out the same delay after the request was read, so an
  // unknown client id, a wrong secret and a bad refresh token cannot be told apart by the clock
  // (issue #14 item 8). The bound is a lower bound the server's timer guarantees, not a speed.
  const DELAY_MS = 2000;  // long enough that a grant on a loaded machine stays well under it
  let rekey;
  let app;
  before(async () => {
    rekey = await startRekey({ args: ['--throttle-failure-delay', `${DELAY_MS}ms`] });
    app = await rekey.createApp();
  });
  after(() => rekey.stop());

  const timed = async (body) => {
    const started = performance.now();
    const res = await fetch(rekey.url + '/auth/o2/token', { method: 'POST', headers: { 'content-type': FORM }, body });
    const json = await res.json();
    return { status: res.status, error: json.error, elapsed: performance.now() - started };
  };

  it('answers an unknown client id, a wrong secret and a bad refresh token no sooner than the delay', async () => {
    const unknownId = 'amzn1.application-oa2-client.00000000000000000000000000000000';
    const wrongSecret = `amzn1.oa2-cs.v1.${'0'.repeat(64)}`;
    const refusals = await Promise.all([
      timed(`grant_type=client_credentials&client_id=${unknownId}&client_secret=${app.clientSecret}&scope=${ROTATION_SCOPE}`),
      timed(`grant_type=client_credentials&client_id=${app.clientId}&client_secret=${wrongSecret}&scope=${ROTATION_SCOPE}`),
      timed(`grant_type=refresh_token&refresh_token=Atzr|not-a-token&client_id=${app.clientId}&client_secret=${app.clientSecret}`),
    ]);
    assert.deepEqual(refusals.map((r) => [r.status, r.error]),
      [[401, 'invalid_client'], [401, 'invalid_client'], [400, 'invalid_grant']]);
    for (const r of refusals) assert.ok(r.elapsed >= DELAY_MS, `answered after ${r.elapsed} ms`);
  });

  it('does not delay a grant or a malformed request', async () => {
    const grant = await timed(`grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=${ROTATION_SCOPE}`);
    assert.equal(grant.status, 200);
    assert.ok(grant.elapsed < DELAY_MS, `answered after ${grant.elapsed} ms`);
    const malformed = await timed(`client_id=${app.clientId}&client_secret=${app.clientSecret}`);
    assert.equal(malformed.error, 'invalid_request');
    assert.ok(malformed.elapsed < DELAY_MS, `answered after ${malformed.elapsed} ms`);
  });
});
