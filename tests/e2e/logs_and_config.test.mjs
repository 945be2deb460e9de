// Logs and configuration (issue #17 items 3, 6, 7): --log-format json writes one JSON object a
// line with time, level, message and the message's key=value fields; --access-log adds one line
// per answer naming the route pattern, never the path, the query string or a credential;
// `rekey config check` prints the effective settings with the secrets left out, and a bad file
// is refused naming its line and key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, startRekey } from './support/rekey.mjs';

describe('--log-format json and --access-log', () => {
  it('writes JSON lines, and access lines without paths, query strings or secrets', async () => {
    const rekey = await startRekey({ args: ['--log-format', 'json', '--access-log'] });
    let app;
    try {
      app = await rekey.createApp({ name: 'logged' });
      await rekey.token(app);
      await fetch(`${rekey.url}/admin/v1/applications/${app.applicationId}?secret=query-value-1`,
        { headers: { authorization: `Bearer ${rekey.adminToken}` } });
      await fetch(`${rekey.url}/no/such/path-value-2`);
    } finally {
      await rekey.stop();
    }
    const lines = rekey.stderr().trim().split('\n');
    const entries = lines.map((line) => {
      const entry = JSON.parse(line);  // every line is one JSON object
      assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(entry.level, /^(trace|debug|info|warning|error|critical)$/);
      assert.equal(typeof entry.message, 'string');
      return entry;
    });
    const access = entries.filter((e) => e.message.startsWith('access '));
    assert.ok(access.length >= 5, JSON.stringify(access));
    const token = access.find((e) => e.route === '/auth/o2/token');
    assert.deepEqual(Object.keys(token).sort(),
      ['duration_ms', 'level', 'message', 'method', 'peer', 'request_id', 'route', 'status', 'time']);
    assert.equal(token.status, '200');
    assert.equal(token.peer, '127.0.0.1', 'the peer address as accept() gave it');
    assert.ok(access.some((e) => e.route === '/admin/v1/applications/{id}'));
    assert.ok(access.some((e) => e.route === '-' && e.status === '404'));
    const all = rekey.stderr();
    for (const secret of [app.clientSecret, rekey.adminToken, 'query-value-1', 'path-value-2', app.applicationId]) {
      assert.ok(!access.some((e) => JSON.stringify(e).includes(secret)), `an access line holds ${secret}`);
    }
    assert.ok(!all.includes(app.clientSecret) && !all.includes(rekey.adminToken));
  });

  it('refuses a log format or level it does not know, saying what to write', () => {
    const format = spawnSync(BIN, ['serve', '--log-format', 'xml', '--port', '0'], { encoding: 'utf8' });
    assert.equal(format.status, 1);
    assert.match(format.stderr, /--log-format.*text or json/);
    const level = spawnSync(BIN, ['serve', '--log-level', 'loud', '--port', '0'], { encoding: 'utf8' });
    assert.equal(level.status, 1);
    assert.match(level.stderr, /one of trace, debug, info, warn, error/);
  });
});

describe('rekey config check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rekey-config-'));
  const file = (name, text) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const check = (args, env = {}) => spawnSync(BIN, ['config', 'check', ...args],
    { encoding: 'utf8', env: { ...process.env, ...env } });

  it('prints the effective settings from file, environment and flags, secrets left out', () => {
    const good = file('good.toml', [
      'database = "postgres://rekey:hunter2@db.internal/rekey"',
      '[http]', 'listen = "127.0.0.1:9000"', '[secrets]', 'lifetime = "90d"', ''].join('\n'));
    const r = check(['--config', good, '--old-secret-grace', '3d'],
      { REKEY_MASTER_KEY: 'ab'.repeat(32), REKEY_ROTATE_BURST: '4' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^http\.listen = 127\.0\.0\.1:9000$/m);
    assert.match(r.stdout, /^secrets\.lifetime = 90d$/m);
    assert.match(r.stdout, /^secrets\.old_secret_grace = 3d$/m);
    assert.match(r.stdout, /^rate_limit\.rotate_burst = 4$/m);
    assert.match(r.stdout, /^database = postgres:\/\/rekey:\*\*\*@db\.internal\/rekey$/m);
    assert.ok(!r.stdout.includes('hunter2') && !r.stdout.includes('ab'.repeat(32)), r.stdout);
  });

  it('refuses a bad file naming its line and key', () => {
    const unknown = check(['--config', file('typo.toml', '[http]\nport = 9000\nlisen = "x"\n')]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /typo\.toml:3: unknown key http\.lisen/);
    const bad = check(['--config', file('bad.toml', '\n[secrets]\nlifetime = "soon"\n')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /bad\.toml:3: bad value for secrets\.lifetime/);
    const broken = check(['--config', file('broken.toml', '[http\n')]);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /broken\.toml:1:/);
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
