// The unmodified official SP-API JavaScript SDK aimed at a rekey server (wire-notes.md): the
// SDK's LWA URL is hard-coded, so the SDK's own superagent is redirected to rekey.
import superagent from 'superagent';
import { ApplicationsSpApi, ScopeConstants } from '@amazon-sp-api-release/amazon-sp-api-sdk-js';

const originalPost = superagent.post;

// Points the SDK at `url`; returns a function that undoes it.
export function redirectLwa(url) {
  superagent.post = (target, ...rest) => originalPost.call(superagent, target.replace('https://api.amazon.com', url), ...rest);
  return () => { superagent.post = originalPost; };
}

// An ApplicationsApi for one application: grantless (rotation scope) or with a refresh token.
export function applicationsApi(url, { clientId, clientSecret, refreshToken = null }) {
  const client = new ApplicationsSpApi.ApiClient(url);
  client.enableAutoRetrievalAccessToken(clientId, clientSecret, refreshToken,
    refreshToken ? null : ScopeConstants.SCOPE_APPLICATION_MANAGEMENT_API);
  client.disableRateLimiter();  // else its own limiter drops a second call within 60 s
  return new ApplicationsSpApi.ApplicationsApi(client);
}

export { ScopeConstants };
