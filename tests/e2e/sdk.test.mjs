// The unmodified official SP-API JavaScript SDK against the real binary (wire-notes.md).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRekey } from './support/rekey.mjs';
import { applicationsApi, redirectLwa, ScopeConstants } from './support/spapi.mjs';

describe('official SP-API JavaScript SDK', () => {
  let rekey;
  let restore;
  before(async () => {
    rekey = await startRekey();
    restore = redirectLwa(rekey.url);
  });
  after(async () => {
    restore();
    await rekey.stop();
  });

  const api = (app) => applicationsApi(rekey.url, app);

  async function failure(promise) {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    assert.fail('the call succeeded');
  }

  it('uses the rotation scope rekey expects', () => {
    assert.equal(ScopeConstants.SCOPE_APPLICATION_MANAGEMENT_API, 'sellingpartnerapi::client_credential:rotation');
  });

  it('rotates with a grantless token (204), then gets 429 QuotaExceeded on a second call', async () => {
    const app = await rekey.createApp();
    const applications = api(app);
    const { response } = await applications.rotateApplicationClientSecretWithHttpInfo();
    assert.equal(response.status, 204);
    assert.equal(response.headers['x-amzn-ratelimit-limit'], '0.0167');
    const error = await failure(applications.rotateApplicationClientSecretWithHttpInfo());
    assert.equal(error.status, 429);
    assert.equal(error.response.body.errors[0].code, 'QuotaExceeded');
    assert.ok(Number(error.response.headers['retry-after']) > 0);
  });

  it('gets 400 InvalidInput when the application is not enrolled', async () => {
    const app = await rekey.createApp({ enrolled: false });
    const error = await failure(api(app).rotateApplicationClientSecretWithHttpInfo());
    assert.equal(error.status, 400);
    assert.equal(error.response.body.errors[0].code, 'InvalidInput');
    assert.match(error.response.body.errors[0].message, /not enrolled for rotation notification/);
  });

  it('gets 403 Unauthorized with a refresh-token-grant token', async () => {
    const app = await rekey.createApp();
    const created = await rekey.admin('POST', `/admin/v1/applications/${app.applicationId}/refresh-tokens`);
    const error = await failure(api({ ...app, refreshToken: created.body.refreshToken }).rotateApplicationClientSecretWithHttpInfo());
    assert.equal(error.status, 403);
    assert.deepEqual(error.response.body.errors[0],
      { code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' });
  });

  it('gets 401 invalid_client from the token endpoint with a wrong secret', async () => {
    const app = await rekey.createApp();
    const error = await failure(api({ ...app, clientSecret: `amzn1.oa2-cs.v1.${'f'.repeat(64)}` })
      .rotateApplicationClientSecretWithHttpInfo());
    assert.equal(error.status, 401);
    assert.equal(error.response.body.error, 'invalid_client');
  });
});
