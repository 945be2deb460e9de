// The web console (issue #16) in a real browser: headless Chromium driven by playwright-core
// with role-based locators, the way a person uses it, against the real binary in --dev mode.
// One user flow (sign in → create → notification preferences → rotate → peek and reveal → use
// the new secret → time travel to the expiry warning → revoke → audit → maintenance), a
// screenshot per screen into docs/console/, the 390 px layout, and the security properties:
// user text is inert, state changes need the CSRF token, and secrets reach the browser only in
// the answers that exist to show them once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startRekey, ROTATION_SCOPE, ROTATE_PATH, NEW_SECRET } from './support/rekey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.resolve(here, '../../docs/console');
const WEB = path.resolve(here, '../../src/console/web');
const EXPIRY = 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY';
const ACCOUNT = '000000000000';  // bare queue names live in the default account
const APP_NAME = 'Acme Repricer';
const QUEUE = 'acme-notifications';
const SECRET_FORMAT = /^amzn1\.oa2-cs\.v1\.[0-9a-f]{64}$/;
const REVOKED = 'The access token you provided is revoked, malformed or invalid.';
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
  + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const STEP = 30_000;  // one UI step; generous, the server may run under ASan

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls check() until it returns a truthy value (then returns it) or the time is up.
async function eventually(what, check, { timeout = 60_000, every = 500 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

async function mintToken(rekey, clientId, clientSecret) {
  const res = await fetch(rekey.url + '/auth/o2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: ROTATION_SCOPE }),
  });
  return { status: res.status, body: await res.json() };
}

async function rotateCall(rekey, token) {
  const res = await fetch(rekey.url + ROTATE_PATH, { method: 'POST', headers: { 'x-amz-access-token': token } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// The browser-side problems a page must not have: script errors, CSP violations, native dialogs.
function watch(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon|Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', async (d) => { problems.push(`native ${d.type()} dialog: ${d.message()}`); await d.dismiss(); });
  page.setDefaultTimeout(STEP);
  return problems;
}

async function signIn(page, rekey) {
  await page.goto(rekey.url + '/console/');
  await page.getByLabel('Admin token').fill(rekey.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
}

// Goes to a screen with the main nav and waits for its heading.
async function go(page, link, title = link) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: title, level: 1, exact: true }).waitFor();
}

describe('web console', () => {
  let rekey;
  let browser;
  before(async () => {
    rekey = await startRekey({ args: ['--dev'] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await rekey?.stop();
  });

  it('takes a developer from sign-in through rotation, expiry, revocation, audit and maintenance', { timeout: 600_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rekey.url });
    const page = await context.newPage();
    const problems = watch(page);
    // Every console and admin answer the browser receives, for the secret check at the end.
    const answers = [];
    page.on('response', (res) => {
      const { pathname } = new URL(res.url());
      if (!pathname.startsWith('/console/') && !pathname.startsWith('/admin/v1/')) return;
      const route = `${res.request().method()} ${pathname}`;
      answers.push(Promise.race([
        res.text().then((body) => ({ route, status: res.status(), body }), (e) => ({ route, status: res.status(), body: '', unread: e.message })),
        sleep(15_000).then(() => ({ route, status: res.status(), body: '', unread: 'timed out' })),
      ]));
    });

    // Sign in: a wrong token is refused with the ErrorList's message, the right one (Enter) works.
    await page.goto(rekey.url + '/console/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'signin');
    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /\w/ }).waitFor();
    await page.getByLabel('Admin token').fill(rekey.adminToken);
    await page.getByLabel('Admin token').press('Enter');
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    // A reload stays signed in (GET /console/api/session). Every answer so far read first: a
    // reload takes the bodies of answers not yet read with it (the screen's own fetches, such
    // as GET /admin/v1/system, may still be finishing when its heading shows).
    await page.waitForLoadState('networkidle');
    await Promise.all(answers);
    await page.reload();
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();

    // Create an application: the initial secret is shown once, with Copy and the warning.
    await page.getByLabel('Name', { exact: true }).fill(APP_NAME);
    await page.getByRole('button', { name: 'Create application' }).click();
    const panel = page.getByRole('region', { name: 'New client secret' });
    await panel.waitFor();
    const initialSecret = await panel.getByRole('textbox', { name: 'Client secret' }).inputValue();
    const clientId = await panel.getByRole('textbox', { name: 'Client id' }).inputValue();
    assert.match(initialSecret, SECRET_FORMAT);
    await panel.getByText('This secret will not be shown again.').waitFor();
    await panel.getByRole('button', { name: 'Copy client secret' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), initialSecret);
    const appRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: APP_NAME, exact: true }) });
    await appRow.getByText('Valid', { exact: true }).waitFor();
    await appRow.getByText('Not enrolled').waitFor();
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate((s) => document.body.innerText.includes(s)
      || [...document.querySelectorAll('input')].some((i) => i.value === s), initialSecret), false, 'the secret is gone once dismissed');

    // Notification preferences: an embedded queue for new secrets, the same one for expiry.
    await page.getByRole('link', { name: APP_NAME, exact: true }).click();
    await page.getByRole('heading', { name: APP_NAME, level: 1 }).waitFor();
    const applicationId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    assert.match(applicationId, /^amzn1\.sp\.solution\./);
    await page.getByRole('link', { name: 'Notification preferences' }).click();
    const newRow = page.getByRole('region', { name: 'Application Client New Secret' });
    const expiryRow = page.getByRole('region', { name: 'Application Client Secret Expiry' });
    await newRow.getByText(NEW_SECRET).waitFor();
    await expiryRow.getByText(EXPIRY).waitFor();
    await newRow.getByLabel('Destination', { exact: true }).selectOption({ label: 'New embedded queue…' });
    await newRow.getByLabel('Queue name').fill(QUEUE);
    await newRow.getByLabel('Queue name').press('Enter');
    await newRow.getByText('Subscribed', { exact: true }).waitFor();
    const destinationText = `Embedded queue ${ACCOUNT}/${QUEUE}`;
    await newRow.getByRole('definition').filter({ hasText: destinationText }).waitFor();
    await expiryRow.getByLabel('Destination', { exact: true }).selectOption({ label: destinationText });
    await expiryRow.getByRole('button', { name: 'Subscribe' }).click();
    await expiryRow.getByText('Subscribed', { exact: true }).waitFor();
    await newRow.getByRole('button', { name: 'Send test' }).click();
    await page.getByText(`Test message delivered to ${destinationText}.`).waitFor();
    await shot(page, 'notifications');

    // Rotate from the console: the confirmation names the destination.
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('heading', { name: 'Client secrets' }).waitFor();
    await page.getByRole('button', { name: 'Copy client id' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), clientId);
    // Escape (or Cancel, which has the focus) leaves without rotating.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog', { name: 'Rotate the client secret?' }).getByRole('button', { name: 'Cancel' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    let dialog = page.getByRole('dialog', { name: 'Rotate the client secret?' });
    await dialog.getByText(destinationText).waitFor();
    await dialog.getByRole('button', { name: 'Confirm rotation' }).click();
    await page.getByText(/^Secret rotated\./).waitFor();
    const secrets = page.getByRole('table', { name: 'Client secrets' });
    await secrets.getByRole('row').filter({ hasText: 'current' }).waitFor();
    await secrets.getByRole('row').filter({ hasText: 'old' }).waitFor();
    await shot(page, 'credentials');
    // A refused action shows the ErrorList's message: a second rotation is over the usage plan.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm rotation' }).click();
    await page.getByRole('alert').getByText(/exceeded your quota/).waitFor();

    // The new secret arrives in the queue masked; Reveal shows it.
    await go(page, 'Queues');
    await page.getByRole('row').filter({ hasText: QUEUE }).getByRole('button', { name: 'Peek' }).click();
    const peek = page.getByRole('region', { name: `Messages in ${ACCOUNT}/${QUEUE}` });
    const newSecretMessages = peek.getByRole('listitem').filter({ hasText: NEW_SECRET }).filter({ has: page.getByRole('button', { name: 'Reveal' }) });
    await eventually('the new-secret notification in the peek', async () => {
      if (await newSecretMessages.count() > 0) return true;
      await peek.getByRole('button', { name: 'Refresh' }).click();
      return false;
    });
    const message = newSecretMessages.last();
    assert.match(await message.locator('pre').textContent(), /"newClientSecret": "••••••••"/);
    await message.getByText('masked', { exact: true }).waitFor();
    await shot(page, 'queues');
    await message.getByRole('button', { name: 'Reveal' }).click();
    const revealedItem = peek.getByRole('listitem').filter({ has: page.getByText('revealed', { exact: true }) });
    await revealedItem.waitFor();
    const revealed = JSON.parse(await revealedItem.locator('pre').textContent());
    assert.equal(revealed.notificationType, NEW_SECRET);
    const payload = revealed.payload.applicationOAuthClientNewSecret;
    assert.equal(payload.clientId, clientId);
    const rotatedSecret = payload.newClientSecret;
    assert.match(rotatedSecret, SECRET_FORMAT);
    assert.notEqual(rotatedSecret, initialSecret);

    // The revealed secret works at the token endpoint.
    const minted = await mintToken(rekey, clientId, rotatedSecret);
    assert.equal(minted.status, 200, JSON.stringify(minted.body));
    assert.match(minted.body.access_token, /^Atc\|/);

    // Access keys: create (the secret shown once), then revoke with confirmation.
    await page.getByLabel('Account', { exact: true }).fill(ACCOUNT);
    await page.getByRole('button', { name: 'Create access key' }).click();
    const keyPanel = page.getByRole('region', { name: 'New access key' });
    await keyPanel.waitFor();
    const accessKeyId = await keyPanel.getByRole('textbox', { name: 'Access key ID' }).inputValue();
    const accessKeySecret = await keyPanel.getByRole('textbox', { name: 'Secret access key' }).inputValue();
    assert.ok(accessKeyId && accessKeySecret);
    await keyPanel.getByText('This secret will not be shown again.').waitFor();
    const keyRow = page.getByRole('table', { name: 'Access keys' }).getByRole('row').filter({ hasText: accessKeyId });
    await keyRow.waitFor();
    assert.equal(await page.getByRole('table', { name: 'Access keys' }).getByText(accessKeySecret).count(), 0);
    await keyRow.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke this access key?' }).getByRole('button', { name: 'Confirm revocation' }).click();
    await page.getByText(`Access key ${accessKeyId} revoked.`).waitFor();
    await eventually('the revoked key to leave the list or show as revoked', async () =>
      (await keyRow.count()) === 0 || (await keyRow.getByText('revoked', { exact: true }).count()) > 0);

    // Ninety days on the dev clock: the expiry warning is delivered and the badge changes.
    await go(page, 'System');
    for (const days of [30, 60, 90]) {
      await page.getByRole('button', { name: 'Advance 30 days' }).click();
      await page.getByText(`${days} days`, { exact: true }).waitFor();
    }
    await shot(page, 'system');
    await go(page, 'Queues');
    await page.getByRole('row').filter({ hasText: QUEUE }).getByRole('button', { name: 'Peek' }).click();
    await eventually('the expiry warning in the peek', async () => {
      if (await peek.getByRole('listitem').filter({ hasText: EXPIRY }).count() > 0) return true;
      await peek.getByRole('button', { name: 'Refresh' }).click();
      return false;
    });
    const warning = JSON.parse(await peek.getByRole('listitem').filter({ hasText: EXPIRY }).first().locator('pre').textContent());
    assert.equal(warning.payload.applicationOAuthClientSecretExpiry.clientId, clientId);
    assert.equal(warning.payload.applicationOAuthClientSecretExpiry.clientSecretExpiryReason, 'PERIODIC_ROTATION');
    await go(page, 'Applications');
    await appRow.getByText(/^(Expires soon|Expired)$/).waitFor();
    await appRow.getByText('Enrolled', { exact: true }).waitFor();
    await shot(page, 'applications');

    // Revoke the current secret: it no longer mints tokens, and its token is refused.
    const token = await mintToken(rekey, clientId, rotatedSecret);
    assert.equal(token.status, 200, JSON.stringify(token.body));
    await page.getByRole('link', { name: APP_NAME, exact: true }).click();
    const currentRow = secrets.getByRole('row').filter({ hasText: 'current' });
    await currentRow.getByRole('button', { name: 'Revoke' }).click();
    dialog = page.getByRole('dialog', { name: 'Revoke this secret?' });
    await dialog.getByRole('button', { name: 'Confirm revocation' }).click();
    await page.getByText(/^Secret .* revoked\.$/).waitFor();
    await secrets.getByRole('row').filter({ hasText: 'revoked' }).waitFor();
    assert.equal((await mintToken(rekey, clientId, rotatedSecret)).status, 401);
    const refused = await rotateCall(rekey, token.body.access_token);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));  // SPEC §4: Unauthorized, 403
    assert.equal(refused.body.errors[0].code, 'Unauthorized');
    assert.equal(refused.body.errors[0].details, REVOKED);

    // Deliveries: both notifications delivered.
    await go(page, 'Deliveries');
    await page.getByLabel('State', { exact: true }).selectOption('delivered');
    const deliveryRows = page.getByRole('table', { name: 'Deliveries' }).getByRole('row').filter({ hasText: APP_NAME });
    await deliveryRows.filter({ hasText: 'Application Client New Secret' }).first().waitFor();
    await deliveryRows.filter({ hasText: 'Application Client Secret Expiry' }).first().waitFor();
    await shot(page, 'deliveries');

    // The audit log shows each step, and its chain verifies.
    await go(page, 'Audit log');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('Chain intact').waitFor();
    await page.getByLabel('Application', { exact: true }).selectOption({ label: APP_NAME });
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('button', { name: 'Clear filters' }).waitFor();
    const entries = page.getByRole('table', { name: 'Audit entries' });
    for (const action of ['application.created', 'destination.created', 'subscription.set', 'secret.rotated', 'secret.revoked']) {
      await entries.getByRole('cell', { name: action, exact: true }).first().waitFor();
    }
    await shot(page, 'audit');
    for (const action of ['queue.message_revealed', 'dev.clock_advanced', 'access_key.created', 'access_key.revoked', 'console.signed_in', 'console.sign_in_failed']) {
      await page.getByLabel('Application', { exact: true }).selectOption({ label: 'All applications' });
      await page.getByLabel('Action', { exact: true }).fill(action);
      await page.getByLabel('Action', { exact: true }).press('Enter');
      await entries.getByRole('cell', { name: action, exact: true }).first().waitFor();
      if (action === 'dev.clock_advanced') assert.equal(await entries.getByRole('row').count(), 1 + 3, 'three advances');
    }

    // Maintenance: the banner shows on every screen and the SP-API rotate call answers 503.
    const other = await rekey.createApp({ name: 'maintenance check' });
    const otherToken = await rekey.token(other);
    await go(page, 'System');
    await page.getByRole('button', { name: 'Turn maintenance on' }).click();
    await page.getByRole('dialog', { name: 'Turn maintenance mode on?' }).getByRole('button', { name: 'Turn maintenance on' }).click();
    await page.getByText('Maintenance mode is on.').waitFor();
    const during = await rotateCall(rekey, otherToken);
    assert.equal(during.status, 503, JSON.stringify(during.body));
    assert.equal(during.body.errors[0].code, 'ServiceUnavailable');
    assert.equal((await mintToken(rekey, other.clientId, other.clientSecret)).status, 200, 'tokens keep working');
    await go(page, 'Applications');
    await page.getByText('Maintenance mode is on.').waitFor();
    await shot(page, 'maintenance');
    await go(page, 'System');
    await page.getByRole('button', { name: 'Turn maintenance off' }).click();
    await page.getByText('Maintenance mode is on.').waitFor({ state: 'hidden' });

    // 390 px: nothing overflows sideways on any screen, and the nav works from the keyboard.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [hash, title] of [['#/applications', 'Applications'], [`#/applications/${encodeURIComponent(applicationId)}`, APP_NAME],
      [`#/applications/${encodeURIComponent(applicationId)}/notifications`, APP_NAME], ['#/deliveries', 'Deliveries'],
      ['#/queues', 'Queues'], ['#/audit', 'Audit log'], ['#/system', 'System']]) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      await page.getByRole('heading', { name: title, level: 1, exact: true }).waitFor();
      await page.getByText('Loading…').waitFor({ state: 'hidden' });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${hash} is ${width} px wide at 390 px`);
      if (hash === '#/applications') await shot(page, 'applications-narrow');
    }
    await page.getByRole('heading', { name: 'System', level: 1 }).focus();
    await eventually('the Queues link to take the keyboard focus', async () => {
      await page.keyboard.press('Shift+Tab');
      return page.evaluate(() => document.activeElement?.textContent === 'Queues');
    }, { timeout: 20_000, every: 50 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Queues', level: 1 }).waitFor();

    // Sign out: the session is gone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(async () => { const res = await fetch('/console/api/session'); await res.text(); return res.status; }), 401);

    // Secrets reached the browser only in the answers that exist to show them.
    const seen = await Promise.all(answers);
    assert.deepEqual(seen.filter((a) => a.unread), [], 'every answer body was read');
    assert.ok(seen.length > 20, `collected ${seen.length} answers`);
    const carrying = (secret) => seen.filter((a) => a.body.includes(secret)).map((a) => a.route);
    assert.deepEqual(carrying(initialSecret), ['POST /admin/v1/applications']);
    const reveals = carrying(rotatedSecret);
    assert.equal(reveals.length, 1, reveals.join(', '));
    assert.match(reveals[0], new RegExp(`^POST /admin/v1/queues/${ACCOUNT}/${QUEUE}/messages/[^/]+/reveal$`));
    assert.deepEqual(carrying(accessKeySecret), ['POST /admin/v1/access-keys']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('renders hostile application names as text', { timeout: 180_000 }, async () => {
    const names = ['<img src=x onerror=alert(1)>', '<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>'];
    for (const name of names) assert.equal((await rekey.admin('POST', '/admin/v1/applications', { name })).status, 201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);
    await signIn(page, rekey);
    await page.getByRole('search').getByLabel('Search applications').fill('<');
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'All applications (3)' }).waitFor();
    const list = page.getByRole('table', { name: 'Applications' });
    for (const name of names) await list.getByRole('link', { name, exact: true }).waitFor();
    assert.equal(await list.locator('img, script').count(), 0);
    await list.getByRole('link', { name: names[0], exact: true }).click();
    await page.getByRole('heading', { name: names[0], level: 1 }).waitFor();
    assert.equal(await page.locator('#screen img, #screen script').count(), 0);
    await sleep(500);  // give any smuggled handler time to run
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(problems, []);

    // A session that has ended (here: its cookie gone) sends the next action to the sign-in screen.
    await context.clearCookies();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deliveries', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('alert').getByText('Your session has ended. Sign in again.').waitFor();
    await context.close();
  });

  it('refuses state changes without the CSRF token: cross-origin forms and same-origin fetch alike', { timeout: 180_000 }, async () => {
    const total = async () => (await rekey.admin('GET', '/admin/v1/applications')).body.total;
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page);
    await signIn(page, rekey);  // the context now holds the session cookie
    const before = await total();

    // A page on another origin whose form posts a JSON-looking text/plain body on load.
    const target = `${rekey.url}/admin/v1/applications`;
    const attacker = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><form id="f" method="post" enctype="text/plain" action="${target}">`
        + `<input name='{"name":"csrf","x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise((r) => attacker.listen(0, '127.0.0.1', r));
    try {
      const rekeyHost = new URL(rekey.url).hostname;
      for (const host of ['127.0.0.1', 'localhost']) {
        // 127.0.0.1 on another port is the same site, so the cookie goes along and the CSRF
        // check must refuse (403); localhost is another site, so SameSite=Strict withholds it (401).
        const attack = await context.newPage();
        const answered = attack.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
        await attack.goto(`http://${host}:${attacker.address().port}/`);
        const res = await answered;
        assert.equal(res.status(), host === rekeyHost ? 403 : 401, `form from ${host}: ${await res.text()}`);
        await attack.close();
      }
    } finally {
      attacker.close();
    }
    assert.equal(await total(), before, 'a cross-origin form created an application');

    // Same origin, session cookie, but no (or a wrong) X-CSRF-Token: 403 AccessDenied.
    for (const csrf of [undefined, 'not-the-token']) {
      const answer = await page.evaluate(async (token) => {
        const headers = { 'content-type': 'application/json' };
        if (token) headers['x-csrf-token'] = token;
        const res = await fetch('/admin/v1/applications', { method: 'POST', headers, body: JSON.stringify({ name: 'no-csrf' }), credentials: 'same-origin' });
        return { status: res.status, body: await res.json() };
      }, csrf);
      assert.equal(answer.status, 403, JSON.stringify(answer.body));
      assert.equal(answer.body.errors[0].code, 'AccessDenied');
    }
    const signOut = await page.evaluate(async () => (await fetch('/console/api/session', { method: 'DELETE' })).status);
    assert.equal(signOut, 403, 'sign-out needs the CSRF token too');
    assert.equal(await total(), before, 'a request without the CSRF token created an application');

    // The same request with the session's token succeeds: the refusals were the CSRF check.
    const created = await page.evaluate(async () => {
      const { csrfToken } = await (await fetch('/console/api/session')).json();
      const res = await fetch('/admin/v1/applications', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'with-csrf' }) });
      return res.status;
    });
    assert.equal(created, 201);
    assert.equal(await total(), before + 1);
    await context.close();
  });

  it('serves every console answer with the strict CSP and security headers', async () => {
    const expected = {
      'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store',
    };
    for (const [route, type] of [['/console/', /^text\/html/], ['/console/console.css', /^text\/css/], ['/console/js/main.js', /^(text|application)\/javascript/],
      ['/console/js/screens/applications.js', /^(text|application)\/javascript/], ['/console/api/session', /^application\/json/]]) {
      const res = await fetch(rekey.url + route);
      await res.arrayBuffer();
      assert.equal(res.headers.get('content-security-policy')?.replace(/\s+/g, ' '), CSP, route);
      for (const [name, value] of Object.entries(expected)) assert.equal(res.headers.get(name), value, `${route} ${name}`);
      assert.match(res.headers.get('content-type') ?? '', type, route);
    }
  });
});

// The console's other actions, on an instance whose deliveries die after one second: a webhook
// destination (its signing secret shown once), an SQS destination (its key never shown again),
// unsubscribe, a dead delivery redelivered once the endpoint is fixed, the usage plan, paging
// and purge.
describe('web console, other actions', () => {
  let rekey;
  let browser;
  let hook;
  let healthy = false;
  const hits = [];
  before(async () => {
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        hits.push({ url: req.url, headers: req.headers, body, healthy });
        res.writeHead(healthy ? 200 : 500);
        res.end();
      });
    });
    await new Promise((r) => hook.listen(0, '127.0.0.1', r));
    rekey = await startRekey({ args: ['--dev', '--delivery-retry-budget', '1s', '--delivery-poll-interval', '100ms'] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await rekey?.stop();
    hook?.close();
  });

  it('manages destinations, redelivers a dead notification, edits the usage plan, pages and purges', { timeout: 600_000 }, async () => {
    const app = await rekey.createApp({ enrolled: false, name: 'Webhook app' });
    const base = `/admin/v1/applications/${app.applicationId}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);
    await signIn(page, rekey);
    await page.goto(`${rekey.url}/console/#/applications/${encodeURIComponent(app.applicationId)}/notifications`);
    const newRow = page.getByRole('region', { name: 'Application Client New Secret' });
    const expiryRow = page.getByRole('region', { name: 'Application Client Secret Expiry' });

    // A webhook for new secrets: its signing secret is shown once.
    const hookUrl = `http://127.0.0.1:${hook.address().port}/hook`;
    await newRow.getByLabel('Destination', { exact: true }).selectOption({ label: 'New webhook…' });
    await newRow.getByLabel('Webhook URL').fill(hookUrl);
    await newRow.getByRole('button', { name: 'Subscribe' }).click();
    const signing = newRow.getByRole('region', { name: 'Webhook signing secret' });
    await signing.waitFor();
    assert.match(await signing.getByRole('textbox', { name: 'Signing secret' }).inputValue(), /^whsec_/);
    await signing.getByText('This secret will not be shown again.').waitFor();
    await newRow.getByRole('definition').filter({ hasText: `Webhook ${hookUrl}` }).waitFor();

    // An SQS queue for expiry warnings: the secret key is taken and never shown again.
    const sqsKey = 'sqs-secret-key-not-to-be-shown';
    await expiryRow.getByLabel('Destination', { exact: true }).selectOption({ label: 'New Amazon SQS queue…' });
    await expiryRow.getByLabel('Queue URL').fill('https://sqs.eu-west-1.amazonaws.com/123456789012/expiry');
    await expiryRow.getByLabel('Region').fill('eu-west-1');
    await expiryRow.getByLabel('Access key ID').fill('AKIAEXAMPLEEXAMPLE');
    await expiryRow.getByLabel('Secret access key').fill(sqsKey);
    await expiryRow.getByRole('button', { name: 'Subscribe' }).click();
    await expiryRow.getByText('Subscribed', { exact: true }).waitFor();
    await expiryRow.getByRole('definition').filter({ hasText: 'Amazon SQS https://sqs.eu-west-1.amazonaws.com/123456789012/expiry (eu-west-1)' }).waitFor();
    assert.equal(await page.evaluate((s) => document.body.innerText.includes(s)
      || [...document.querySelectorAll('input')].some((i) => i.value === s), sqsKey), false);
    assert.doesNotMatch(JSON.stringify((await rekey.admin('GET', base)).body), new RegExp(sqsKey));

    // Unsubscribe the expiry row.
    await expiryRow.getByRole('button', { name: 'Unsubscribe' }).click();
    await expiryRow.getByText('Not subscribed', { exact: true }).waitFor();
    assert.deepEqual((await rekey.admin('GET', base)).body.subscriptions.map((s) => s.notificationType), [NEW_SECRET]);

    // The webhook answers 500 for now: Send test shows why it was refused.
    await newRow.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('alert').filter({ hasText: /\w/ }).waitFor();

    // A self-authorization refresh token, shown once, that the token endpoint takes.
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Issue refresh token' }).click();
    const refreshPanel = page.getByRole('region', { name: 'New refresh token' });
    const refreshToken = await refreshPanel.getByRole('textbox', { name: 'Refresh token' }).inputValue();
    assert.match(refreshToken, /^Atzr\|/);
    await refreshPanel.getByText('This secret will not be shown again.').waitFor();
    const exchanged = await fetch(rekey.url + '/auth/o2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, client_secret: app.clientSecret }),
    });
    assert.equal(exchanged.status, 200, await exchanged.clone().text());
    assert.match((await exchanged.json()).access_token, /^Atza\|/);
    await refreshPanel.getByRole('button', { name: 'Done' }).click();
    await refreshPanel.waitFor({ state: 'detached' });

    // Rotate: the notification dies, then is redelivered once the endpoint is fixed.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the client secret?' });
    await dialog.getByText(`Webhook ${hookUrl}`).waitFor();
    await dialog.getByRole('button', { name: 'Confirm rotation' }).click();
    await page.getByText(/^Secret rotated\./).waitFor();
    await go(page, 'Deliveries');
    const state = page.getByLabel('State', { exact: true });
    const row = page.getByRole('table', { name: 'Deliveries' }).getByRole('row').filter({ hasText: 'Webhook app' });
    await eventually('the dead delivery', async () => {
      await state.selectOption('pending');
      await state.selectOption('dead');
      await page.getByRole('heading', { name: /^Dead \(/ }).waitFor();
      return (await row.count()) > 0;
    });
    await row.getByRole('button', { name: 'Redeliver' }).waitFor();
    await shot(page, 'deliveries-dead');
    healthy = true;
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText(/is pending again/).waitFor();
    await eventually('the redelivered notification', async () => {
      await state.selectOption('dead');
      await state.selectOption('delivered');
      await page.getByRole('heading', { name: /^Delivered \(/ }).waitFor();
      return (await row.count()) > 0;
    });
    const delivered = hits.filter((h) => h.healthy && h.url === '/hook' && h.body.includes(NEW_SECRET));
    assert.ok(delivered.length >= 1, 'the webhook received the new secret');
    await go(page, 'Applications');
    const appRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Webhook app', exact: true }) });
    await appRow.getByText('Delivered', { exact: true }).waitFor();

    // Usage plan: set, then back to the service default.
    await page.getByRole('link', { name: 'Webhook app', exact: true }).click();
    await page.getByLabel('Rotation rate (per second)').fill('2');
    await page.getByLabel('Rotation burst').fill('3');
    await page.getByRole('button', { name: 'Save usage plan' }).click();
    await page.getByText('Usage plan saved.').waitFor();
    assert.deepEqual((await rekey.admin('GET', base)).body.usagePlan, { rotateRate: 2, rotateBurst: 3 });
    assert.equal(await page.getByLabel('Rotation burst').inputValue(), '3');
    await page.getByLabel('Rotation rate (per second)').fill('');
    await page.getByLabel('Rotation burst').fill('');
    await page.getByRole('button', { name: 'Save usage plan' }).click();
    await eventually('the default plan', async () => Object.keys((await rekey.admin('GET', base)).body.usagePlan).length === 0);

    // Paging: past 25 applications the list has a second page.
    for (let i = 0; i < 29; i++) await rekey.admin('POST', '/admin/v1/applications', { name: `bulk ${String(i).padStart(2, '0')}` });
    const total = (await rekey.admin('GET', '/admin/v1/applications')).body.total;
    assert.ok(total > 25 && total <= 50, `${total} applications`);
    await go(page, 'Applications');
    const pages = page.getByRole('navigation', { name: 'Application pages' });
    await pages.getByText(`1–25 of ${total}`).waitFor();
    await pages.getByRole('button', { name: 'Next page' }).click();
    await pages.getByText(`26–${total} of ${total}`).waitFor();
    assert.equal(await page.getByRole('table', { name: 'Applications' }).getByRole('row').count(), 1 + total - 25);
    assert.equal(await pages.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    await pages.getByRole('button', { name: 'Previous page' }).click();
    await pages.getByText(`1–25 of ${total}`).waitFor();

    // Purge an embedded queue that holds a message.
    const dest = await rekey.admin('POST', `${base}/destinations`, { kind: 'embedded', queue: 'purge-me' });
    assert.equal((await rekey.admin('POST', `/admin/v1/destinations/${dest.body.destinationId}/test`)).status, 200);
    await go(page, 'Queues');
    const queueRow = page.getByRole('row').filter({ hasText: 'purge-me' });
    await queueRow.getByRole('button', { name: 'Purge' }).click();
    await page.getByRole('dialog', { name: 'Purge this queue?' }).getByRole('button', { name: 'Confirm purge' }).click();
    await page.getByText(/^Queue .*purge-me purged\.$/).waitFor();
    const queues = (await rekey.admin('GET', '/admin/v1/queues')).body.queues;
    assert.equal(queues.find((q) => q.name === 'purge-me').visible, 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

// The source itself: no way to turn a string into markup or code, no inline script or style.
describe('console source', () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full); else files.push(full);
    }
  };
  walk(WEB);

  it('never parses strings as HTML or code', () => {
    const forbidden = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\s*\(|new\s+Function|setTimeout\s*\(\s*['"`]|setInterval\s*\(\s*['"`])/;
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      assert.doesNotMatch(code, forbidden, path.relative(WEB, file));
    }
  });

  it('has no inline script, style or event attribute in its HTML', () => {
    const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=|javascript:/i);
    assert.match(html, /<script type="module" src="js\/main\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="console\.css">/);
  });
});
