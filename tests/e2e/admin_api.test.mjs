// The admin API refuses bad input with 400 InvalidInput and a message an operator can act on,
// and a refused call changes nothing (issue #14 item 7).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startRekey } from './support/rekey.mjs';

describe('admin API input', () => {
  let rekey;
  let app;
  before(async () => {
    rekey = await startRekey({ args: ['--dev'] });
    app = await rekey.createApp({ name: 'target' });
  });
  after(() => rekey.stop());

  async function refused(method, route, body, detail) {
    const before = await rekey.state();
    const res = await fetch(rekey.url + route, {
      method,
      headers: { authorization: `Bearer ${rekey.adminToken}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 400, `${route} ${JSON.stringify(body)}: ${text}`);
    const error = JSON.parse(text).errors[0];
    assert.equal(error.code, 'InvalidInput');
    if (detail) assert.match(error.details, detail, `${JSON.stringify(body)}`);
    assert.equal(await rekey.state(), before, `${route} ${JSON.stringify(body)} changed storage`);
  }

  it('refuses a usage plan that is not a positive rate or a whole burst', async () => {
    for (const rotateBurst of [0, -1, 1.5, 4294967297, '1', true]) {
      await refused('POST', '/admin/v1/applications', { name: 'x', rotateBurst }, /^rotateBurst must be an integer from 1 to 1000000\.$/);
    }
    for (const rotateRate of ['5', 0, -0.5, 1e7, {}]) {
      await refused('POST', '/admin/v1/applications', { name: 'x', rotateRate }, /^rotateRate must be a number greater than 0/);
    }
  });

  it('refuses names that are missing, empty, too long, not strings or hold control characters', async () => {
    for (const name of [undefined, '', 'x'.repeat(201), 5, ['a'], 'tab\there']) {
      await refused('POST', '/admin/v1/applications', { name }, /^name (is required|must be a string of 1 to 200 characters)\.$/);
    }
  });

  it('refuses fields the request does not take, on every route with a body', async () => {
    const base = `/admin/v1/applications/${app.applicationId}`;
    await refused('POST', '/admin/v1/applications', { name: 'x', rotateBursts: 2 }, /^rotateBursts is not a field of this request\.$/);
    await refused('POST', `${base}/destinations`, { kind: 'embedded', queue: 'q', url: 'http://x' }, /^url is not a field/);
    await refused('POST', `${base}/destinations`, { kind: 5 }, /^kind must be/);
    await refused('PUT', `${base}/subscriptions/APPLICATION_OAUTH_CLIENT_NEW_SECRET`, { destinationId: 'd', extra: 1 }, /^extra is not a field/);
    await refused('POST', `${base}/refresh-tokens`, { app: 1 }, /^app is not a field/);
    await refused('POST', '/admin/v1/access-keys', { account: 123456789012 }, /^account must be a string/);
    await refused('POST', `${base}/destinations`, { kind: 'webhook', url: 'u'.repeat(2049) }, /^url must be a string of 1 to 2048/);
  });

  it('refuses a dev clock advance that would run past the year 9999', async () => {
    await refused('POST', '/admin/v1/dev/clock', { advance: '106751991167d' }, /past the year 9999/);
    await refused('POST', '/admin/v1/dev/clock', { advance: '3000000d' }, /past the year 9999/);
    await refused('POST', '/admin/v1/dev/clock', { advance: '-1d' }, /positive duration/);
    const clock = await rekey.admin('GET', '/admin/v1/dev/clock');
    assert.equal(clock.body.offsetMs, 0);
  });

  it("accepts the bearer scheme in any case (RFC 9110)", async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const res = await fetch(rekey.url + '/admin/v1/applications', { headers: { authorization: `${scheme} ${rekey.adminToken}` } });
      assert.equal(res.status, 200, scheme);
    }
    const wrong = await fetch(rekey.url + '/admin/v1/applications', { headers: { authorization: `Basic ${rekey.adminToken}` } });
    assert.equal(wrong.status, 401);
  });
});

// Issue #14 item 5: wrong admin tokens are throttled per address and logged, without flooding
// the log and without refusing the right token from another address.
describe('admin API authentication failures', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--listen', '0.0.0.0', '--throttle-client-failures', '5'] }); });
  after(() => rekey.stop());

  const listFrom = (localAddress, token) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: rekey.port, path: '/admin/v1/applications', localAddress,
      headers: { authorization: `Bearer ${token}` } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end();
  });

  it('throttles an address after repeated wrong tokens, logs it once, and lets other addresses in', async () => {
    for (let i = 0; i < 5; i++) assert.equal(await listFrom('127.0.0.2', 'guess-4711'), 401);
    for (let i = 0; i < 50; i++) assert.equal(await listFrom('127.0.0.2', 'guess-4711'), 429);
    assert.equal(await listFrom('127.0.0.2', rekey.adminToken), 429);
    assert.equal(await listFrom('127.0.0.3', rekey.adminToken), 200);
    const logged = rekey.stderr().split('\n').filter((l) => l.includes('refused a wrong or missing admin token'));
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0], /from 127\.0\.0\.2/);
    assert.ok(!rekey.stderr().includes('guess-4711'), 'the presented token is not logged');
  });
});
