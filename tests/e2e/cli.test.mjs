// The rekey command line: admin commands against a running server, --dev, and configuration
// precedence (defaults < TOML file < REKEY_* environment < flags).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRekey, BIN, cli, NEW_SECRET } from './support/rekey.mjs';

// The CLI as a person runs it: no --output (nor REKEY_OUTPUT), so text.
function human(rekey, args, env = {}) {
  const base = { ...process.env };
  delete base.REKEY_OUTPUT;
  const r = spawnSync(BIN, [...args, '--server', rekey.url, '--admin-token-file', path.join(rekey.dataDir, 'admin-token')],
    { encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const lineWith = (text, part) => text.split('\n').find((line) => line.includes(part)) ?? '';
const RECENT = /UTC \((just now|\d+ (second|minute)s? ago)\)/;

describe('rekey CLI', () => {
  let rekey;
  before(async () => { rekey = await startRekey(); });
  after(() => rekey.stop());

  it('does the whole developer set-up, printing the secret once', async () => {
    const created = cli(rekey, ['app', 'create', '--name', 'cli-app']);
    assert.equal(created.code, 0, created.err);
    const app = created.json;
    assert.match(app.clientSecret, /^amzn1\.oa2-cs\.v1\.[0-9a-f]{64}$/);
    assert.match(app.clientId, /^amzn1\.application-oa2-client\.[0-9a-f]{32}$/);
    assert.match(app.applicationId, /^amzn1\.sp\.solution\.[0-9a-f-]{36}$/);

    const list = cli(rekey, ['app', 'list']);
    assert.ok(list.json.applications.some((a) => a.applicationId === app.applicationId));
    assert.ok(!list.out.includes(app.clientSecret));

    const dest = cli(rekey, ['destination', 'create', '--app', app.applicationId, '--embedded-queue', 'my-queue']);
    assert.equal(dest.code, 0, dest.err);
    const sub = cli(rekey, ['subscription', 'set', '--app', app.applicationId, '--type', 'APPLICATION_OAUTH_CLIENT_NEW_SECRET',
      '--destination', dest.json.destinationId]);
    assert.equal(sub.code, 0, sub.err);
    const refresh = cli(rekey, ['refresh-token', 'create', '--app', app.applicationId]);
    assert.match(refresh.json.refreshToken, /^Atzr\|[A-Za-z0-9._-]+$/);

    const shown = cli(rekey, ['app', 'show', app.applicationId]);
    assert.equal(shown.json.secrets.length, 1);
    assert.equal(shown.json.secrets[0].state, 'current');
    assert.equal(shown.json.subscriptions[0].destinationId, dest.json.destinationId);
    assert.ok(!shown.out.includes(app.clientSecret));
    assert.equal((await rekey.rotate(await rekey.token(app))).status, 204);
  });

  it('fails with a clear message and exit 1 on bad input, unknown ids and a bad admin token', () => {
    const app = cli(rekey, ['app', 'create', '--name', 'x']).json;
    const bad = cli(rekey, ['destination', 'create', '--app', app.applicationId, '--embedded-queue', 'no spaces!']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /400/);
    assert.equal(cli(rekey, ['app', 'show', 'amzn1.sp.solution.nope']).code, 1);
    const wrongType = cli(rekey, ['subscription', 'set', '--app', app.applicationId, '--type', 'NOPE', '--destination', 'x']);
    assert.equal(wrongType.code, 1);
    const unauthorized = cli(rekey, ['app', 'list'], { REKEY_ADMIN_TOKEN: 'rekey-admin-wrong' });
    assert.equal(unauthorized.code, 1);
    assert.match(unauthorized.err, /401/);
  });

  it('keeps the admin token and master key in mode 0600 files', () => {
    for (const file of ['admin-token', 'master.key']) {
      assert.equal(statSync(path.join(rekey.dataDir, file)).mode & 0o777, 0o600, file);
    }
  });
});

// Issue #17 item 8: the CLI speaks to people — tables and blocks by default; --output json (or
// REKEY_OUTPUT=json) prints the admin API's JSON as it always has, for scripts.
describe('rekey CLI output', () => {
  let rekey;
  let app;
  before(async () => {
    rekey = await startRekey();
    app = cli(rekey, ['app', 'create', '--name', 'billing-service']).json;
    const dest = cli(rekey, ['destination', 'create', '--app', app.applicationId, '--embedded-queue', 'out-q']).json;
    cli(rekey, ['subscription', 'set', '--app', app.applicationId, '--type', NEW_SECRET, '--destination', dest.destinationId]);
    assert.equal((await rekey.rotate(await rekey.token(app))).status, 204);
    await rekey.token(app);  // the old secret, used after the rotation: the fleet has not switched yet
    for (let i = 0; i < 50; i++) {  // usage is written by the sweep, delivery by the relay
      const shown = cli(rekey, ['app', 'show', app.applicationId]).json;
      const [current, old] = shown.secrets;
      if (shown.deliveries[0]?.state === 'delivered' && Date.parse(old.lastUsedAt) > Date.parse(current.createdAt)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the rotation was not delivered, or the old secret\'s use not recorded');
  });
  after(() => rekey.stop());

  it('app list: a table of names, ids, the current secret\'s expiry in words, enrollment and delivery health', () => {
    const r = human(rekey, ['app', 'list']);
    assert.equal(r.code, 0, r.err);
    assert.throws(() => JSON.parse(r.out));
    assert.match(r.out, /^NAME +APPLICATION ID +CLIENT ID +CURRENT SECRET +ENROLLED +LAST DELIVERY\n/);
    const row = lineWith(r.out, app.applicationId);
    assert.match(row, /^billing-service +/);
    assert.ok(row.includes(app.clientId), row);
    assert.match(row, / expires in 180 days +yes +delivered$/);
    assert.ok(!r.out.includes(app.clientSecret));
  });

  it('app show: which secret is current, when each expires, and whether the old one is still used', () => {
    const { secrets: [current, old] } = cli(rekey, ['app', 'show', app.applicationId]).json;
    const r = human(rekey, ['app', 'show', app.applicationId]);
    assert.equal(r.code, 0, r.err);
    const out = r.out;
    assert.match(out, /^billing-service\n/);
    assert.ok(out.includes(`current secret ${current.fingerprint} (id ${current.secretId})`), out);
    assert.ok(out.includes(`old secret ${old.fingerprint} (id ${old.secretId}), still accepted until it expires`), out);
    assert.match(out, /expires +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 180 days\)/);
    assert.match(out, /expires +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 7 days\)/);
    assert.match(out, new RegExp(`last used +.*${RECENT.source}, ${old.useCount} uses?\n`));
    assert.match(out, /last used +never \(0 uses\)/);
    assert.match(out, /since rotation +STILL IN USE: used after the current secret was created/);
    assert.match(out, /usage plan +0\.0167 calls\/s, about 1 a minute \(default\); burst 1 \(default\)/);
    assert.match(out, /enrolled +yes: new secrets go to embedded queue 000000000000\/out-q/);
    assert.ok(!out.includes(app.clientSecret));
  });

  it('delivery list and audit list: tables with times absolute and relative, states in words', () => {
    const [delivered] = cli(rekey, ['delivery', 'list', '--state', 'delivered']).json.deliveries;
    const deliveries = human(rekey, ['delivery', 'list', '--state', 'delivered']);
    assert.equal(deliveries.code, 0, deliveries.err);
    assert.match(deliveries.out, /^NOTIFICATION ID +TYPE +STATE +ATTEMPTS +CREATED +DELIVERED \/ NEXT ATTEMPT +APPLICATION ID/);
    const row = lineWith(deliveries.out, delivered.notificationId);
    assert.match(row, / new secret +delivered +1 +/);
    assert.match(row, RECENT);
    assert.equal(human(rekey, ['delivery', 'list']).out, 'no deliveries\n');  // none dead

    const audit = human(rekey, ['audit', 'list', '--application', app.applicationId]);
    assert.equal(audit.code, 0, audit.err);
    assert.match(audit.out, /^SEQ +WHEN +ACTOR +ACTION +APPLICATION ID +DETAIL\n/);
    for (const action of ['application.created', 'destination.created', 'subscription.set', 'secret.rotated']) {
      assert.match(lineWith(audit.out, action), RECENT, action);
    }
  });

  it('prints the secrets that are shown once, labelled, and refusals in words', async () => {
    const created = human(rekey, ['app', 'create', '--name', 'shown-once']);
    assert.equal(created.code, 0, created.err);
    const clientSecret = created.out.match(/client secret \(shown once\) +(amzn1\.oa2-cs\.v1\.[0-9a-f]{64})\n/)[1];
    const clientId = created.out.match(/client id +(\S+)\n/)[1];
    assert.ok(await rekey.token({ clientId, clientSecret }), 'the printed secret is the secret');
    assert.match(human(rekey, ['access-key', 'create', '--account', '000000000000']).out,
      /secret access key \(shown once\) +\S{20,}\n/);
    assert.match(human(rekey, ['refresh-token', 'create', '--app', app.applicationId]).out,
      /refresh token \(shown once\) +Atzr\|\S+\n/);

    const missing = human(rekey, ['app', 'show', 'amzn1.sp.solution.nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^rekey: the server answered 404 \w+: .+\n$/);
  });

  it('--output json and REKEY_OUTPUT=json print the admin API\'s answers as they are', async () => {
    const id = app.applicationId;
    for (const [args, route] of [
      [['app', 'show', id], `/admin/v1/applications/${id}`],
      [['app', 'list'], '/admin/v1/applications?q=&offset=0&limit=50'],
      [['delivery', 'list', '--state', 'delivered'], '/admin/v1/deliveries?state=delivered'],
      [['audit', 'list', '--application', id], `/admin/v1/audit?after=0&limit=1000&application=${id}&action=`],
    ]) {
      const api = (await rekey.admin('GET', route)).body;
      const printed = cli(rekey, args);
      assert.equal(printed.code, 0, printed.err);
      assert.equal(printed.out.trim().split('\n').length, 1, 'one line of JSON, as before');
      assert.deepEqual(printed.json, api, args.join(' '));
      const fromEnv = human(rekey, args, { REKEY_OUTPUT: 'json' });
      assert.deepEqual(JSON.parse(fromEnv.out), api, `REKEY_OUTPUT=json ${args.join(' ')}`);
    }
    const missing = cli(rekey, ['app', 'show', 'amzn1.sp.solution.nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^rekey: the server answered 404: \{"errors":/);
    const bad = human(rekey, ['app', 'list', '--output', 'yaml']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /--output/);
  });

  it('reckons relative times from the server\'s clock, which --dev time travel moves', async () => {
    const dev = await startRekey({ args: ['--dev'] });
    try {
      assert.equal(cli(dev, ['dev', 'clock', 'advance', '183d']).code, 0);
      const list = human(dev, ['app', 'list']);
      assert.match(lineWith(list.out, 'demo'), / EXPIRED 3 days ago +yes /);
      const [demo] = cli(dev, ['app', 'list']).json.applications;
      assert.match(human(dev, ['app', 'show', demo.applicationId]).out, /current secret \S+ \(id \S+\), EXPIRED\n/);
      assert.match(human(dev, ['dev', 'clock', 'show']).out, /time travel +183 days ahead of the real time/);
    } finally {
      await dev.stop();
    }
  });
});

describe('rekey app show: the effective usage plan', () => {
  it('shows the server\'s own default plan, not the built-in one', async () => {
    const rekey = await startRekey({ args: ['--rotate-rate', '0.5', '--rotate-burst', '3'] });
    try {
      const app = cli(rekey, ['app', 'create', '--name', 'defaulted']).json;
      const r = human(rekey, ['app', 'show', app.applicationId]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /usage plan +0\.5 calls\/s, about 30 a minute \(default\); burst 3 \(default\)/);
    } finally {
      await rekey.stop();
    }
  });
});

describe('rekey serve modes', () => {
  it('creates nothing without --dev, and the demo application once with --dev', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rekey-dev-'));
    try {
      let rekey = await startRekey({ dataDir: dir });
      assert.deepEqual((await rekey.admin('GET', '/admin/v1/applications')).body.applications, []);
      await rekey.stop();
      rekey = await startRekey({ dataDir: dir, args: ['--dev'] });
      assert.match(rekey.stdout(), /client secret: +amzn1\.oa2-cs\.v1\.[0-9a-f]{64}/);
      const clientId = rekey.stdout().match(/client id: +(\S+)/)[1];
      const secret = rekey.stdout().match(/client secret: +(\S+)/)[1];
      assert.equal((await rekey.rotate(await rekey.token({ clientId, clientSecret: secret }))).status, 204);
      await rekey.stop();
      rekey = await startRekey({ dataDir: dir, args: ['--dev'] });
      assert.doesNotMatch(rekey.stdout(), /client secret:/);
      assert.equal((await rekey.admin('GET', '/admin/v1/applications')).body.applications.length, 1);
      await rekey.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes settings from TOML, overridden by REKEY_* variables, overridden by flags', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rekey-config-'));
    const file = path.join(dir, 'rekey.toml');
    writeFileSync(file, '[rate_limit]\nrotate_rate = 2.0\nrotate_burst = 5\n');
    const rateApplied = async (args, env) => {
      const rekey = await startRekey({ args: ['--config', file, ...args], env });
      const app = await rekey.createApp();
      const res = await rekey.rotate(await rekey.token(app));
      await rekey.stop();
      return res.headers.get('x-amzn-ratelimit-limit');
    };
    try {
      assert.equal(await rateApplied([], {}), '2');
      assert.equal(await rateApplied([], { REKEY_ROTATE_RATE: '3' }), '3');
      assert.equal(await rateApplied(['--rotate-rate', '4'], { REKEY_ROTATE_RATE: '3' }), '4');
      writeFileSync(file, '[rate_limit]\nrotate_rate = "fast"\n');
      const refused = spawnSync(BIN, ['serve', '--config', file, '--port', '0', '--data-dir', dir], { encoding: 'utf8' });
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /rate_limit\.rotate_rate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Issue #17 item 7: a bad flag says what to write; --listen takes HOST:PORT and [v6]:port.
describe('command-line values', () => {
  const serve = (args) => spawnSync(BIN, ['serve', '--data-dir', mkdtempSync(path.join(tmpdir(), 'rekey-flags-')), ...args],
    { encoding: 'utf8', timeout: 30_000 });

  it('refuses a malformed --listen or --admin-listen saying what a good value is', () => {
    for (const [flag, value] of [['--listen', 'localhost:8080'], ['--listen', '127.0.0.1:99999'], ['--listen', '[::1'],
      ['--admin-listen', '127.0.0.1'], ['--port', 'http']]) {
      const r = serve([flag, value]);
      assert.equal(r.status, 1, `${flag} ${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^rekey: error: bad value for ${flag} / REKEY_[A-Z_]+: ${value.replace(/[[\]]/g, '\\$&')} \\(.+\\)\\n$`));
      assert.doesNotMatch(r.stderr, /system:|Invalid argument/);
    }
    assert.match(serve(['--listen', 'nope']).stderr, /it must be an IP address, optionally with a port: 127\.0\.0\.1, 0\.0\.0\.0:8080/);
  });

  it('takes HOST:PORT and [v6]:PORT in --listen', async () => {
    for (const listen of ['127.0.0.1:0', '[::1]:0']) {
      const rekey = await startRekey({ args: ['--listen', listen] });
      try {
        assert.equal((await fetch(rekey.url + '/health')).status, 200, rekey.url);
        if (listen.startsWith('[')) assert.match(rekey.url, /^http:\/\/\[::1\]:\d+$/);
      } finally {
        await rekey.stop();
      }
    }
  });
});

describe('rekey --version', () => {
  it('prints the version and exits 0', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^rekey \d+\.\d+\.\d+\n$/);
  });
});
