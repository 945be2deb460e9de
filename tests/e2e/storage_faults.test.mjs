// Issue #14 items 2, 3 and 9: the database files vanishing under a running server, a full disk,
// and the modes of the files rekey creates. A write that cannot survive a restart is never
// acknowledged; readiness says so; the log stays bounded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRekey } from './support/rekey.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const createApp = (rekey, name) => fetch(rekey.url + '/admin/v1/applications', {
  method: 'POST', headers: { authorization: `Bearer ${rekey.adminToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name }),
});
const warningAndErrorLines = (rekey) => rekey.stderr().split('\n').filter((l) => / (warning|error) /.test(l));

describe('storage faults', () => {
  it('refuses every write and is not ready once its database files are deleted', async () => {
    const rekey = await startRekey();
    try {
      assert.equal((await createApp(rekey, 'before')).status, 201);
      assert.equal((await fetch(rekey.url + '/ready')).status, 200);
      for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(rekey.dataDir, 'rekey.db' + suffix), { force: true });
      const refused = await createApp(rekey, 'after');
      assert.equal(refused.status, 503);
      assert.equal((await refused.json()).errors[0].code, 'ServiceUnavailable');
      const ready = await fetch(rekey.url + '/ready');
      assert.equal(ready.status, 503);
      assert.match(await ready.text(), /storage not writable/);
      await sleep(600);  // relay passes meet the loss too: still one line about it
      assert.equal(rekey.stderr().split('\n').filter((l) => l.includes('was deleted or replaced')).length, 1);
    } finally {
      await rekey.stop();
    }
  });

  it('is not ready after a write fails on a full disk, bounds its log, and recovers when space returns', async (t) => {
    const mount = mkdtempSync(path.join(tmpdir(), 'rekey-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mount]);
    } catch {
      rmSync(mount, { recursive: true, force: true });
      t.skip('mounting a tmpfs needs root');
      return;
    }
    const dataDir = path.join(mount, 'data');
    const rekey = await startRekey({ dataDir });
    const filler = path.join(mount, 'filler');
    try {
      assert.equal((await createApp(rekey, 'fits')).status, 201);
      try { execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' }); } catch { /* full */ }
      const before = warningAndErrorLines(rekey).length;
      let refusedAt = -1;
      for (let i = 0; i < 400 && refusedAt < 0; i++) {
        const res = await createApp(rekey, 'x'.repeat(150) + i);
        if (res.status === 503) refusedAt = i;
        else assert.equal(res.status, 201);
      }
      assert.ok(refusedAt >= 0, 'a write failed once the disk was full');
      assert.equal((await fetch(rekey.url + '/ready')).status, 503);
      for (let i = 0; i < 300; i++) assert.equal((await createApp(rekey, 'more' + i)).status, 503);
      // The log's bound is a rate (rate_limited_sink: bursts of 100, then 20/s), so it is checked
      // against rekey's own timestamps, whatever the speed of this machine: over the span of the
      // failing writes' lines, no more than 100 + 20/s of them, and notes of what was held back.
      const lines = warningAndErrorLines(rekey).slice(before);
      assert.ok(lines.length > 0, 'the failing writes were logged');
      const notes = lines.filter((l) => / lines were held back /.test(l));
      const written = lines.length - notes.length;
      const span = (Date.parse(lines.at(-1).split(' ')[0]) - Date.parse(lines[0].split(' ')[0])) / 1000;
      assert.ok(notes.length > 0, 'lines were held back');
      assert.ok(written <= 100 + 20 * span + 1, `${written} warning and error lines in ${span} s for ~300 failing writes`);
      rmSync(filler);
      assert.equal((await createApp(rekey, 'space again')).status, 201);
      assert.equal((await fetch(rekey.url + '/ready')).status, 200);
    } finally {
      await rekey.stop();
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  it('creates its files 0600 whatever the data directory allows', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rekey-modes-'));
    chmodSync(dataDir, 0o777);
    // A umask that lets everything through: rekey must not rely on the caller's.
    const rekey = await startRekey({ dataDir, wrap: ['sh', '-c', 'umask 000; exec "$0" "$@"'] });
    try {
      assert.equal((await createApp(rekey, 'modes')).status, 201);
      for (const name of ['rekey.db', 'rekey.db-wal', 'rekey.db-shm', 'master.key', 'admin-token']) {
        assert.equal(statSync(path.join(dataDir, name)).mode & 0o777, 0o600, name);
      }
    } finally {
      await rekey.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
