// rekey backup / restore (issue #17 item 5): a backup taken while rotations run, restored into a
// new data directory, holds every rotation answered 204 before the backup began — its new
// secret and its notification together — and its audit chain verifies; restore never
// overwrites a database, and a backup never overwrites a file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, NEW_SECRET, startRekey } from './support/rekey.mjs';

const APPS = 24;

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('rekey backup and restore', () => {
  let rekey;
  let work;
  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'rekey-backup-'));
    rekey = await startRekey({ args: ['--rotate-rate', '100', '--rotate-burst', '100'] });
  });
  after(async () => {
    await rekey?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('copies a running database consistently during a rotation storm', async () => {
    const apps = [];
    for (let i = 0; i < APPS; i++) {
      const app = await rekey.createApp({ name: `storm-${i}` });
      apps.push({ ...app, token: await rekey.token(app) });
    }
    const backupFile = path.join(work, 'rekey.backup');
    let backupStartedAt = null;
    const answered = new Map();  // applicationId → the time its 204 arrived
    // Rotations in flight on every application at once, and the backup started halfway through.
    const storm = apps.map(async (app, i) => {
      await new Promise((r) => setTimeout(r, i * 5));
      const res = await rekey.rotate(app.token);
      assert.equal(res.status, 204);
      answered.set(app.applicationId, performance.now());
    });
    const backup = (async () => {
      await new Promise((r) => setTimeout(r, (APPS * 5) / 2));
      backupStartedAt = performance.now();
      return run(['backup', '--data-dir', rekey.dataDir, '--to', backupFile]);
    })();
    await Promise.all(storm);
    const made = await backup;
    assert.equal(made.code, 0, made.err);
    assert.match(made.out, /master key is not in it/);
    assert.equal(statSync(backupFile).mode & 0o777, 0o600);
    const before = [...answered].filter(([, at]) => at < backupStartedAt).map(([id]) => id);
    assert.ok(before.length > 0, 'some rotations were answered before the backup began');

    // Restored into a new data directory, with the master key put there apart.
    const restoredDir = path.join(work, 'restored');
    const restored = await run(['restore', '--from', backupFile, '--data-dir', restoredDir]);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /master key/);
    copyFileSync(path.join(rekey.dataDir, 'master.key'), path.join(restoredDir, 'master.key'));
    copyFileSync(path.join(rekey.dataDir, 'admin-token'), path.join(restoredDir, 'admin-token'));
    const copy = await startRekey({ dataDir: restoredDir });
    try {
      for (const app of apps) {
        const shown = await copy.admin('GET', `/admin/v1/applications/${app.applicationId}`);
        assert.equal(shown.status, 200);
        const rotated = shown.body.secrets.length === 2;
        if (before.includes(app.applicationId)) assert.ok(rotated, `${app.name} rotated before the backup`);
        // A rotation is there whole or not at all: its new secret and its notification together.
        const notices = shown.body.deliveries.filter((d) => d.notificationType === NEW_SECRET);
        assert.equal(notices.length, rotated ? 1 : 0, `${app.name}: ${JSON.stringify(shown.body.deliveries)}`);
        if (rotated) assert.match(notices[0].state, /^(delivered|pending)$/);
      }
      const verified = await copy.admin('GET', '/admin/v1/audit/verify');
      assert.equal(verified.status, 200);
      assert.equal(verified.body.ok, true, JSON.stringify(verified.body));
    } finally {
      await copy.stop();
    }
  });

  it('never overwrites: an existing backup file, a data directory with a database', async () => {
    const file = path.join(work, 'again.backup');
    assert.equal((await run(['backup', '--data-dir', rekey.dataDir, '--to', file])).code, 0);
    const twice = await run(['backup', '--data-dir', rekey.dataDir, '--to', file]);
    assert.equal(twice.code, 1);
    assert.match(twice.err, /never overwrites/);
    const over = await run(['restore', '--from', file, '--data-dir', rekey.dataDir]);
    assert.equal(over.code, 1);
    assert.match(over.err, /has a database/);
    assert.ok(existsSync(path.join(rekey.dataDir, 'rekey.db')));
  });

  it('refuses what is no rekey database, and PostgreSQL', async () => {
    const junk = path.join(work, 'junk');
    spawnSync('sh', ['-c', `head -c 8192 /dev/urandom > ${junk}`]);
    const bad = await run(['restore', '--from', junk, '--data-dir', path.join(work, 'never')]);
    assert.equal(bad.code, 1);
    assert.ok(!existsSync(path.join(work, 'never', 'rekey.db')));
    const pg = await run(['backup', '--database', 'postgres://rekey@localhost/rekey', '--to', path.join(work, 'pg')]);
    assert.equal(pg.code, 1);
    assert.match(pg.err, /pg_dump/);
  });
});
