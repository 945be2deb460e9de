// SPEC §4 through the real binary: each check in its order, with exact codes, strings and
// headers, and proof that every refused call changed nothing in storage.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startRekey, errorOf, exchangeRaw, UUID, ROTATE_PATH } from './support/rekey.mjs';

const DENIED = 'Access to requested resource is denied.';

describe('rotateApplicationClientSecret', () => {
  let rekey;
  before(async () => { rekey = await startRekey(); });
  after(() => rekey.stop());

  async function expectError(res, status, code, message, details) {
    assert.equal(res.status, status);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.match(res.headers.get('x-amzn-requestid'), UUID);
    const error = await errorOf(res);
    assert.equal(error.code, code);
    if (message !== undefined) assert.equal(error.message, message);
    if (details !== undefined) assert.equal(error.details, details);
    return res;
  }

  it('rotates: 204, no body, no Content-Length, the rate applied, a request id', async () => {
    const app = await rekey.createApp();
    const res = await rekey.rotate(await rekey.token(app), { headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('content-length'), null);
    assert.equal(res.headers.get('x-amzn-ratelimit-limit'), '0.0167');
    assert.match(res.headers.get('x-amzn-requestid'), UUID);
    assert.equal(await res.text(), '');
    const shown = (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body;
    assert.deepEqual(shown.secrets.map((s) => s.state), ['current', 'old']);
    assert.equal(shown.deliveries.length, 1);
    // The relay may already have delivered it (delivery.test.mjs covers what arrives).
    assert.ok(['pending', 'delivered'].includes(shown.deliveries[0].state));
    assert.equal(shown.deliveries[0].notificationType, 'APPLICATION_OAUTH_CLIENT_NEW_SECRET');
    // The old secret keeps working through its grace period; the secret never appears.
    assert.ok(await rekey.token(app));
    assert.ok(!JSON.stringify(shown).includes(app.clientSecret));
  });

  it('answers 429 QuotaExceeded with Retry-After on a second call, and changes nothing', async () => {
    const app = await rekey.createApp();
    const token = await rekey.token(app);
    assert.equal((await rekey.rotate(token)).status, 204);
    const before = await rekey.state();
    const res = await rekey.rotate(token);
    await expectError(res, 429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', '');
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter >= 59 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(res.headers.get('x-amzn-ratelimit-limit'), null);
    assert.equal(await rekey.state(), before);
  });

  it('answers 400 InvalidInput when not enrolled, with the rate header, and changes nothing', async () => {
    const app = await rekey.createApp({ enrolled: false });
    const token = await rekey.token(app);
    const before = await rekey.state();
    const res = await rekey.rotate(token);
    await expectError(res, 400, 'InvalidInput',
      'Application is not enrolled for rotation notification. Please update application notification preference in Developer console.');
    assert.equal(res.headers.get('x-amzn-ratelimit-limit'), '0.0167');
    assert.equal(await rekey.state(), before);
    // A refused call does not spend the rate limit: once enrolled, the next call rotates.
    const dest = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`, { queue: 'late' });
    await rekey.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/APPLICATION_OAUTH_CLIENT_NEW_SECRET`,
      { destinationId: dest.body.destinationId });
    assert.equal((await rekey.rotate(token)).status, 204);
  });

  it('answers 403 Unauthorized with the exact details for each token problem', async () => {
    const app = await rekey.createApp();
    const token = await rekey.token(app);
    const refresh = (await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/refresh-tokens`)).body.refreshToken;
    // A token without the rotation scope: the refresh-token grant's. Tokens are minted first —
    // minting counts as a use of the secret — so only the refused rotate calls fall in between.
    const grant = await (await fetch(rekey.url + '/auth/o2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${refresh}&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
    })).json();
    const notifications = await rekey.token(app, { scope: 'sellingpartnerapi::notifications' });
    const before = await rekey.state();
    await expectError(await rekey.rotate(undefined), 403, 'Unauthorized', DENIED, 'Access token is missing in the request header.');
    const invalid = 'The access token you provided is revoked, malformed or invalid.';
    await expectError(await rekey.rotate('garbage'), 403, 'Unauthorized', DENIED, invalid);
    await expectError(await rekey.rotate(token.slice(0, -3) + 'AAA'), 403, 'Unauthorized', DENIED, invalid);
    await expectError(await rekey.rotate('Atc|' + token.slice(4).split('.').reverse().join('.')), 403, 'Unauthorized', DENIED, invalid);
    await expectError(await rekey.rotate(grant.access_token), 403, 'Unauthorized', DENIED, '');
    await expectError(await rekey.rotate(notifications), 403, 'Unauthorized', DENIED, '');
    assert.equal(await rekey.state(), before);
  });

  it('answers 415 for a non-JSON body before looking at the token, and changes nothing', async () => {
    const before = await rekey.state();
    for (const body of ['not json', '<xml/>', '{"a":']) {
      await expectError(await rekey.rotate(undefined, { body, headers: { 'content-type': 'application/json' } }),
        415, 'InvalidRequest', 'The request payload is in an unsupported format.');
    }
    assert.equal(await rekey.state(), before);
  });

  it('accepts no body, an empty body, {} and whitespace whatever the Content-Type', async () => {
    const variants = [
      { headers: { 'content-type': 'application/json' }, body: '' },
      { headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{}' },
      { headers: {}, body: undefined },
      { headers: {}, body: ' \n' },
    ];
    for (const v of variants) {
      // One application each: after two rotations the first secret is retired (max_valid_secrets = 2).
      const app = await rekey.createApp({ rotateRate: 100, rotateBurst: 100 });
      const res = await rekey.rotate(await rekey.token(app), v);
      assert.equal(res.status, 204, JSON.stringify(v));
      assert.equal(res.headers.get('x-amzn-ratelimit-limit'), '100');
    }
  });

  it('ignores SigV4 headers and routes by path whatever the Host', async () => {
    const app = await rekey.createApp();
    const token = await rekey.token(app);
    const res = await new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: rekey.port, method: 'POST', path: ROTATE_PATH,
        headers: {
          host: 'sellingpartnerapi-na.amazon.com',
          'x-amz-access-token': token,
          'x-amz-date': '20261126T132113Z',
          'x-amz-security-token': 'FwoGZXIvYXdzEJr//////////wEaDDummy',
          authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000',
          'content-length': '0',
        },
      }, resolve);
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.statusCode, 204);
    res.resume();
  });

  it('checks format, then authentication, then the rate limit, then enrollment', async () => {
    // An enrolled application whose bucket is empty.
    const drained = await rekey.createApp();
    const drainedToken = await rekey.token(drained);
    assert.equal((await rekey.rotate(drainedToken)).status, 204);
    await expectError(await rekey.rotate(drainedToken, { body: 'x' }), 415, 'InvalidRequest');
    const scopeless = await rekey.token(drained, { scope: 'sellingpartnerapi::notifications' });
    await expectError(await rekey.rotate(scopeless), 403, 'Unauthorized', DENIED, '');
    await expectError(await rekey.rotate(drainedToken), 429, 'QuotaExceeded');
    // A not-enrolled application whose stored bucket is empty: the rate limit answers first.
    const lonely = await rekey.createApp({ enrolled: false });
    const lonelyToken = await rekey.token(lonely);
    // The server's relay pass may hold the write lock for a moment: wait for it as rekey would.
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(rekey.dataDir, 'rekey.db'),
      `INSERT INTO rate_buckets VALUES ('${lonely.applicationId}', 'rotateApplicationClientSecret', 0, ${Date.now()})`]);
    await expectError(await rekey.rotate(lonelyToken), 429, 'QuotaExceeded');
  });

  it('answers 404 NotFound without the rate header for unknown paths and methods', async () => {
    for (const [method, path] of [['GET', ROTATE_PATH], ['PUT', ROTATE_PATH], ['POST', '/applications/2023-11-30/clientSecrets'], ['GET', '/']]) {
      const res = await fetch(rekey.url + path, { method });
      await expectError(res, 404, 'NotFound', "The requested resource doesn't exist.", '');
      assert.equal(res.headers.get('x-amzn-ratelimit-limit'), null);
    }
  });

  it('answers 413 for a body over the limit without reading it', async () => {
    // Declare 10 MB, send only the headers: the answer must come without the body.
    const reply = await exchangeRaw(rekey.port,
      `POST ${ROTATE_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n{`);
    assert.match(reply, /^HTTP\/1\.1 413 /);
    assert.match(reply, /x-amzn-RequestId: [0-9a-f-]{36}/);
    assert.match(reply, /"code":"InvalidRequest"/);
    // And a real oversized body through fetch.
    const res = await rekey.rotate('x', { body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
    await expectError(res, 413, 'InvalidRequest', 'The request size exceeded the maximum accepted size.');
  });
});

describe('rotate with expiring tokens and secrets', () => {
  let rekey;
  before(async () => {
    rekey = await startRekey({ args: ['--access-token-lifetime', '1s', '--secret-lifetime', '2s'] });
  });
  after(() => rekey.stop());

  it('refuses an expired access token, then a token minted with an expired secret', async () => {
    const app = await rekey.createApp();
    const token = await rekey.token(app);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await rekey.rotate(token);
    assert.equal(expired.status, 403);
    assert.equal((await errorOf(expired)).details, 'The access token you provided has expired.');
    await new Promise((r) => setTimeout(r, 1000));
    // The secret is now past its expiry: it still mints a token (SP-API behaviour)…
    const late = await rekey.token(app);
    const before = await rekey.state();
    // …and that token is refused by the rotate call.
    const res = await rekey.rotate(late);
    assert.equal(res.status, 403);
    const error = await errorOf(res);
    assert.equal(error.code, 'Unauthorized');
    assert.equal(error.details, 'The LWA secret token you provided has expired.');
    assert.equal(await rekey.state(), before);
  });
});
