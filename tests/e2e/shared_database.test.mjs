// Two rekey processes on one database: the rate limit is decided in storage, signing keys are
// shared through storage, and a secret one node created authenticates at the other (a cache
// miss is re-checked against storage before it is refused).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRekey, errorOf } from './support/rekey.mjs';

describe('two processes on one SQLite database', () => {
  it('share tokens, secrets and the rate limit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rekey-shared-'));
    const a = await startRekey({ dataDir: dir });
    const b = await startRekey({ dataDir: dir });
    try {
      const app = await a.createApp();
      // Created at A, authenticated at B; minted at B, verified at A.
      const tokenFromB = await b.token(app);
      const tokenFromA = await a.token(app);
      assert.equal((await a.rotate(tokenFromB)).status, 204);
      // B has never seen this application's bucket, yet storage refuses the second call.
      const refused = await b.rotate(tokenFromA);
      assert.equal(refused.status, 429);
      assert.equal((await errorOf(refused)).code, 'QuotaExceeded');
      // The new secret (written by A) is known to B's storage: B lists two secrets.
      const shown = await b.admin('GET', `/admin/v1/applications/${app.applicationId}`);
      assert.deepEqual(shown.body.secrets.map((s) => s.state), ['current', 'old']);
    } finally {
      await b.stop();
      await a.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
