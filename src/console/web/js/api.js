// The console's one way to talk to rekey: same-origin fetch with the session cookie, JSON in and
// out, the CSRF token on every request that is not GET or HEAD. A refused call throws an
// ApiError whose message is the ErrorList's errors[0].message (and its details when not empty);
// a 401 (the session ended or was never there) hands control to the sign-in screen.

// rekey's root: this file is /console/js/api.js, so two levels up (works behind a path prefix).
const ROOT = new URL('../../', import.meta.url);

let csrfToken = null;
let onUnauthorized = () => {};

export function setCsrfToken(token) { csrfToken = token; }
export function whenUnauthorized(handler) { onUnauthorized = handler; }

export class ApiError extends Error {
  constructor(status, code, message, details = '') {
    super(details ? `${message} ${details}` : message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// The message of an error answer: an ErrorList, an LWA-style {error, error_description}, a
// destination test's {error}, or the status line.
function errorOf(status, data) {
  const first = data?.errors?.[0];
  if (first && typeof first.message === 'string') {
    return new ApiError(status, first.code ?? '', first.message, typeof first.details === 'string' ? first.details : '');
  }
  if (data && typeof data.error === 'string') {
    return new ApiError(status, '', data.error_description || data.error);
  }
  return new ApiError(status, '', `rekey answered HTTP ${status}.`);
}

// request('POST', 'admin/v1/applications', { name }) → the parsed answer (null for 204).
// options.quiet401: a 401 is just an error (the sign-in call itself), not "signed out".
export async function request(method, path, body, { quiet401 = false } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res;
  try {
    res = await fetch(new URL(path, ROOT), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, 'NetworkError', 'rekey could not be reached.', e?.message ?? '');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) return data;
  const error = errorOf(res.status, data);
  if (res.status === 401 && !quiet401) onUnauthorized(error);
  throw error;
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);
export const put = (path, body = {}) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

// 'admin/v1/applications/' + seg(id): one path segment, percent-encoded.
export const seg = (value) => encodeURIComponent(String(value));

// A query string from an object, leaving out empty values: qs({ q: 'x', offset: 0 }) → '?q=x&offset=0'.
export function qs(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// The session calls (docs/console.md "Sign-in and sessions").
export const session = {
  async current() {
    try {
      return await request('GET', 'console/api/session', undefined, { quiet401: true });
    } catch (e) {
      if (e.status === 401) return null;
      throw e;
    }
  },
  signIn: (token) => request('POST', 'console/api/session', { token }, { quiet401: true }),
  signOut: () => request('DELETE', 'console/api/session', undefined, { quiet401: true }),
};
