// Storage unavailable (SPEC §4 step 7): while another process holds the database's write lock
// past the busy timeout, calls that need storage get 503 ServiceUnavailable and /ready says
// not ready; calls answered from memory keep working; afterwards everything recovers by itself
// and the refused call has spent nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startRekey, errorOf } from './support/rekey.mjs';

function lockDatabase(file) {
  const locker = spawn('sqlite3', ['-batch', file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const locked = new Promise((resolve) => locker.stdout.once('data', resolve));
  locker.stdin.write('BEGIN EXCLUSIVE;\nSELECT 1;\n');
  const released = new Promise((resolve) => locker.on('exit', resolve));
  return { locked, release: () => { locker.stdin.end('ROLLBACK;\n'); return released; } };
}

describe('storage unavailable', () => {
  it('answers 503 while the database is locked, and recovers afterwards', async () => {
    const rekey = await startRekey();
    try {
      const app = await rekey.createApp();
      const token = await rekey.token(app);
      const lock = lockDatabase(path.join(rekey.dataDir, 'rekey.db'));
      await lock.locked;

      const res = await rekey.rotate(token);
      assert.equal(res.status, 503);
      assert.deepEqual(await errorOf(res), {
        code: 'ServiceUnavailable', message: 'Service is temporarily unavailable. Please try again.', details: '',
      });
      assert.equal((await fetch(rekey.url + '/ready')).status, 503);
      assert.ok(await rekey.token(app), 'a cached secret still gets a token');

      await lock.release();
      assert.equal((await fetch(rekey.url + '/ready')).status, 200);
      assert.equal((await rekey.rotate(token)).status, 204);
      assert.doesNotMatch(rekey.stderr(), /amzn1\.oa2-cs\.v1\./, 'no secret in the logs');
    } finally {
      await rekey.stop();
    }
  });
});
