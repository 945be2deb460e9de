// The health endpoints (issue #17 item 2): /health/live, and /health/ready naming each check —
// storage answering, the relay loop running, maintenance off, not shutting down. /health and
// /ready stay as they were.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRekey } from './support/rekey.mjs';

describe('health endpoints', () => {
  let rekey;
  before(async () => { rekey = await startRekey(); });
  after(() => rekey.stop());

  const get = async (route) => {
    const res = await fetch(rekey.url + route);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };

  it('answers /health/live while the process runs', async () => {
    assert.deepEqual(await get('/health/live'), { status: 200, type: 'application/json', body: { status: 'ok' } });
    assert.deepEqual((await get('/health')).body, { status: 'ok' });
  });

  it('names each readiness check', async () => {
    const ready = await get('/health/ready');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.deepEqual(ready.body, {
      status: 'ready',
      checks: {
        storage: { ok: true, detail: 'answering' },
        relay: { ok: true, detail: 'running' },
        maintenance: { ok: true, detail: 'off' },
        shutdown: { ok: true, detail: 'serving' },
      },
    });
    assert.deepEqual((await get('/ready')).body, { status: 'ready' });
  });

  it('is not ready in maintenance mode, while /ready keeps the node in its load balancer', async () => {
    assert.equal((await rekey.admin('PUT', '/admin/v1/system/maintenance', { enabled: true })).status, 200);
    try {
      const ready = await get('/health/ready');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, 'not ready');
      assert.deepEqual(ready.body.checks.maintenance, { ok: false, detail: 'on' });
      assert.equal(ready.body.checks.storage.ok, true);
      assert.equal((await get('/ready')).status, 200);
      const system = await rekey.admin('GET', '/admin/v1/system');
      assert.equal(system.body.ready, false);
      assert.deepEqual(system.body.checks.maintenance, { ok: false, detail: 'on' });
    } finally {
      await rekey.admin('PUT', '/admin/v1/system/maintenance', { enabled: false });
    }
    assert.equal((await get('/health/ready')).status, 200);
  });
});
