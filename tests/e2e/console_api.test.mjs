// The admin API routes the console is built on (docs/console.md), through the real binary: what
// each answers, its error answers, and that each refused call changes nothing in storage. Also the
// console's session (sign-in, CSRF, sign-out) and the --admin-listen split. Issue #16.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRekey, NEW_SECRET, cli } from './support/rekey.mjs';

const EXPIRY = 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY';

describe('console admin API', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--dev'] }); });
  after(() => rekey.stop());

  // A refused call: its status and ErrorList code, and storage as it was (the audit trail aside).
  async function refused(method, route, body, status, code, detail) {
    const before = await rekey.state();
    const res = await rekey.admin(method, route, body);
    assert.equal(res.status, status, `${method} ${route}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.errors[0].code, code);
    if (detail) assert.match(res.body.errors[0].details, detail);
    assert.equal(await rekey.state(), before, `${method} ${route} changed storage`);
    return res.body.errors[0];
  }

  it('lists applications with badges, search and paging', async () => {
    const a = await rekey.createApp({ name: 'Alpha tools' });
    await rekey.createApp({ name: 'Beta tools', enrolled: false });
    const all = await rekey.admin('GET', '/admin/v1/applications?limit=500');
    assert.equal(all.status, 200);
    assert.ok(all.body.total >= 3);  // the --dev demo application too
    const alpha = all.body.applications.find((x) => x.applicationId === a.applicationId);
    assert.equal(alpha.expiry, 'ok');
    assert.equal(alpha.enrolled, true);
    assert.equal(alpha.lastRotatedAt, null);
    assert.equal(alpha.destinationHealth, 'none');
    assert.match(alpha.currentSecret.fingerprint, /^[0-9a-f]+$/);
    assert.equal(JSON.stringify(all.body).includes(a.clientSecret), false);

    const found = await rekey.admin('GET', '/admin/v1/applications?q=ALPHA');
    assert.deepEqual(found.body.applications.map((x) => x.name), ['Alpha tools']);
    assert.equal(found.body.total, 1);
    const page = await rekey.admin('GET', '/admin/v1/applications?q=tools&offset=1&limit=1');
    assert.deepEqual([page.body.total, page.body.offset, page.body.limit, page.body.applications.length], [2, 1, 1, 1]);
    assert.equal(page.body.applications[0].name, 'Beta tools');

    await refused('GET', '/admin/v1/applications?limit=0', undefined, 400, 'InvalidInput', /^limit must be/);
    await refused('GET', '/admin/v1/applications?limit=501', undefined, 400, 'InvalidInput', /^limit must be/);
    await refused('GET', '/admin/v1/applications?offset=-1', undefined, 400, 'InvalidInput', /^offset must be/);
  });

  it('sets and clears a usage plan, refusing bad ones', async () => {
    const app = await rekey.createApp({ name: 'plan' });
    const route = `/admin/v1/applications/${app.applicationId}/usage-plan`;
    const set = await rekey.admin('PUT', route, { rotateRate: 2, rotateBurst: 3 });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.usagePlan, { rotateRate: 2, rotateBurst: 3 });
    const cleared = await rekey.admin('PUT', route, { rotateRate: null, rotateBurst: null });
    assert.deepEqual(cleared.body.usagePlan, {});
    await rekey.admin('PUT', route, { rotateBurst: 2 });
    await refused('PUT', route, { rotateBurst: 0 }, 400, 'InvalidInput', /^rotateBurst must be an integer from 1 to 1000\./);
    await refused('PUT', route, { rotateRate: 'fast' }, 400, 'InvalidInput', /^rotateRate must be a number/);
    await refused('PUT', route, { rate: 1 }, 400, 'InvalidInput', /^rate is not a field/);
    await refused('PUT', '/admin/v1/applications/amzn1.sp.solution.nope/usage-plan', { rotateBurst: 2 }, 404, 'NotFound');
    const audit = await rekey.admin('GET', `/admin/v1/audit?application=${app.applicationId}&action=usage_plan.changed`);
    assert.equal(audit.body.entries.length, 3);
  });

  it('rotates from the console through the rotation service, audited as the admin', async () => {
    const app = await rekey.createApp({ name: 'rotate me' });
    const rotated = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/rotate`);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.equal(rotated.body.secret.state, 'current');
    assert.match(rotated.body.notificationId, /^[0-9a-f-]{36}$/);
    assert.match(rotated.body.destinationId, /^[0-9a-f-]{36}$/);
    const details = await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`);
    assert.deepEqual(details.body.secrets.map((s) => s.state).sort(), ['current', 'old']);
    const audit = await rekey.admin('GET', `/admin/v1/audit?application=${app.applicationId}&action=secret.rotated`);
    assert.equal(audit.body.entries.length, 1);
    assert.equal(audit.body.entries[0].actor, 'admin');
    const listed = await rekey.admin('GET', `/admin/v1/applications?q=${encodeURIComponent('rotate me')}`);
    assert.equal(listed.body.applications[0].lastRotatedAt, rotated.body.secret.createdAt);
    assert.equal(listed.body.applications[0].destinationHealth, 'ok');

    // The usage plan applies: the default allows one rotation a minute.
    await refused('POST', `/admin/v1/applications/${app.applicationId}/rotate`, undefined, 429, 'QuotaExceeded');
    const unenrolled = await rekey.createApp({ name: 'not enrolled', enrolled: false });
    const e = await refused('POST', `/admin/v1/applications/${unenrolled.applicationId}/rotate`, undefined, 409, 'Conflict');
    assert.match(e.details, /not enrolled/);
    await refused('POST', '/admin/v1/applications/amzn1.sp.solution.nope/rotate', undefined, 404, 'NotFound');
  });

  it('unsubscribes a notification type', async () => {
    const app = await rekey.createApp({ name: 'unsubscribe' });
    const route = `/admin/v1/applications/${app.applicationId}/subscriptions/${NEW_SECRET}`;
    const removed = await fetch(rekey.url + route, { method: 'DELETE', headers: { authorization: `Bearer ${rekey.adminToken}` } });
    assert.equal(removed.status, 204);
    const details = await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`);
    assert.deepEqual(details.body.subscriptions, []);
    await refused('DELETE', route, undefined, 404, 'NotFound');
    await refused('DELETE', `/admin/v1/applications/${app.applicationId}/subscriptions/NOPE`, undefined, 400, 'InvalidInput');
    await refused('DELETE', `/admin/v1/applications/amzn1.sp.solution.nope/subscriptions/${EXPIRY}`, undefined, 404, 'NotFound');
  });

  it('pages deliveries', async () => {
    const page = await rekey.admin('GET', '/admin/v1/deliveries?state=delivered&limit=1');
    assert.equal(page.status, 200);
    assert.ok(page.body.total >= 1);
    assert.equal(page.body.deliveries.length, 1);
    await refused('GET', '/admin/v1/deliveries?state=lost', undefined, 400, 'InvalidInput', /^state must be/);
    await refused('GET', '/admin/v1/deliveries?state=dead&limit=x', undefined, 400, 'InvalidInput', /^limit must be/);
  });

  it('shows queues, peeks with secrets masked, reveals (audited) and purges', async () => {
    const app = await rekey.createApp({ name: 'queue' });
    const queue = 'q-' + app.applicationId.slice(-12);
    const rotated = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/rotate`);
    assert.equal(rotated.status, 200);
    const queues = await rekey.admin('GET', '/admin/v1/queues?limit=500');
    const q = queues.body.queues.find((x) => x.name === queue);
    assert.deepEqual([q.account, q.visible, q.inFlight, q.delayed], ['000000000000', 1, 0, 0]);
    assert.equal(q.url, `${rekey.url}/000000000000/${queue}`);

    const base = `/admin/v1/queues/000000000000/${queue}`;
    const peeked = await rekey.admin('GET', `${base}/messages`);
    assert.equal(peeked.status, 200);
    const [message] = peeked.body.messages;
    assert.equal(message.masked, true);
    assert.equal(message.receiveCount, 0);
    const masked = JSON.parse(message.body);
    assert.equal(masked.payload.applicationOAuthClientNewSecret.newClientSecret, '••••••••');
    // A peek receives nothing: the message is still visible and never received.
    const again = await rekey.admin('GET', `${base}/messages`);
    assert.equal(again.body.messages[0].receiveCount, 0);

    const revealed = await rekey.admin('POST', `${base}/messages/${message.messageId}/reveal`);
    assert.equal(revealed.status, 200);
    const secret = JSON.parse(revealed.body.body).payload.applicationOAuthClientNewSecret.newClientSecret;
    assert.match(secret, /^amzn1\.oa2-cs\.v1\./);
    await rekey.token(app, { secret });  // the revealed secret is the real one
    const audit = await rekey.admin('GET', '/admin/v1/audit?action=queue.message_revealed');
    assert.equal(audit.body.entries.length, 1);
    assert.equal(JSON.stringify(audit.body).includes(secret), false);

    await refused('POST', `${base}/messages/00000000-0000-4000-8000-000000000000/reveal`, undefined, 404, 'NotFound');
    await refused('GET', '/admin/v1/queues/000000000000/nope/messages', undefined, 404, 'NotFound');
    await refused('POST', '/admin/v1/queues/000000000000/nope/purge', undefined, 404, 'NotFound');
    await refused('GET', `${base}/messages?limit=0`, undefined, 400, 'InvalidInput');

    const purged = await rekey.admin('POST', `${base}/purge`);
    assert.deepEqual([purged.status, purged.body.purged], [200, true]);
    const empty = await rekey.admin('GET', `${base}/messages`);
    assert.deepEqual(empty.body.messages, []);
  });

  it('lists access keys without secrets and revokes them', async () => {
    const created = await rekey.admin('POST', '/admin/v1/access-keys', { account: '111122223333' });
    const listed = await rekey.admin('GET', '/admin/v1/access-keys');
    const key = listed.body.accessKeys.find((k) => k.accessKeyId === created.body.accessKeyId);
    assert.deepEqual(Object.keys(key).sort(), ['accessKeyId', 'account', 'createdAt']);
    assert.equal(JSON.stringify(listed.body).includes(created.body.secretAccessKey), false);
    const revoked = await rekey.admin('POST', `/admin/v1/access-keys/${created.body.accessKeyId}/revoke`);
    assert.deepEqual(revoked.body, { accessKeyId: created.body.accessKeyId, revoked: true });
    const after = await rekey.admin('GET', '/admin/v1/access-keys');
    assert.equal(after.body.accessKeys.some((k) => k.accessKeyId === created.body.accessKeyId), false);
    await refused('POST', `/admin/v1/access-keys/${created.body.accessKeyId}/revoke`, undefined, 404, 'NotFound');
  });

  it('filters and pages the audit trail', async () => {
    const first = await rekey.admin('GET', '/admin/v1/audit?action=application.created&limit=2');
    assert.equal(first.body.entries.length, 2);
    assert.ok(first.body.entries.every((e) => e.action === 'application.created'));
    const second = await rekey.admin('GET', `/admin/v1/audit?action=application.created&limit=2&after=${first.body.next}`);
    assert.ok(second.body.entries[0].seq > first.body.entries[1].seq);
    const all = await rekey.admin('GET', '/admin/v1/audit?action=application.created');
    assert.equal(all.body.next, undefined);
    await refused('GET', '/admin/v1/audit?after=x', undefined, 400, 'InvalidInput', /^after must be/);
    await refused('GET', '/admin/v1/audit?limit=0', undefined, 400, 'InvalidInput', /^limit must be/);
  });

  it('shows the system and turns maintenance mode on and off', async () => {
    const system = await rekey.admin('GET', '/admin/v1/system');
    assert.equal(system.status, 200);
    assert.deepEqual([system.body.storage, system.body.ready, system.body.maintenance, system.body.dev],
      ['sqlite', true, false, true]);
    assert.match(system.body.version, /^\d+\.\d+\.\d+$/);
    await refused('PUT', '/admin/v1/system/maintenance', { enabled: 'yes' }, 400, 'InvalidInput', /^enabled must be/);
    await refused('PUT', '/admin/v1/system/maintenance', {}, 400, 'InvalidInput');

    const app = await rekey.createApp({ name: 'maintenance' });
    const token = await rekey.token(app);
    const on = await rekey.admin('PUT', '/admin/v1/system/maintenance', { enabled: true });
    assert.equal(on.body.maintenance, true);
    const refusedRotate = await rekey.rotate(token);
    assert.equal(refusedRotate.status, 503);
    assert.equal((await refusedRotate.json()).errors[0].code, 'ServiceUnavailable');
    const off = await rekey.admin('PUT', '/admin/v1/system/maintenance', { enabled: false });
    assert.equal(off.body.maintenance, false);
    assert.equal((await rekey.rotate(token)).status, 204);
  });

  it('gives the CLI the same commands', async () => {
    const app = await rekey.createApp({ name: 'cli console' });
    assert.equal(cli(rekey, ['app', 'list', '--search', 'cli console']).json.applications.length, 1);
    assert.equal(cli(rekey, ['app', 'rotate', app.applicationId]).code, 0);
    assert.deepEqual(cli(rekey, ['app', 'usage-plan', app.applicationId, '--rotate-burst', '2']).json.usagePlan, { rotateBurst: 2 });
    const queue = 'q-' + app.applicationId.slice(-12);
    const peek = cli(rekey, ['queue', 'peek', queue]).json;
    assert.equal(peek.messages[0].masked, true);
    assert.ok(cli(rekey, ['queue', 'list']).json.queues.some((q) => q.name === queue));
    assert.equal(cli(rekey, ['queue', 'reveal', queue, peek.messages[0].messageId]).code, 0);
    assert.equal(cli(rekey, ['queue', 'purge', `000000000000/${queue}`]).json.purged, true);
    assert.equal(cli(rekey, ['subscription', 'remove', '--app', app.applicationId, '--type', NEW_SECRET]).code, 0);
    assert.equal(cli(rekey, ['system', 'maintenance', 'on']).json.maintenance, true);
    assert.equal(cli(rekey, ['system', 'show']).json.maintenance, true);
    assert.equal(cli(rekey, ['system', 'maintenance', 'off']).json.maintenance, false);
    assert.ok(cli(rekey, ['access-key', 'list']).json.accessKeys.length >= 1);
    const audit = cli(rekey, ['audit', 'list', '--application', app.applicationId, '--action', 'secret.rotated']).json;
    assert.equal(audit.entries.length, 1);
  });
});

describe('console session', () => {
  let rekey;
  before(async () => { rekey = await startRekey(); });
  after(() => rekey.stop());

  const signIn = (token, headers = {}) => fetch(rekey.url + '/console/api/session', {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }),
  });

  it('signs in with the admin token into an HttpOnly, SameSite=Strict cookie, audited', async () => {
    const res = await signIn(rekey.adminToken);
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie');
    assert.match(cookie, /^rekey_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    const { csrfToken } = await res.json();
    assert.match(csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.match(res.headers.get('content-security-policy'), /script-src 'self'.*frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const session = cookie.split(';')[0];

    const shown = await fetch(rekey.url + '/console/api/session', { headers: { cookie: session } });
    assert.equal((await shown.json()).csrfToken, csrfToken);
    // With the cookie, admin reads work; writes need the CSRF token and the same origin.
    const read = await fetch(rekey.url + '/admin/v1/system', { headers: { cookie: session } });
    assert.equal(read.status, 200);
    const before = await rekey.state();
    const create = (headers) => fetch(rekey.url + '/admin/v1/applications', {
      method: 'POST', headers: { cookie: session, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name: 'via cookie' }),
    });
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': csrfToken, origin: 'http://evil.example' },
      { 'x-csrf-token': csrfToken, 'sec-fetch-site': 'cross-site' }]) {
      const r = await create(headers);
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal((await r.json()).errors[0].code, 'AccessDenied');
    }
    assert.equal(await rekey.state(), before);
    const ok = await create({ 'x-csrf-token': csrfToken, origin: rekey.url, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 201);

    const out = await fetch(rekey.url + '/console/api/session', { method: 'DELETE', headers: { cookie: session, 'x-csrf-token': csrfToken } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie'), /^rekey_session=; Path=\/; Max-Age=0/);
    assert.equal((await fetch(rekey.url + '/admin/v1/system', { headers: { cookie: session } })).status, 401);
    const audit = await rekey.admin('GET', '/admin/v1/audit?action=console.signed_in');
    assert.equal(audit.body.entries.length, 1);
    assert.equal((await rekey.admin('GET', '/admin/v1/audit?action=console.signed_out')).body.entries.length, 1);
  });

  it('refuses wrong tokens, audits them and throttles the address', async () => {
    const before = await rekey.state();
    const wrong = await signIn('not-the-token');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal((await signIn(5)).status, 400);
    assert.equal((await signIn(rekey.adminToken, { origin: 'http://evil.example' })).status, 403);
    assert.equal(await rekey.state(), before);
    const failed = await rekey.admin('GET', '/admin/v1/audit?action=console.sign_in_failed');
    assert.equal(failed.body.entries.length, 1);
    assert.equal(failed.body.entries[0].actor, 'console');
    assert.equal(JSON.stringify(failed.body).includes('not-the-token'), false);
    let status;
    for (let i = 0; i < 30 && status !== 429; i++) status = (await signIn('wrong-again')).status;
    assert.equal(status, 429);
  });

  it('serves the page and its assets under the strict CSP', async () => {
    const page = await fetch(rekey.url + '/console/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'),
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const html = await page.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline style');
    for (const asset of ['console.css', 'js/main.js']) {
      const res = await fetch(rekey.url + '/console/' + asset);
      assert.equal(res.status, 200, asset);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.equal((await fetch(rekey.url + '/console/nope.js')).status, 404);
    assert.equal((await fetch(rekey.url + '/console/js/nope.js')).status, 404);
    const moved = await fetch(rekey.url + '/console', { redirect: 'manual' });
    assert.deepEqual([moved.status, moved.headers.get('location')], [301, '/console/']);
  });
});

describe('--admin-listen', () => {
  let rekey;
  let adminUrl;
  before(async () => {
    rekey = await startRekey({ args: ['--admin-listen', '127.0.0.1:0'] });
    adminUrl = rekey.stdout().match(/rekey admin listening on (\S+)/)[1];
  });
  after(() => rekey.stop());

  it('moves the admin API and the console to their own listener; the public one answers 404', async () => {
    const auth = { authorization: `Bearer ${rekey.adminToken}` };
    assert.equal((await fetch(adminUrl + '/admin/v1/system', { headers: auth })).status, 200);
    assert.equal((await fetch(adminUrl + '/console/')).status, 200);
    assert.equal((await fetch(adminUrl + '/console/console.css')).status, 200);
    assert.equal((await fetch(adminUrl + '/ready')).status, 200);
    for (const route of ['/admin/v1/system', '/admin/v1/applications', '/console/', '/console/console.css', '/console/js/main.js', '/console']) {
      const res = await fetch(rekey.url + route, { headers: auth, redirect: 'manual' });
      assert.equal(res.status, 404, route);
    }
    const post = await fetch(rekey.url + '/admin/v1/applications', {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"x"}' });
    assert.equal(post.status, 404);
    // The SP-API side stays where it was.
    assert.equal((await fetch(rekey.url + '/ready')).status, 200);
    assert.equal((await fetch(adminUrl + '/auth/o2/token', { method: 'POST' })).status, 404);
  });
});
