// Issue #19 through the real binary: platform teams' own APIs accept rekey's tokens. An
// unmodified JOSE library (npm `jose`) verifies JWT access tokens (RFC 9068) against the JWKS
// rekey publishes, and rejects them once expired or with a byte changed; across a signing-key
// rotation old tokens verify until they expire and new ones carry the new key; RFC 8414
// metadata points at the right URLs; custom scopes are granted or refused with invalid_scope;
// RFC 7662 introspection with a plain HTTP client answers {"active":false} — nothing else — for
// every inactive case, and refuses bad resource-server credentials alike whatever the token.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import { spawnSync } from 'node:child_process';
import { BIN, startRekey, cli, exchangeRaw, ROTATION_SCOPE, NEW_SECRET, UUID } from './support/rekey.mjs';

const FORM = 'application/x-www-form-urlencoded';
const ORDERS = 'https://orders.example.com';
const BILLING = 'https://billing.example.com';
const NOTIFICATIONS_SCOPE = 'sellingpartnerapi::notifications';
const RS_ID = /^rs-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RS_SECRET = /^rkrs\.v1\.[0-9a-f]{64}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const INACTIVE = { active: false };
const CLAIMS = ['aud', 'client_id', 'exp', 'gty', 'iat', 'iss', 'jti', 'nbf', 'scope', 'secret_id', 'sub'];
const ACTIVE_FIELDS = ['active', 'aud', 'client_id', 'exp', 'iat', 'scope', 'sub', 'token_type'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// An application with token settings (only the fields given are sent); enrolled ones get an
// embedded queue subscribed to new secrets, as support/rekey.mjs's createApp does.
async function createApp(rekey, { tokenFormat, scopes, audience, enrolled = false, rotateBurst, name = 'rs-e2e' } = {}) {
  const created = await rekey.admin('POST', '/admin/v1/applications', { name, rotateBurst, tokenFormat, scopes, audience });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const app = created.body;
  if (enrolled) {
    const dest = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`,
      { kind: 'embedded', queue: 'q-' + app.applicationId.slice(-12) });
    const sub = await rekey.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/${NEW_SECRET}`,
      { destinationId: dest.body.destinationId });
    assert.equal(sub.status, 200, JSON.stringify(sub.body));
  }
  return app;
}

// A client_credentials request, percent-encoded; its status and body.
async function grant(rekey, app, { scope = ROTATION_SCOPE, secret = app.clientSecret } = {}) {
  const res = await fetch(rekey.url + '/auth/o2/token', {
    method: 'POST', headers: { 'content-type': FORM },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: secret, scope }).toString(),
  });
  return { status: res.status, body: await res.json() };
}

async function tokenOf(rekey, app, scope = ROTATION_SCOPE) {
  const g = await grant(rekey, app, { scope });
  assert.equal(g.status, 200, JSON.stringify(g.body));
  return g.body.access_token;
}

async function createResourceServer(rekey, name, audience) {
  const r = await rekey.admin('POST', '/admin/v1/resource-servers', audience === undefined ? { name } : { name, audience });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

// One introspection call with a plain fetch. rs: {resourceServerId, clientSecret} or null (no
// credentials); how: 'basic' (Authorization header) or 'form' (client_id + client_secret).
// Every answer carries Cache-Control: no-store.
async function introspect(rekey, rs, token, { how = 'basic', fields = {}, body, headers = {} } = {}) {
  const h = { 'content-type': FORM, ...headers };
  const form = new URLSearchParams();
  if (token !== undefined) form.set('token', token);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (rs && how === 'basic') {
    h.authorization = 'Basic ' + Buffer.from(`${encodeURIComponent(rs.resourceServerId)}:${encodeURIComponent(rs.clientSecret)}`).toString('base64');
  } else if (rs) {
    form.set('client_id', rs.resourceServerId);
    form.set('client_secret', rs.clientSecret);
  }
  const res = await fetch(rekey.url + '/auth/o2/introspect', { method: 'POST', headers: h, body: body ?? form.toString() });
  const text = await res.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  assert.equal(res.headers.get('cache-control'), 'no-store', `Cache-Control of ${res.status} ${text}`);
  return { status: res.status, body: parsed, wwwAuthenticate: res.headers.get('www-authenticate'), contentType: res.headers.get('content-type') };
}

async function activeAnswer(rekey, rs, token, options) {
  const r = await introspect(rekey, rs, token, options);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.match(r.contentType ?? '', /^application\/json/);
  assert.equal(r.body.active, true, `active: ${JSON.stringify(r.body)}`);
  assert.deepEqual(Object.keys(r.body).sort(), ACTIVE_FIELDS);
  return r.body;
}

async function assertInactive(rekey, rs, token, what, options) {
  const r = await introspect(rekey, rs, token, options);
  assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.body)}`);
  assert.deepEqual(r.body, INACTIVE, what);
}

const jwksOf = (rekey) => jose.createRemoteJWKSet(new URL(rekey.url + '/.well-known/jwks.json'));
// Verifies against a freshly fetched JWKS unless given one.
const verify = (rekey, token, { issuer = rekey.url, audience, keys = jwksOf(rekey) } = {}) =>
  jose.jwtVerify(token, keys, { issuer, audience, typ: 'at+jwt' });
const kidOf = (token) => jose.decodeProtectedHeader(token).kid;

async function fetchJwks(rekey) {
  const res = await fetch(rekey.url + '/.well-known/jwks.json');
  assert.equal(res.status, 200);
  return { cacheControl: res.headers.get('cache-control'), keys: (await res.json()).keys };
}

async function jwtKeys(rekey) {
  const r = await rekey.admin('GET', '/admin/v1/jwt-keys');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.keys;
}

// The same JWT with one base64url character of part `part` (1 payload, 2 signature) changed,
// chosen in the middle so that every bit of it is significant.
function tamperEncoded(token, part) {
  const parts = token.split('.');
  const s = parts[part];
  const i = Math.floor(s.length / 2);
  parts[part] = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  return parts.join('.');
}

// The same JWT with one byte of its decoded payload changed (a hex digit of the jti), re-encoded.
function tamperPayloadByte(token) {
  const parts = token.split('.');
  const payload = Buffer.from(parts[1], 'base64url');
  const at = payload.indexOf('"jti":"') + 7;
  payload[at] = payload[at] === 0x30 ? 0x31 : 0x30;
  parts[1] = payload.toString('base64url');
  return parts.join('.');
}

function expectedMetadata(issuer) {
  return {
    issuer,
    token_endpoint: `${issuer}/auth/o2/token`,
    introspection_endpoint: `${issuer}/auth/o2/introspect`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
    scopes_supported: ['sellingpartnerapi::client_credential:rotation', 'sellingpartnerapi::notifications'],
  };
}

function maxAge(cacheControl) {
  const m = /^public, max-age=(\d+)$/.exec(cacheControl ?? '');
  assert.ok(m, `Cache-Control: ${cacheControl}`);
  return Number(m[1]);
}

describe('JWT access tokens, JWKS and metadata', () => {
  let rekey;
  let jwtApp;    // tokenFormat jwt, custom scopes, an audience; enrolled
  let plainJwt;  // tokenFormat jwt, no audience
  let spApp;     // today's opaque SP-API application; enrolled
  before(async () => {
    rekey = await startRekey();
    jwtApp = await createApp(rekey, { tokenFormat: 'jwt', scopes: ['orders:read', 'orders:write'], audience: ORDERS, enrolled: true, rotateBurst: 5 });
    plainJwt = await createApp(rekey, { tokenFormat: 'jwt' });
    spApp = await rekey.createApp();
  });
  after(() => rekey.stop());

  it('serves RFC 8414 metadata whose URLs are its own, and a JWKS at jwks_uri', async () => {
    const res = await fetch(rekey.url + '/.well-known/oauth-authorization-server');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const metadata = await res.json();
    assert.deepEqual(metadata, expectedMetadata(rekey.url));
    const jwks = await fetch(metadata.jwks_uri);
    assert.equal(jwks.status, 200);
    assert.ok(maxAge(jwks.headers.get('cache-control')) <= 300);  // default lead 15m
    assert.deepEqual((await jwks.json()).keys, (await fetchJwks(rekey)).keys);
  });

  it('publishes Ed25519 signature keys whose kid is the RFC 7638 thumbprint, the keys the admin API lists', async () => {
    const { keys } = await fetchJwks(rekey);
    assert.equal(keys.length, 1, 'one key on first start');
    for (const key of keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      assert.equal(key.kty, 'OKP');
      assert.equal(key.crv, 'Ed25519');
      assert.equal(key.alg, 'EdDSA');
      assert.equal(key.use, 'sig');
      assert.equal(Buffer.from(key.x, 'base64url').length, 32);
      assert.equal(key.kid, await jose.calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x }));
    }
    const listed = await jwtKeys(rekey);
    assert.deepEqual(listed.map((k) => k.kid), keys.map((k) => k.kid));
    assert.equal(listed[0].algorithm, 'EdDSA');
    assert.equal(listed[0].state, 'active');
    assert.equal(listed[0].publishedUntil, null);
    assert.match(listed[0].createdAt, ISO);
    assert.match(listed[0].signsFrom, ISO);
  });

  it('issues a JWT with a custom scope that jose verifies against the JWKS, with the claims of RFC 9068', async () => {
    const g = await grant(rekey, jwtApp, { scope: 'orders:read' });
    assert.equal(g.status, 200, JSON.stringify(g.body));
    assert.equal(g.body.scope, 'orders:read');
    assert.equal(g.body.token_type, 'bearer');
    assert.equal(g.body.expires_in, 3600);
    const token = g.body.access_token;
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    const { payload, protectedHeader } = await verify(rekey, token, { audience: ORDERS });
    const [key] = (await fetchJwks(rekey)).keys;
    assert.deepEqual(protectedHeader, { alg: 'EdDSA', typ: 'at+jwt', kid: key.kid });
    assert.deepEqual(Object.keys(payload).sort(), CLAIMS);
    assert.equal(payload.iss, rekey.url);
    assert.equal(payload.sub, jwtApp.applicationId);
    assert.equal(payload.aud, ORDERS);
    assert.equal(payload.client_id, jwtApp.clientId);
    assert.equal(payload.scope, 'orders:read');
    assert.equal(payload.gty, 'client_credentials');
    assert.equal(payload.secret_id, jwtApp.secret.secretId);
    assert.match(payload.jti, UUID);
    assert.ok(Number.isInteger(payload.iat) && Number.isInteger(payload.exp));
    assert.equal(payload.exp - payload.iat, 3600, 'exp − iat is the token lifetime');
    assert.equal(payload.nbf, payload.iat);
    // The wrong audience is refused by the library too.
    await assert.rejects(verify(rekey, token, { audience: BILLING }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });

    const again = (await verify(rekey, await tokenOf(rekey, jwtApp, 'orders:read orders:write'), { audience: ORDERS })).payload;
    assert.equal(again.scope, 'orders:read orders:write');
    assert.notEqual(again.jti, payload.jti);
  });

  it('uses the issuer as the audience of an application that has none', async () => {
    const { payload } = await verify(rekey, await tokenOf(rekey, plainJwt), { audience: rekey.url });
    assert.equal(payload.aud, rekey.url);
    assert.equal(payload.scope, ROTATION_SCOPE);
    assert.equal(payload.sub, plainJwt.applicationId);
  });

  it('issues a JWT on the refresh_token grant too', async () => {
    const refresh = await rekey.admin('POST', `/admin/v1/applications/${jwtApp.applicationId}/refresh-tokens`);
    assert.equal(refresh.status, 201, JSON.stringify(refresh.body));
    const res = await fetch(rekey.url + '/auth/o2/token', {
      method: 'POST', headers: { 'content-type': FORM },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh.body.refreshToken,
        client_id: jwtApp.clientId, client_secret: jwtApp.clientSecret }).toString(),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    // No custom scope: a token for rekey itself, its audience the issuer.
    const { payload } = await verify(rekey, body.access_token, { audience: rekey.url });
    assert.equal(payload.gty, 'refresh_token');
    assert.equal(payload.sub, jwtApp.applicationId);
  });

  it('rejects a JWT with one byte changed in its payload or its signature', async () => {
    const token = await tokenOf(rekey, jwtApp, 'orders:read');
    await verify(rekey, token, { audience: ORDERS });
    const keys = jwksOf(rekey);
    for (const [what, tampered] of [['payload byte', tamperPayloadByte(token)], ['payload character', tamperEncoded(token, 1)],
      ['signature character', tamperEncoded(token, 2)]]) {
      assert.notEqual(tampered, token);
      await assert.rejects(verify(rekey, tampered, { audience: ORDERS, keys }), (e) => e instanceof jose.errors.JOSEError, what);
    }
    await assert.rejects(verify(rekey, tamperPayloadByte(token), { audience: ORDERS, keys }), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    await assert.rejects(verify(rekey, tamperEncoded(token, 2), { audience: ORDERS, keys }), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('accepts a JWT on the rotate call, while opaque applications keep Atc| tokens', async () => {
    const jwt = await tokenOf(rekey, jwtApp);
    // SP-API scopes: for rekey itself (its audience the issuer), not for the application's API.
    assert.equal((await verify(rekey, jwt, { audience: rekey.url })).payload.scope, ROTATION_SCOPE);
    await assert.rejects(verify(rekey, jwt, { audience: ORDERS }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    const rotated = await rekey.rotate(jwt);
    assert.equal(rotated.status, 204, await rotated.text());
    const scopeless = await rekey.rotate(await tokenOf(rekey, jwtApp, 'orders:read'));
    assert.equal(scopeless.status, 403, 'a JWT without the rotation scope');

    const opaque = await grant(rekey, spApp);
    assert.equal(opaque.status, 200);
    assert.match(opaque.body.access_token, /^Atc\|[A-Za-z0-9._-]+$/);
    assert.equal((await rekey.rotate(opaque.body.access_token)).status, 204);
  });

  it('grants the custom scopes an application has and refuses others with invalid_scope', async () => {
    for (const scope of ['orders:read', 'orders:write', 'orders:read orders:write', 'orders:write orders:read']) {
      const g = await grant(rekey, jwtApp, { scope });
      assert.equal(g.status, 200, `${scope}: ${JSON.stringify(g.body)}`);
      const set = (text) => text.split(' ').sort();  // a scope is a set (RFC 6749 §3.3): any order
      assert.deepEqual(set(g.body.scope), set(scope));
    }
    const before = await rekey.state();
    // Not granted, unknown, or SP-API and custom scopes in one request (one token, one audience).
    for (const [app, scope] of [[jwtApp, 'orders:delete'], [jwtApp, 'orders:read inventory:read'], [spApp, 'orders:read'],
      [plainJwt, 'orders:read'], [jwtApp, 'sellingpartnerapi::orders'], [jwtApp, `orders:read ${NOTIFICATIONS_SCOPE}`],
      [jwtApp, `${ROTATION_SCOPE} orders:read`]]) {
      const g = await grant(rekey, app, { scope });
      assert.equal(g.status, 400, `${scope}: ${JSON.stringify(g.body)}`);
      assert.equal(g.body.error, 'invalid_scope', scope);
    }
    // Client authentication comes first: a wrong secret with an unknown scope is invalid_client.
    const wrong = await grant(rekey, jwtApp, { scope: 'orders:delete', secret: `amzn1.oa2-cs.v1.${'0'.repeat(64)}` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.equal(await rekey.state(), before);
  });

  it('refuses reserved, malformed and too many custom scopes in the admin API, changing nothing', async () => {
    const target = await createApp(rekey, { name: 'scope-target' });
    const before = await rekey.state();
    const badScopes = [['sellingpartnerapi::orders'], [ROTATION_SCOPE], [NOTIFICATIONS_SCOPE], ['has space'], ['a"b'], ['a\\b'],
      [''], ['x'.repeat(129)], ['orders:read', 'orders:read'], Array.from({ length: 21 }, (_, i) => `s${i}`), ['é']];
    for (const scopes of badScopes) {
      const created = await rekey.admin('POST', '/admin/v1/applications', { name: 'bad-scopes', tokenFormat: 'jwt', scopes });
      assert.equal(created.status, 400, `create with ${JSON.stringify(scopes)}: ${JSON.stringify(created.body)}`);
      assert.equal(created.body.errors[0].code, 'InvalidInput');
      const set = await rekey.admin('PUT', `/admin/v1/applications/${target.applicationId}/token-settings`,
        { tokenFormat: 'jwt', scopes, audience: null });
      assert.equal(set.status, 400, `token-settings with ${JSON.stringify(scopes)}: ${JSON.stringify(set.body)}`);
      assert.equal(set.body.errors[0].code, 'InvalidInput');
    }
    for (const body of [{ tokenFormat: 'paseto', scopes: [], audience: null }, { tokenFormat: 'jwt', scopes: [] },
      { scopes: [], audience: null }, { tokenFormat: 'jwt', audience: null }, { tokenFormat: 'jwt', scopes: [], audience: 'x'.repeat(501) }]) {
      const set = await rekey.admin('PUT', `/admin/v1/applications/${target.applicationId}/token-settings`, body);
      assert.equal(set.status, 400, `token-settings ${JSON.stringify(body)}: ${JSON.stringify(set.body)}`);
    }
    // The largest allowed set is accepted (20 scopes of 128 characters from the whole alphabet).
    const edge = ['!#[]~' + 'a'.repeat(123), ...Array.from({ length: 19 }, (_, i) => `${i}`.padEnd(128, 'z'))];
    assert.equal(await rekey.state(), before);
    const ok = await rekey.admin('PUT', `/admin/v1/applications/${target.applicationId}/token-settings`,
      { tokenFormat: 'opaque', scopes: edge, audience: null });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('sets token settings with PUT, shows them on the application, and tokens follow them', async () => {
    const app = await createApp(rekey, { name: 'settings' });
    let shown = await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`);
    assert.deepEqual(shown.body.tokenSettings, { tokenFormat: 'opaque', scopes: [], audience: null });
    assert.match(await tokenOf(rekey, app), /^Atc\|/);

    const settings = { tokenFormat: 'jwt', scopes: ['orders:read', 'orders:write'], audience: ORDERS };
    const set = await rekey.admin('PUT', `/admin/v1/applications/${app.applicationId}/token-settings`, settings);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body, { applicationId: app.applicationId, ...settings });
    shown = await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`);
    assert.deepEqual(shown.body.tokenSettings, settings);
    const listed = (await rekey.admin('GET', '/admin/v1/applications')).body.applications.find((a) => a.applicationId === app.applicationId);
    assert.deepEqual(listed.tokenSettings, settings);
    assert.equal((await verify(rekey, await tokenOf(rekey, app, 'orders:write'), { audience: ORDERS })).payload.scope, 'orders:write');

    const back = await rekey.admin('PUT', `/admin/v1/applications/${app.applicationId}/token-settings`, { tokenFormat: 'opaque', scopes: [], audience: null });
    assert.equal(back.status, 200);
    assert.match(await tokenOf(rekey, app), /^Atc\|/);
    assert.equal((await grant(rekey, app, { scope: 'orders:write' })).body.error, 'invalid_scope');
    const unknown = await rekey.admin('PUT', '/admin/v1/applications/amzn1.sp.solution.nope/token-settings', settings);
    assert.equal(unknown.status, 404);
  });

  it('shows the created settings on a new application', async () => {
    const shown = await rekey.admin('GET', `/admin/v1/applications/${jwtApp.applicationId}`);
    assert.deepEqual(shown.body.tokenSettings, { tokenFormat: 'jwt', scopes: ['orders:read', 'orders:write'], audience: ORDERS });
  });
});

describe('JWT expiry and a configured issuer', () => {
  const ISSUER = 'https://auth.rekey.example';
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--access-token-lifetime', '3s', '--issuer', ISSUER] }); });
  after(() => rekey.stop());

  it('serves metadata and signs tokens under --issuer', async () => {
    const metadata = await (await fetch(rekey.url + '/.well-known/oauth-authorization-server')).json();
    assert.deepEqual(metadata, expectedMetadata(ISSUER));
    const app = await createApp(rekey, { tokenFormat: 'jwt' });
    const { payload } = await verify(rekey, await tokenOf(rekey, app), { issuer: ISSUER, audience: ISSUER });
    assert.equal(payload.exp - payload.iat, 3);
  });

  it('verifies a JWT until its expiry and rejects it after, as introspection does', async () => {
    const app = await createApp(rekey, { tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS });
    const rs = await createResourceServer(rekey, 'orders-api', ORDERS);
    const token = await tokenOf(rekey, app, 'orders:read');
    await verify(rekey, token, { issuer: ISSUER, audience: ORDERS });
    assert.equal((await activeAnswer(rekey, rs, token)).aud, ORDERS);
    let outcome;
    for (let i = 0; i < 80; i++) {  // the 3 s lifetime, and room for a slow machine
      outcome = await verify(rekey, token, { issuer: ISSUER, audience: ORDERS }).then(() => 'verified', (e) => e.code);
      if (outcome !== 'verified') break;
      await sleep(250);
    }
    assert.equal(outcome, 'ERR_JWT_EXPIRED');
    let answer;
    for (let i = 0; i < 20; i++) {
      answer = (await introspect(rekey, rs, token)).body;
      if (answer.active === false) break;
      await sleep(250);
    }
    assert.deepEqual(answer, INACTIVE);
  });
});

describe('the issuer setting', () => {
  const check = (issuer) => spawnSync(BIN, ['config', 'check', '--issuer', issuer], { encoding: 'utf8' });

  it('takes an http(s) URL, without the trailing slash its endpoints would double', () => {
    const r = check('https://auth.example.com/');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^issuer = https:\/\/auth\.example\.com$/m);
  });

  it('refuses anything else, naming what it must be', () => {
    for (const bad of ['ftp://auth.example.com', 'auth.example.com', 'https://auth.example.com/?tenant=1',
      'https://auth.example.com/#x']) {
      const r = check(bad);
      assert.notEqual(r.status, 0, bad);
      assert.match(r.stderr, /--issuer must be an http\(s\) URL/, bad);
    }
  });
});

describe('signing-key rotation', () => {
  let rekey;
  let app;
  before(async () => {
    rekey = await startRekey({ args: ['--jwt-key-lead', '2s', '--access-token-lifetime', '6s'] });
    app = await createApp(rekey, { tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS });
  });
  after(() => rekey.stop());

  it('publishes a new key before it signs and keeps the old one until its last token has expired', async () => {
    const kidsIn = async () => (await fetchJwks(rekey)).keys.map((k) => k.kid);
    const [first] = await jwtKeys(rekey);
    assert.equal(first.state, 'active');
    const tokenA = await tokenOf(rekey, app, 'orders:read');
    assert.equal(kidOf(tokenA), first.kid);
    await verify(rekey, tokenA, { audience: ORDERS });

    const rotated = await rekey.admin('POST', '/admin/v1/jwt-keys/rotate');
    assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
    const next = rotated.body;
    assert.equal(next.state, 'next');
    assert.equal(next.algorithm, 'EdDSA');
    assert.notEqual(next.kid, first.kid);
    // Right after the rotation: both keys published, tokens still signed with the old one.
    const tokenB = await tokenOf(rekey, app, 'orders:read');
    const published = await fetchJwks(rekey);
    assert.deepEqual(published.keys.map((k) => k.kid).sort(), [first.kid, next.kid].sort());
    assert.ok(maxAge(published.cacheControl) <= 1, `max-age at most half the 2 s lead: ${published.cacheControl}`);
    assert.equal((await jwtKeys(rekey)).find((k) => k.kid === next.kid).state, 'next', 'still next after minting token B');
    assert.equal(kidOf(tokenB), first.kid);
    await verify(rekey, tokenB, { audience: ORDERS });

    let keys;
    for (let i = 0; i < 100; i++) {  // the 2 s lead
      keys = await jwtKeys(rekey);
      if (keys.find((k) => k.kid === next.kid).state === 'active') break;
      await sleep(100);
    }
    assert.equal(keys.find((k) => k.kid === next.kid).state, 'active', 'the new key became active');
    const retiring = keys.find((k) => k.kid === first.kid);
    assert.equal(retiring.state, 'retiring');
    assert.match(retiring.publishedUntil, ISO);

    const tokenC = await tokenOf(rekey, app, 'orders:read');
    assert.equal(kidOf(tokenC), next.kid);
    await verify(rekey, tokenC, { audience: ORDERS });
    assert.deepEqual((await kidsIn()).sort(), [first.kid, next.kid].sort());

    // Token A verifies against a freshly fetched JWKS until it expires — the key never goes first.
    let outcome;
    for (let i = 0; i < 120; i++) {
      outcome = await verify(rekey, tokenA, { audience: ORDERS }).then(() => 'verified', (e) => e.code);
      if (outcome !== 'verified') break;
      await sleep(250);
    }
    assert.equal(outcome, 'ERR_JWT_EXPIRED', 'token A verified until its expiry');

    // Once the old key's publishedUntil has passed it is gone from the JWKS; the new key stays.
    const until = Date.parse(retiring.publishedUntil);
    for (let i = 0; i < 200 && Date.now() <= until; i++) await sleep(100);
    assert.ok(Date.now() > until, 'publishedUntil passed');
    let kids;
    for (let i = 0; i < 20; i++) {
      kids = await kidsIn();
      if (!kids.includes(first.kid)) break;
      await sleep(100);
    }
    assert.deepEqual(kids, [next.kid]);
    await verify(rekey, await tokenOf(rekey, app, 'orders:read'), { audience: ORDERS });
  });
});

describe('introspection', () => {
  let rekey;
  let other;  // another instance: its own keys (foreign tokens); one valid secret, so a rotation retires the old
  let spApp, ordersOpaque, billingOpaque, jwtApp;
  let rsAny, rsOrders, rsBilling;
  before(async () => {
    rekey = await startRekey();
    other = await startRekey({ args: ['--max-valid-secrets', '1'] });
    spApp = await rekey.createApp();
    ordersOpaque = await createApp(rekey, { scopes: ['orders:read'], audience: ORDERS });
    billingOpaque = await createApp(rekey, { scopes: ['orders:read'], audience: BILLING });
    jwtApp = await createApp(rekey, { tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS });
    rsAny = await createResourceServer(rekey, 'any-api');
    rsOrders = await createResourceServer(rekey, 'orders-api', ORDERS);
    rsBilling = await createResourceServer(rekey, 'billing-api', BILLING);
  });
  after(async () => { await other?.stop(); await rekey?.stop(); });

  it('answers an opaque token with exactly the fields of RFC 7662, by Basic and by form credentials', async () => {
    const token = await tokenOf(rekey, spApp);
    for (const how of ['basic', 'form']) {
      const answer = await activeAnswer(rekey, rsAny, token, { how });
      const { exp, iat } = answer;
      assert.ok(Number.isInteger(exp) && Number.isInteger(iat));
      assert.equal(exp - iat, 3600);
      assert.deepEqual(answer, { active: true, client_id: spApp.clientId, sub: spApp.applicationId, scope: ROTATION_SCOPE,
        exp, iat, token_type: 'bearer', aud: rekey.url });
    }
    const hinted = await activeAnswer(rekey, rsAny, token, { fields: { token_type_hint: 'access_token' } });
    assert.equal(hinted.client_id, spApp.clientId);

    const custom = await tokenOf(rekey, ordersOpaque, 'orders:read');
    assert.match(custom, /^Atc\|/);
    const answer = await activeAnswer(rekey, rsOrders, custom, { how: 'form' });
    assert.deepEqual(answer, { active: true, client_id: ordersOpaque.clientId, sub: ordersOpaque.applicationId,
      scope: 'orders:read', exp: answer.exp, iat: answer.iat, token_type: 'bearer', aud: ORDERS });
  });

  it('answers a JWT with the claims it carries, by Basic and by form credentials', async () => {
    const token = await tokenOf(rekey, jwtApp, 'orders:read');
    const { payload } = await verify(rekey, token, { audience: ORDERS });
    for (const [rs, how] of [[rsOrders, 'basic'], [rsOrders, 'form'], [rsAny, 'basic']]) {
      assert.deepEqual(await activeAnswer(rekey, rs, token, { how }), {
        active: true, client_id: jwtApp.clientId, sub: jwtApp.applicationId, scope: 'orders:read',
        exp: payload.exp, iat: payload.iat, token_type: 'bearer', aud: ORDERS,
      }, `${rs.name} by ${how}`);
    }
  });

  it('answers {"active":false} and nothing else for malformed tokens', async () => {
    const jwt = await tokenOf(rekey, jwtApp, 'orders:read');
    const [header] = jwt.split('.');
    const malformed = ['x', 'Atc|', 'Atc|not-a-token', 'Atza|not-a-token', 'Atzr|not-a-token', 'a.b.c', `${header}..`, `${header}.e30.`,
      'amzn1.oa2-cs.v1.' + '0'.repeat(64), rsAny.clientSecret, '%00', 'A'.repeat(60 * 1024),
      jwt + 'x', jwt.split('.').slice(0, 2).join('.'),
      `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${jwt.split('.')[1]}.`];  // unsigned copy
    for (const token of malformed) await assertInactive(rekey, rsAny, token, `malformed ${token.slice(0, 40)}`);
  });

  it('answers {"active":false} for tokens from another rekey instance', async () => {
    const foreignOpaque = await other.createApp({ enrolled: false });
    const foreignJwt = await createApp(other, { tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS });
    const opaque = await tokenOf(other, foreignOpaque);
    const jwt = await tokenOf(other, foreignJwt, 'orders:read');
    await verify(other, jwt, { audience: ORDERS });  // a good token where it comes from
    await assert.rejects(verify(rekey, jwt, { issuer: other.url, audience: ORDERS }), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await assertInactive(rekey, rsAny, opaque, 'foreign opaque token');
    await assertInactive(rekey, rsAny, jwt, 'foreign JWT');
    await assertInactive(rekey, rsOrders, jwt, 'foreign JWT for its audience');
  });

  it('answers {"active":false} at once for tokens minted with a revoked secret', async () => {
    const opaqueApp = await rekey.createApp({ enrolled: false });
    const app = await createApp(rekey, { tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS });
    const tokens = [[opaqueApp, await tokenOf(rekey, opaqueApp)], [app, await tokenOf(rekey, app, 'orders:read')]];
    for (const [owner, token] of tokens) {
      await activeAnswer(rekey, rsAny, token);
      const revoked = await rekey.admin('POST', `/admin/v1/applications/${owner.applicationId}/secrets/${owner.secret.secretId}/revoke`);
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      await assertInactive(rekey, rsAny, token, 'revoked secret');
      await assertInactive(rekey, rsAny, token, 'revoked secret, form credentials', { how: 'form' });
    }
  });

  it('answers {"active":false} for tokens minted with a retired secret', async () => {
    const rs = await createResourceServer(other, 'other-api');
    for (const settings of [{}, { tokenFormat: 'jwt' }]) {
      const app = await createApp(other, { ...settings, enrolled: true });
      const token = await tokenOf(other, app);
      await activeAnswer(other, rs, token);
      const rotated = await other.rotate(token);
      assert.equal(rotated.status, 204, await rotated.text());
      const shown = await other.admin('GET', `/admin/v1/applications/${app.applicationId}`);
      assert.equal(shown.body.secrets.find((s) => s.secretId === app.secret.secretId).state, 'retired');
      await assertInactive(other, rs, token, `retired secret, ${settings.tokenFormat ?? 'opaque'}`);
    }
  });

  it('answers {"active":false} to a resource server whose audience the token is not for', async () => {
    const jwt = await tokenOf(rekey, jwtApp, 'orders:read');
    await activeAnswer(rekey, rsOrders, jwt);
    await assertInactive(rekey, rsBilling, jwt, 'JWT for orders at billing');
    const opaque = await tokenOf(rekey, billingOpaque, 'orders:read');
    assert.equal((await activeAnswer(rekey, rsBilling, opaque)).aud, BILLING);
    await assertInactive(rekey, rsOrders, opaque, 'opaque token for billing at orders');
    await assertInactive(rekey, rsOrders, await tokenOf(rekey, spApp), 'SP-API token at orders');
  });

  it('answers {"active":false} for a JWT with a byte changed', async () => {
    const jwt = await tokenOf(rekey, jwtApp, 'orders:read');
    for (const tampered of [tamperPayloadByte(jwt), tamperEncoded(jwt, 1), tamperEncoded(jwt, 2)]) {
      await assertInactive(rekey, rsOrders, tampered, 'tampered JWT');
    }
    await activeAnswer(rekey, rsOrders, jwt);
  });

  it('refuses bad resource-server credentials with 401 invalid_client, the same whatever the token, changing nothing', async () => {
    const victim = await createResourceServer(rekey, 'victim-api');
    const revokedRs = await createResourceServer(rekey, 'revoked-api');
    await activeAnswer(rekey, revokedRs, await tokenOf(rekey, spApp));
    assert.equal((await rekey.admin('POST', `/admin/v1/resource-servers/${revokedRs.resourceServerId}/revoke`)).status, 200);
    const valid = await tokenOf(rekey, jwtApp, 'orders:read');
    const wrongSecret = { resourceServerId: victim.resourceServerId, clientSecret: `rkrs.v1.${'0'.repeat(64)}` };
    const cases = [
      ['no credentials', null, {}],
      ['wrong secret (Basic)', wrongSecret, {}],
      ['wrong secret (form)', wrongSecret, { how: 'form' }],
      ['unknown id', { resourceServerId: 'rs-00000000-0000-0000-0000-000000000000', clientSecret: victim.clientSecret }, {}],
      ['an application\'s credentials', { resourceServerId: spApp.clientId, clientSecret: spApp.clientSecret }, {}],
      ['revoked resource server (Basic)', revokedRs, {}],
      ['revoked resource server (form)', revokedRs, { how: 'form' }],
      ['not Basic', null, { headers: { authorization: `Bearer ${valid}` } }],
      ['Basic not base64', null, { headers: { authorization: 'Basic !!!' } }],
    ];
    const before = await rekey.state();
    for (const [what, rs, options] of cases) {
      const answers = [];
      for (const token of [valid, 'Atc|not-a-token']) {
        const r = await introspect(rekey, rs, token, options);
        assert.equal(r.status, 401, `${what}: ${JSON.stringify(r.body)}`);
        assert.equal(r.wwwAuthenticate, 'Basic realm="rekey"', what);
        assert.deepEqual(Object.keys(r.body).sort(), ['error', 'error_description'], what);
        assert.equal(r.body.error, 'invalid_client', what);
        assert.ok(typeof r.body.error_description === 'string' && r.body.error_description.length > 0);
        answers.push(r);
      }
      assert.deepEqual(answers[0], answers[1], `${what}: the same answer for a valid token and a malformed one`);
    }
    assert.equal(await rekey.state(), before);
  });

  it('refuses an authenticated request without a token with 400 invalid_request, changing nothing', async () => {
    const before = await rekey.state();
    for (const [what, options] of [['empty body', { body: '' }], ['no token field', { fields: { token_type_hint: 'access_token' } }]]) {
      const r = await introspect(rekey, rsAny, undefined, options);
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_request', what);
      assert.equal(typeof r.body.error_description, 'string');
    }
    const form = await introspect(rekey, rsAny, undefined, { how: 'form' });
    assert.equal(form.status, 400, JSON.stringify(form.body));
    assert.equal(form.body.error, 'invalid_request');
    assert.equal(await rekey.state(), before);
  });

  it('answers 413 in the OAuth shape to a body over 64 KiB, changing nothing', async () => {
    const before = await rekey.state();
    for (const token of ['A'.repeat(64 * 1024 + 1), 'A'.repeat(70 * 1024)]) {
      const r = await introspect(rekey, rsAny, token);
      assert.equal(r.status, 413, JSON.stringify(r.body).slice(0, 200));
      assert.deepEqual(Object.keys(r.body).sort(), ['error', 'error_description']);
      assert.equal(typeof r.body.error, 'string');
    }
    // Declare 10 MB and send only the headers: the answer comes without the body being read.
    const basic = Buffer.from(`${rsAny.resourceServerId}:${rsAny.clientSecret}`).toString('base64');
    const reply = await exchangeRaw(rekey.port, `POST /auth/o2/introspect HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${basic}\r\n` +
      `Content-Type: ${FORM}\r\nContent-Length: 10485760\r\n\r\ntoken=A`);
    assert.match(reply, /^HTTP\/1\.1 413 /);
    assert.match(reply, /"error":"/);
    assert.equal(await rekey.state(), before);
    await activeAnswer(rekey, rsAny, await tokenOf(rekey, spApp));  // still serving
  });
});

describe('introspection of expired tokens (--dev clock)', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--dev'] }); });
  after(() => rekey.stop());

  it('answers {"active":false} once the access-token lifetime has passed', async () => {
    const rs = await createResourceServer(rekey, 'orders-api');
    const opaqueApp = await createApp(rekey, {});
    const jwtApp = await createApp(rekey, { tokenFormat: 'jwt', scopes: ['orders:read'] });
    const tokens = [await tokenOf(rekey, opaqueApp), await tokenOf(rekey, jwtApp, 'orders:read')];
    for (const token of tokens) await activeAnswer(rekey, rs, token);
    const moved = await rekey.admin('POST', '/admin/v1/dev/clock', { advance: '2h' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    for (const token of tokens) {
      await assertInactive(rekey, rs, token, 'expired');
      await assertInactive(rekey, rs, token, 'expired, form credentials', { how: 'form' });
    }
    await activeAnswer(rekey, rs, await tokenOf(rekey, jwtApp, 'orders:read'));  // a fresh one is fine
  });
});

describe('introspection throttling', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--throttle-client-failures', '3', '--throttle-peer-failures', '6'] }); });
  after(() => rekey.stop());

  it('answers 429 slow_down after repeated wrong credentials, the right ones too', async () => {
    const rs = await createResourceServer(rekey, 'orders-api');
    const app = await rekey.createApp({ enrolled: false });
    const token = await tokenOf(rekey, app);
    await activeAnswer(rekey, rs, token);
    const wrong = { resourceServerId: rs.resourceServerId, clientSecret: `rkrs.v1.${'1'.repeat(64)}` };
    const statuses = [];
    let throttled;
    for (let i = 0; i < 20; i++) {
      const r = await introspect(rekey, wrong, token);
      statuses.push(r.status);
      if (r.status === 429) { throttled = r; break; }
    }
    assert.ok(throttled, `no 429 in ${statuses}`);
    assert.ok(statuses.slice(0, -1).every((s) => s === 401), `401s before the 429: ${statuses}`);
    assert.equal(throttled.body.error, 'slow_down');
    assert.deepEqual(Object.keys(throttled.body).sort(), ['error', 'error_description']);
    const right = await introspect(rekey, rs, token);
    assert.equal(right.status, 429, JSON.stringify(right.body));
    assert.equal(right.body.error, 'slow_down');
  });
});

describe('resource-server admin', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--log-level', 'debug'] }); });
  after(() => rekey.stop());

  it('shows the secret once: create has it, list and show never, nor the database or the logs', async () => {
    const created = await rekey.admin('POST', '/admin/v1/resource-servers', { name: 'orders-api', audience: ORDERS });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const rs = created.body;
    assert.deepEqual(Object.keys(rs).sort(), ['audience', 'clientSecret', 'createdAt', 'name', 'resourceServerId', 'revokedAt']);
    assert.match(rs.resourceServerId, RS_ID);
    assert.match(rs.clientSecret, RS_SECRET);
    assert.match(rs.createdAt, ISO);
    assert.equal(rs.name, 'orders-api');
    assert.equal(rs.audience, ORDERS);
    assert.equal(rs.revokedAt, null);
    const { clientSecret, ...plain } = rs;

    const noAudience = await createResourceServer(rekey, 'any-api');
    assert.equal(noAudience.audience, null);
    const nullAudience = await createResourceServer(rekey, 'null-api', null);
    assert.equal(nullAudience.audience, null);

    const shown = await rekey.admin('GET', `/admin/v1/resource-servers/${rs.resourceServerId}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, plain);
    const list = await rekey.admin('GET', '/admin/v1/resource-servers');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.resourceServers.map((r) => r.resourceServerId),
      [rs.resourceServerId, noAudience.resourceServerId, nullAudience.resourceServerId], 'oldest first');
    assert.deepEqual(list.body.resourceServers[0], plain);
    const hex = clientSecret.slice('rkrs.v1.'.length);
    for (const text of [JSON.stringify(shown.body), JSON.stringify(list.body)]) {
      assert.ok(!text.includes(hex), 'no secret in list or show');
      assert.ok(!text.includes('clientSecret'));
    }
    assert.equal((await rekey.admin('GET', '/admin/v1/resource-servers/rs-00000000-0000-0000-0000-000000000000')).status, 404);

    // The secret authenticates, and is nowhere in the database or the logs.
    assert.deepEqual((await introspect(rekey, rs, 'x')).body, INACTIVE);
    const dump = rekey.dump();
    assert.ok(dump.includes(rs.resourceServerId), 'the search finds the id');
    const files = ['rekey.db', 'rekey.db-wal', 'rekey.db-shm'].map((f) => path.join(rekey.dataDir, f)).filter(existsSync);
    const database = Buffer.concat(files.map((f) => readFileSync(f)));
    const logs = rekey.stdout() + rekey.stderr();
    for (const secret of [rs, noAudience, nullAudience].map((r) => r.clientSecret)) {
      for (const needle of [secret, secret.slice('rkrs.v1.'.length)]) {
        assert.ok(!dump.includes(needle), 'the database dump contains a resource-server secret');
        assert.ok(!database.includes(Buffer.from(needle)), 'the database files contain a resource-server secret');
        assert.ok(!logs.includes(needle), 'a log line contains a resource-server secret');
      }
    }
  });

  it('revokes a resource server: 200 with revokedAt, the same when repeated, and its credentials stop', async () => {
    const rs = await createResourceServer(rekey, 'to-revoke');
    assert.equal((await introspect(rekey, rs, 'x')).status, 200);
    const revoked = await rekey.admin('POST', `/admin/v1/resource-servers/${rs.resourceServerId}/revoke`);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const { clientSecret, ...plain } = rs;
    assert.match(revoked.body.revokedAt, ISO);
    assert.deepEqual(revoked.body, { ...plain, revokedAt: revoked.body.revokedAt });
    const again = await rekey.admin('POST', `/admin/v1/resource-servers/${rs.resourceServerId}/revoke`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, revoked.body);
    assert.deepEqual((await rekey.admin('GET', `/admin/v1/resource-servers/${rs.resourceServerId}`)).body, revoked.body);
    assert.equal((await introspect(rekey, rs, 'x')).status, 401);
    assert.equal((await rekey.admin('POST', '/admin/v1/resource-servers/rs-00000000-0000-0000-0000-000000000000/revoke')).status, 404);

    let entries;
    for (let i = 0; i < 50; i++) {  // the audit trail is written in batches
      entries = cli(rekey, ['audit', 'list']).json?.entries ?? [];
      if (entries.some((e) => e.action === 'resource_server.revoked')) break;
      await sleep(100);
    }
    const actions = entries.map((e) => e.action);
    for (const a of ['resource_server.created', 'resource_server.revoked']) assert.ok(actions.includes(a), `${a} in ${actions}`);
    assert.ok(!JSON.stringify(entries).includes(clientSecret.slice('rkrs.v1.'.length)));
  });

  it('refuses bad names and audiences with 400 InvalidInput, changing nothing', async () => {
    const before = await rekey.state();
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 7 }, { name: 'x', audience: '' },
      { name: 'x', audience: 'x'.repeat(501) }, { name: 'x', audience: 5 }]) {
      const r = await rekey.admin('POST', '/admin/v1/resource-servers', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.errors[0].code, 'InvalidInput');
    }
    assert.equal(await rekey.state(), before);
    const edge = await rekey.admin('POST', '/admin/v1/resource-servers', { name: 'x'.repeat(200), audience: 'a'.repeat(500) });
    assert.equal(edge.status, 201, JSON.stringify(edge.body));
  });

  it('does the same through the CLI, and lists and rotates signing keys', async () => {
    const created = cli(rekey, ['resource-server', 'create', '--name', 'cli-api', '--audience', ORDERS]);
    assert.equal(created.code, 0, created.err);
    assert.match(created.json.clientSecret, RS_SECRET);
    const { clientSecret, ...plain } = created.json;
    const list = cli(rekey, ['resource-server', 'list']);
    assert.equal(list.code, 0, list.err);
    assert.ok(list.json.resourceServers.some((r) => r.resourceServerId === plain.resourceServerId));
    assert.ok(!list.out.includes(clientSecret));
    const shown = cli(rekey, ['resource-server', 'show', plain.resourceServerId]);
    assert.deepEqual(shown.json, plain);
    const revoked = cli(rekey, ['resource-server', 'revoke', plain.resourceServerId]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.json.revokedAt, ISO);

    const app = cli(rekey, ['app', 'create', '--name', 'cli-jwt', '--token-format', 'jwt', '--scope', 'orders:read', '--scope', 'orders:write', '--audience', ORDERS]);
    assert.equal(app.code, 0, app.err);
    const settings = cli(rekey, ['app', 'token-settings', app.json.applicationId, '--token-format', 'jwt', '--scope', 'orders:read']);
    assert.equal(settings.code, 0, settings.err);
    assert.deepEqual(settings.json, { applicationId: app.json.applicationId, tokenFormat: 'jwt', scopes: ['orders:read'], audience: null });

    const keys = cli(rekey, ['jwt-key', 'list']);
    assert.equal(keys.code, 0, keys.err);
    assert.equal(keys.json.keys.length, 1);
    const rotated = cli(rekey, ['jwt-key', 'rotate']);
    assert.equal(rotated.code, 0, rotated.err);
    assert.equal(rotated.json.state, 'next');
    assert.deepEqual((await fetchJwks(rekey)).keys.map((k) => k.kid).sort(), [keys.json.keys[0].kid, rotated.json.kid].sort());
  });
});
