// The rekey command line: admin commands against a running server, --dev, and configuration
// precedence (defaults < TOML file < REKEY_* environment < flags).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRekey, BIN, cli } from './support/rekey.mjs';

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
