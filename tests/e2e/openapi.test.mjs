// docs/openapi.yaml against the real binary (#17 item 4): the document lints clean with
// Redocly's recommended rules; every operation in it is served, answering a status, headers and
// a body the document describes; every route the router serves is in it (GET
// /admin/v1/system/routes, with and without --admin-listen and --metrics-listen); and
// GET /openapi.json serves it.
//
// A route that does not exist is answered 404 with the NotFound ErrorList — and so is an
// existing route asked for an application that does not exist, in the same bytes. So each
// operation is called on things that exist (made in `before`), and a 404 is only taken as the
// route's own answer when the document lists one for it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import YAML from 'yaml';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './support/sha256.mjs';
import { startRekey, NEW_SECRET, ROTATION_SCOPE } from './support/rekey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOC_PATH = path.resolve(here, '../../docs/openapi.yaml');
const SOURCE = readFileSync(DOC_PATH, 'utf8');
const DOC = YAML.parse(SOURCE);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const TAGS = ['lwa', 'application-management', 'sqs', 'health', 'admin', 'console', 'operations'];
const ACCOUNT = '000000000000';
const SQS_VERSION = '2012-11-05';

// --- reading the document ---------------------------------------------------------------------

function resolve(ref) {
  assert.ok(ref.startsWith('#/'), `only local references: ${ref}`);
  let node = DOC;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  assert.ok(node !== undefined, `unresolved ${ref}`);
  return node;
}

// A node with its $ref followed (its siblings kept, as OpenAPI 3.1 schemas allow).
function deref(node) {
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    const { $ref, ...siblings } = node;
    node = { ...resolve($ref), ...siblings };
  }
  return node;
}

// Every operation: [METHOD, path, operation].
function operations() {
  const out = [];
  for (const [p, item] of Object.entries(DOC.paths)) {
    for (const m of METHODS) if (item[m]) out.push([m.toUpperCase(), p, item[m]]);
  }
  return out;
}

// A route as the route table names it: "GET /health", "* /console/ (prefix)".
const routeKey = (method, p, prefix) => (prefix ? `* ${p} (prefix)` : `${method} ${p}`);

// The routes the document says a server started with `flags` serves: its operations (a path
// item marked x-rekey-prefix is one prefix route) and x-rekey-other-routes, less those whose
// x-rekey-when / when names a flag not given.
function documentedRoutes(flags) {
  const present = (when) => when === undefined || flags.includes(when);
  const out = new Set();
  for (const [p, item] of Object.entries(DOC.paths)) {
    if (item['x-rekey-prefix']) {
      out.add(routeKey('*', p, true));
      continue;
    }
    for (const m of METHODS) if (item[m] && present(item[m]['x-rekey-when'])) out.add(routeKey(m.toUpperCase(), p));
  }
  for (const r of DOC['x-rekey-other-routes']) if (present(r.when)) out.add(routeKey(r.method, r.path, r.prefix));
  return out;
}

// --- checking an answer against the document --------------------------------------------------

function typeMatches(type, v) {
  if (type === 'null') return v === null;
  if (type === 'integer') return Number.isInteger(v);
  if (type === 'array') return Array.isArray(v);
  if (type === 'object') return v !== null && typeof v === 'object' && !Array.isArray(v);
  return typeof v === type;
}

// The member names a schema documents (its properties and its allOf's), or null when it takes
// any member.
function documentedNames(schema) {
  schema = deref(schema);
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return null;
  const names = new Set(Object.keys(schema.properties ?? {}));
  let described = schema.properties !== undefined || schema.additionalProperties === false;
  for (const sub of schema.allOf ?? []) {
    const more = documentedNames(sub);
    if (more === null) return null;
    described = true;
    for (const n of more) names.add(n);
  }
  return described ? names : null;
}

// What is wrong with `value` as an instance of `schema`: the subset of JSON Schema the document
// uses ($ref, allOf, anyOf, oneOf, type, const, enum, pattern, required, properties,
// additionalProperties, items, minItems). `closed`: a member the schema does not document is a
// finding too — not a rule of the document, but how this test notices an undocumented field.
function problemsOf(schema, value, where = '$', closed = true) {
  schema = deref(schema);
  const out = [];
  for (const sub of schema.allOf ?? []) out.push(...problemsOf(sub, value, where, false));
  for (const key of ['anyOf', 'oneOf']) {
    if (!schema[key]) continue;
    const tried = schema[key].map((branch) => problemsOf(branch, value, where, closed));
    if (!tried.some((p) => p.length === 0)) out.push(`${where}: matches no ${key} branch (${tried.map((p) => p[0]).join('; ')})`);
  }
  if (schema.type !== undefined) {
    const types = [schema.type].flat();
    if (!types.some((t) => typeMatches(t, value))) {
      out.push(`${where}: ${JSON.stringify(value)?.slice(0, 80)} is not ${types.join(' or ')}`);
      return out;
    }
  }
  if ('const' in schema && value !== schema.const) out.push(`${where}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) out.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    out.push(`${where}: ${JSON.stringify(value).slice(0, 80)} does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${where}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((item, i) => out.push(...problemsOf(schema.items, item, `${where}[${i}]`)));
  } else if (value !== null && typeof value === 'object') {
    for (const name of schema.required ?? []) if (!(name in value)) out.push(`${where}.${name}: missing`);
    const names = closed ? documentedNames(schema) : null;
    for (const [name, member] of Object.entries(value)) {
      if (schema.properties?.[name]) {
        out.push(...problemsOf(schema.properties[name], member, `${where}.${name}`));
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        out.push(...problemsOf(schema.additionalProperties, member, `${where}.${name}`));
      } else if (schema.additionalProperties === false || (names !== null && !names.has(name))) {
        out.push(`${where}.${name}: not in the document`);
      }
    }
  }
  return out;
}

// "text/plain; version=0.0.4" → { base: 'text/plain', params: { version: '0.0.4' } }
function mediaType(text) {
  const [base, ...params] = text.split(';').map((s) => s.trim().toLowerCase());
  return { base, params: Object.fromEntries(params.filter(Boolean).map((p) => p.split('=').map((s) => s.trim().replace(/^"|"$/g, '')))) };
}

// A documented media type fits an answer's Content-Type when the type is the same and every
// parameter the document names is there with its value.
function mediaFits(documented, actual) {
  const d = mediaType(documented);
  const a = mediaType(actual);
  return d.base === a.base && Object.entries(d.params).every(([k, v]) => a.params[k] === v);
}

// What is wrong with an answer to `METHOD path`, by the document: its status, the headers it
// requires, its Content-Type and its body.
function conformance(method, docPath, res) {
  const op = DOC.paths[docPath][method.toLowerCase()];
  const documented = op.responses[String(res.status)] ?? op.responses[`${String(res.status)[0]}XX`] ?? op.responses.default;
  if (!documented) {
    return [`status ${res.status} is not in the document (${Object.keys(op.responses).join(', ')}): ${res.text.slice(0, 200)}`];
  }
  const response = deref(documented);
  const out = [];
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const h = deref(header);
    const values = res.headers[name.toLowerCase()];  // an array for Set-Cookie
    if (values === undefined) {
      if (h.required) out.push(`header ${name}: missing`);
      continue;
    }
    const schema = deref(h.schema ?? {});
    for (const value of [values].flat()) {
      const typed = schema.type === 'number' || schema.type === 'integer' ? Number(value) : value;
      out.push(...problemsOf(schema, typed, `header ${name}`));
    }
  }
  const content = response.content ?? {};
  if (res.text === '') {
    if (Object.keys(content).length > 0) out.push('no body, where the document describes one');
    return out;
  }
  const type = res.headers['content-type'] ?? '';
  const key = Object.keys(content).find((k) => mediaFits(k, type));
  if (Object.keys(content).length === 0) return [...out, `a body the document does not describe (${type})`];
  if (key === undefined) return [...out, `Content-Type ${type} is not one of ${Object.keys(content).join(', ')}`];
  const schema = content[key].schema ?? {};
  if (/json/.test(mediaType(key).base)) {
    let body;
    try {
      body = JSON.parse(res.text);
    } catch {
      return [...out, `the body is not JSON: ${res.text.slice(0, 200)}`];
    }
    out.push(...problemsOf(schema, body));
  } else {
    out.push(...problemsOf(schema, res.text));
  }
  return out;
}

// --- talking to the server --------------------------------------------------------------------

// RFC 3986 percent-encoding, as the SigV4 signer encodes the canonical query.
const encode = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// Sends exactly this request (node:http: no Origin, no Sec-Fetch-Site, the Host as signed).
function send(origin, { method, path: target, query = {}, headers = {}, body }) {
  const qs = Object.entries(query).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  const all = { ...headers };
  if (body !== undefined) all['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: origin.hostname, port: origin.port, method, path: qs ? `${target}?${qs}` : target, headers: all },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
    req.on('error', reject);
    req.end(body);
  });
}

// The path of a documented route with its {name} segments filled in.
function fill(template, params = {}) {
  return template.replace(/\{([^}]+)\}/g, (_, name) => {
    assert.ok(params[name] !== undefined, `${template}: no value for {${name}}`);
    return encodeURIComponent(params[name]);
  });
}

const NOT_FOUND = { errors: [{ code: 'NotFound', message: "The requested resource doesn't exist.", details: '' }] };

// The router's answer to a path no route takes (and, word for word, a handler's "no such thing";
// a console route's 404 carries the console's headers).
function unmatched(res) {
  if (res.status !== 404 || res.headers['content-security-policy']) return false;
  try {
    return JSON.stringify(JSON.parse(res.text)) === JSON.stringify(NOT_FOUND);
  } catch {
    return false;
  }
}

async function routeTable(adminUrl, adminToken) {
  const res = await send(new URL(adminUrl), { method: 'GET', path: '/admin/v1/system/routes', headers: { authorization: `Bearer ${adminToken}` } });
  assert.equal(res.status, 200, `GET /admin/v1/system/routes: ${res.status} ${res.text}`);
  return { res, routes: JSON.parse(res.text).routes };
}

const servedRoutes = (routes) => new Set(routes.map((r) => routeKey(r.method, r.path, r.prefix)));
const missingFrom = (set, from) => [...from].filter((k) => !set.has(k)).sort();

// --- the probes -------------------------------------------------------------------------------

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_BODY = { 'content-type': 'application/json' };
const form = (fields) => new URLSearchParams(fields).toString();
// HTTP Basic as RFC 6749 §2.3.1 has a client send it: id and secret form-encoded first.
const basic = (id, secret) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
const invalidInput = (res) => assert.equal(JSON.parse(res.text).errors[0].code, 'InvalidInput', res.text);
const ORDERS = 'https://orders.example.com';

// How each documented operation is called, in this order (later ones use what earlier ones
// made: the rotation's delivery and queue message, the console session). Each answers the
// request's path parameters, query, headers and body; `sign` signs it with SigV4 (`header` or
// `presign`); `keep` reads what a later probe needs from the answer; `expect` checks what the
// document allows but this request must not get (an inactive introspection, another error).
const OPERATIONS = {
  'GET /health': () => ({}),
  'GET /health/live': () => ({}),
  'GET /ready': () => ({}),
  'GET /health/ready': () => ({}),
  'GET /metrics': () => ({}),
  'GET /openapi.json': () => ({}),
  'POST /auth/o2/token': (s) => ({
    headers: FORM,
    body: form({ grant_type: 'client_credentials', client_id: s.a.clientId, client_secret: s.a.clientSecret, scope: ROTATION_SCOPE }),
  }),
  'POST /auth/o2/introspect': (s) => ({
    headers: { authorization: basic(s.rs.resourceServerId, s.rs.clientSecret), ...FORM },
    body: form({ token: s.jwt, token_type_hint: 'access_token' }),
    expect: (res) => assert.equal(JSON.parse(res.text).active, true, 'a token the resource server may see is active'),
  }),
  'GET /.well-known/jwks.json': () => ({}),
  'GET /.well-known/oauth-authorization-server': () => ({}),
  'POST /applications/2023-11-30/clientSecret': (s) => ({ headers: { 'x-amz-access-token': s.token } }),
  'POST /': () => ({
    sign: 'header',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
    body: '{}',
  }),
  'GET /': () => ({ sign: 'header', query: { Action: 'ListQueues', Version: SQS_VERSION } }),
  'POST /{account}/{queue}': (s) => ({
    sign: 'header',
    params: { account: ACCOUNT, queue: s.queueA },
    headers: FORM,
    body: form({ Action: 'GetQueueAttributes', Version: SQS_VERSION, 'AttributeName.1': 'All' }),
  }),
  'GET /{account}/{queue}': (s) => ({
    sign: 'presign',
    params: { account: ACCOUNT, queue: s.queueA },
    query: { Action: 'GetQueueAttributes', Version: SQS_VERSION, 'AttributeName.1': 'ApproximateNumberOfMessages' },
  }),
  'GET /admin/v1/applications': (s) => s.admin({ query: { q: 'openapi', limit: '10' } }),
  'POST /admin/v1/applications': (s) => s.admin({ body: { name: 'openapi-created', rotateBurst: 3 } }),
  'GET /admin/v1/applications/{id}': (s) => s.admin({ params: { id: s.a.applicationId } }),
  'PUT /admin/v1/applications/{id}/usage-plan': (s) => s.admin({ params: { id: s.b.applicationId }, body: { rotateRate: 1, rotateBurst: null } }),
  'PUT /admin/v1/applications/{id}/token-settings': (s) => s.admin({
    params: { id: s.b.applicationId }, body: { tokenFormat: 'jwt', scopes: ['orders:read', 'orders:write'], audience: ORDERS },
  }),
  'POST /admin/v1/applications/{id}/rotate': (s) => s.admin({ params: { id: s.a.applicationId } }),
  'POST /admin/v1/applications/{id}/destinations': (s) => s.admin({ params: { id: s.b.applicationId }, body: { kind: 'embedded', queue: 'openapi-b' } }),
  'PUT /admin/v1/applications/{id}/subscriptions/{type}': async (s) => s.admin({
    params: { id: s.b.applicationId, type: NEW_SECRET },
    body: { destinationId: (await s.show(s.b)).destinations[0].destinationId },
  }),
  'DELETE /admin/v1/applications/{id}/subscriptions/{type}': (s) => s.admin({ params: { id: s.b.applicationId, type: NEW_SECRET } }),
  'POST /admin/v1/applications/{id}/refresh-tokens': (s) => s.admin({ params: { id: s.a.applicationId } }),
  'POST /admin/v1/applications/{id}/secrets/{secretId}/revoke': async (s) => s.admin({
    params: { id: s.b.applicationId, secretId: (await s.show(s.b)).secrets[0].secretId },
  }),
  'GET /admin/v1/deliveries': (s) => s.admin({ query: { state: 'delivered' } }),
  'POST /admin/v1/deliveries/{id}/retry': async (s) => s.admin({ params: { id: (await s.show(s.a)).deliveries[0].notificationId } }),
  'POST /admin/v1/destinations/{id}/test': async (s) => s.admin({ params: { id: (await s.show(s.a)).destinations[0].destinationId } }),
  'GET /admin/v1/access-keys': (s) => s.admin({}),
  'POST /admin/v1/access-keys': (s) => s.admin({ body: { account: ACCOUNT } }),
  'POST /admin/v1/access-keys/{id}/revoke': (s) => s.admin({ params: { id: s.spareKey.accessKeyId } }),
  'GET /admin/v1/resource-servers': (s) => s.admin({}),
  'POST /admin/v1/resource-servers': (s) => s.admin({ body: { name: 'openapi-created', audience: null } }),
  'GET /admin/v1/resource-servers/{id}': (s) => s.admin({ params: { id: s.rs.resourceServerId } }),
  'POST /admin/v1/resource-servers/{id}/revoke': (s) => s.admin({ params: { id: s.spareRs.resourceServerId } }),
  'GET /admin/v1/jwt-keys': (s) => s.admin({}),
  'POST /admin/v1/jwt-keys/rotate': (s) => s.admin({}),
  'GET /admin/v1/audit': (s) => s.admin({ query: { application: s.a.applicationId, limit: '20' } }),
  'GET /admin/v1/audit/verify': (s) => s.admin({}),
  'GET /admin/v1/dev/clock': (s) => s.admin({}),
  'POST /admin/v1/dev/clock': (s) => s.admin({ body: { advance: '1s' } }),
  'GET /admin/v1/queues': (s) => s.admin({}),
  'GET /admin/v1/queues/{account}/{name}/messages': (s) => s.admin({ params: { account: ACCOUNT, name: s.queueA }, query: { limit: '5' } }),
  'POST /admin/v1/queues/{account}/{name}/messages/{messageId}/reveal': async (s) => s.admin({
    params: { account: ACCOUNT, name: s.queueA, messageId: (await s.peek(s.queueA)).messages[0].messageId },
  }),
  'POST /admin/v1/queues/{account}/{name}/purge': (s) => s.admin({ params: { account: ACCOUNT, name: 'demo-queue' } }),
  'GET /admin/v1/system': (s) => s.admin({}),
  'PUT /admin/v1/system/maintenance': (s) => s.admin({ body: { enabled: false } }),
  'GET /admin/v1/system/routes': (s) => s.admin({}),
  'GET /console': () => ({}),
  'GET /console/': () => ({}),
  'GET /console/{file}': () => ({ params: { file: 'console.css' } }),
  'POST /console/api/session': (s) => ({
    headers: JSON_BODY,
    body: JSON.stringify({ token: s.adminToken }),
    keep: (res) => {
      s.cookie = res.headers['set-cookie']?.[0]?.split(';')[0];
      s.csrf = JSON.parse(res.text).csrfToken;
    },
  }),
  'GET /console/api/session': (s) => ({ headers: { cookie: s.cookie } }),
  'DELETE /console/api/session': (s) => ({ headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } }),
};

// Refusals, checked against the document as the answers above are: [operation, status, why, request].
const REFUSALS = [
  ['POST /auth/o2/token', 401, 'a wrong secret', (s) => ({
    headers: FORM,
    body: form({ grant_type: 'client_credentials', client_id: s.a.clientId, client_secret: 'amzn1.oa2-cs.v1.wrong', scope: ROTATION_SCOPE }),
  })],
  ['POST /auth/o2/token', 400, 'no grant_type', () => ({ headers: FORM, body: form({ scope: ROTATION_SCOPE }) })],
  ['POST /applications/2023-11-30/clientSecret', 403, 'no access token', () => ({})],
  ['POST /applications/2023-11-30/clientSecret', 415, 'a body that is not JSON', (s) => ({
    headers: { 'x-amz-access-token': s.token, ...FORM }, body: 'a=b',
  })],
  ['POST /', 403, 'an unsigned JSON request', () => ({
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}',
  })],
  ['POST /', 400, 'an action rekey does not serve', () => ({
    sign: 'header', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.AddPermission' }, body: '{}',
  })],
  ['GET /', 403, 'an unsigned query request', () => ({ query: { Action: 'ListQueues', Version: SQS_VERSION } })],
  ['GET /', 404, 'no Action', () => ({})],
  ['GET /{account}/{queue}', 404, 'a path that names no queue', () => ({ params: { account: 'not-digits', queue: 'q' }, query: { Action: 'ListQueues' } })],
  ['GET /admin/v1/applications', 401, 'no admin token', () => ({})],
  ['GET /admin/v1/applications/{id}', 404, 'no such application', (s) => s.admin({
    params: { id: 'amzn1.sp.solution.00000000-0000-4000-8000-000000000000' },
  })],
  ['POST /admin/v1/applications', 400, 'a field it does not take', (s) => s.admin({ body: { name: 'x', colour: 'blue' } })],
  ['POST /admin/v1/applications', 403, 'a session cookie without its CSRF token', async (s) => ({
    headers: { cookie: await s.signIn(), ...JSON_BODY }, body: '{"name":"x"}',
  })],
  ['POST /auth/o2/introspect', 401, 'a wrong resource-server secret', (s) => ({
    headers: { authorization: basic(s.rs.resourceServerId, 'rkrs.v1.' + '0'.repeat(64)), ...FORM },
    body: form({ token: s.jwt }),
    expect: (res) => assert.equal(JSON.parse(res.text).error, 'invalid_client'),
  })],
  ['POST /auth/o2/introspect', 400, 'no token', (s) => ({
    headers: { authorization: basic(s.rs.resourceServerId, s.rs.clientSecret), ...FORM },
    body: form({ token_type_hint: 'access_token' }),
    expect: (res) => assert.equal(JSON.parse(res.text).error, 'invalid_request'),
  })],
  ['PUT /admin/v1/applications/{id}/token-settings', 400, 'a reserved scope', (s) => s.admin({
    params: { id: s.b.applicationId }, body: { tokenFormat: 'jwt', scopes: ['sellingpartnerapi::orders'], audience: null },
    expect: invalidInput,
  })],
  ['GET /admin/v1/resource-servers/{id}', 404, 'no such resource server', (s) => s.admin({
    params: { id: 'rs-00000000-0000-4000-8000-000000000000' },
    expect: (res) => assert.deepEqual(JSON.parse(res.text), NOT_FOUND),
  })],
  ['GET /console/{file}', 404, 'no such file', () => ({ params: { file: 'no-such-file.css' } })],
  ['GET /console/api/session', 401, 'no session', () => ({})],
];

const consoleHeaders = (res) => assert.ok(res.headers['content-security-policy'], 'the console\'s headers');

// The router rows that are no operation (x-rekey-other-routes and x-rekey-prefix path items),
// each with a request only that route answers as it does. The --admin-listen stand-ins answer
// exactly what an unknown path gets — that is what they are for — so only the route table
// can show them (below).
const OTHER_ROUTES = {
  '* /admin/v1/ (prefix)': {
    request: { method: 'GET', path: '/admin/v1/openapi-no-such-route' },
    expect: (res) => assert.equal(res.status, 401, 'guarded as the admin API is: an unknown path would be 404'),
  },
  '* /console/api/ (prefix)': {
    request: { method: 'GET', path: '/console/api/openapi-no-such-route' },
    expect: (res) => { assert.equal(res.status, 404); consoleHeaders(res); },
  },
  '* /console/ (prefix)': {
    request: { method: 'GET', path: '/console/js/main.js' },
    expect: (res) => { assert.equal(res.status, 200); assert.match(res.headers['content-type'], /^text\/javascript/); consoleHeaders(res); },
  },
  'POST /console/{file}': {
    request: { method: 'POST', path: '/console/console.css', headers: FORM, body: 'Action=ListQueues' },
    expect: (res) => { assert.equal(res.status, 404); consoleHeaders(res); },
  },
};

// --- the tests --------------------------------------------------------------------------------

// What Redocly's recommended rules find that is right for rekey: [rule, where, why].
const ACCEPTED_FINDINGS = [
  ['info-license', '#/info', 'rekey names no licence'],
  ['no-path-trailing-slash', '#/paths/~1console~1', '/console/ is the console\'s address: its page loads its files relative to it'],
  ['operation-2xx-response', '#/paths/~1console/get/responses', 'GET /console is a redirect'],
  ['operation-4xx-response', '#/paths/~1console/get/responses', 'GET /console is a redirect'],
  ['operation-4xx-response', '#/paths/~1health/get/responses', 'it answers 200 or nothing'],
  ['operation-4xx-response', '#/paths/~1health~1live/get/responses', 'it answers 200 or nothing'],
  ['operation-4xx-response', '#/paths/~1ready/get/responses', 'it answers 200 or 503'],
  ['operation-4xx-response', '#/paths/~1health~1ready/get/responses', 'it answers 200 or 503'],
  ['operation-4xx-response', '#/paths/~1metrics/get/responses', 'it answers 200'],
  ['operation-4xx-response', '#/paths/~1openapi.json/get/responses', 'it answers 200'],
  ['operation-4xx-response', '#/paths/~1.well-known~1jwks.json/get/responses', 'it answers 200: public, no credentials, no parameters'],
  ['operation-4xx-response', '#/paths/~1.well-known~1oauth-authorization-server/get/responses', 'it answers 200: public, no credentials, no parameters'],
];

describe('docs/openapi.yaml', () => {
  it('is YAML 1.2 without errors, warnings or duplicate keys', () => {
    const parsed = YAML.parseDocument(SOURCE, { uniqueKeys: true });
    assert.deepEqual(parsed.errors.map((e) => e.message), []);
    assert.deepEqual(parsed.warnings.map((w) => w.message), []);
  });

  it('passes Redocly\'s recommended rules', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: SOURCE, absoluteRef: DOC_PATH, config });
    const found = problems.map((p) => ({ rule: p.ruleId, at: p.location?.[0]?.pointer, severity: p.severity, message: p.message }));
    const accepted = (f) => ACCEPTED_FINDINGS.some(([rule, at]) => rule === f.rule && at === f.at);
    assert.deepEqual(found.filter((f) => !accepted(f)), []);
    assert.deepEqual(ACCEPTED_FINDINGS.filter(([rule, at]) => !found.some((f) => f.rule === rule && f.at === at)), [],
      'accepted findings that the rules no longer find');
  });

  it('is OpenAPI 3.1 for the version CMakeLists.txt builds, with the seven tags', () => {
    const cmake = readFileSync(path.resolve(here, '../../CMakeLists.txt'), 'utf8');
    assert.equal(DOC.openapi, '3.1.0');
    assert.equal(DOC.info.version, cmake.match(/project\(rekey VERSION (\S+)/)[1]);
    assert.deepEqual(DOC.tags.map((t) => t.name), TAGS);
    for (const [method, p, op] of operations()) {
      assert.ok(op.tags?.length === 1 && TAGS.includes(op.tags[0]), `${method} ${p}: one of the seven tags`);
    }
  });
});

describe('docs/openapi.yaml against the running server', () => {
  let rekey;
  const s = {};
  before(async () => {
    rekey = await startRekey({ args: ['--dev'] });
    s.origin = new URL(rekey.url);
    s.adminToken = rekey.adminToken;
    s.a = await rekey.createApp({ name: 'openapi-a', rotateBurst: 10 });  // enrolled, with an embedded queue
    s.b = await rekey.createApp({ name: 'openapi-b', enrolled: false });
    s.queueA = 'q-' + s.a.applicationId.slice(-12);                       // createApp's queue name
    s.token = await rekey.token(s.a);
    const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
    s.spareKey = (await rekey.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
    // A JWT application whose tokens are for ORDERS, and a resource server that takes them.
    const made = async (route, body) => {
      const r = await rekey.admin('POST', route, body);
      assert.equal(r.status, 201, `POST ${route}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const jwtApp = await made('/admin/v1/applications', { name: 'openapi-jwt', tokenFormat: 'jwt', scopes: ['orders:read'], audience: ORDERS });
    s.jwt = await rekey.token(jwtApp, { scope: 'orders:read' });
    s.rs = await made('/admin/v1/resource-servers', { name: 'openapi-rs', audience: ORDERS });
    s.spareRs = await made('/admin/v1/resource-servers', { name: 'openapi-spare-rs' });
    s.signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', sha256: Sha256,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
    s.admin = ({ params, query, body, expect }) => ({
      params, query, expect,
      headers: { authorization: `Bearer ${rekey.adminToken}`, ...(body === undefined ? {} : JSON_BODY) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    s.show = async (app) => (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body;
    s.signIn = async () => {
      const res = await send(s.origin, { method: 'POST', path: '/console/api/session', headers: JSON_BODY, body: JSON.stringify({ token: rekey.adminToken }) });
      assert.equal(res.status, 200, res.text);
      return res.headers['set-cookie'][0].split(';')[0];
    };
    s.peek = async (queue) => (await rekey.admin('GET', `/admin/v1/queues/${ACCOUNT}/${queue}/messages`)).body;
  });
  after(() => rekey?.stop());

  async function call(method, docPath, probe) {
    const p = await probe(s);
    const request = { method, path: fill(docPath, p.params), query: p.query ?? {}, headers: p.headers ?? {}, body: p.body };
    if (p.sign) {
      const unsigned = { method, protocol: 'http:', hostname: s.origin.hostname, port: Number(s.origin.port),
        path: request.path, query: request.query, headers: { host: s.origin.host, ...request.headers }, body: request.body };
      const signed = p.sign === 'presign' ? await s.signer.presign(unsigned, { expiresIn: 300 }) : await s.signer.sign(unsigned);
      Object.assign(request, { query: signed.query, headers: signed.headers });
    }
    const res = await send(s.origin, request);
    p.keep?.(res);
    return { res, expect: p.expect };
  }

  it('has a request for every operation and every other route it names', () => {
    assert.deepEqual(operations().map(([m, p]) => `${m} ${p}`).sort(), Object.keys(OPERATIONS).sort());
    const others = [
      ...Object.entries(DOC.paths).filter(([, item]) => item['x-rekey-prefix']).map(([p]) => routeKey('*', p, true)),
      ...DOC['x-rekey-other-routes'].filter((r) => r.when === undefined).map((r) => routeKey(r.method, r.path, r.prefix)),
    ];
    assert.deepEqual(others.sort(), Object.keys(OTHER_ROUTES).sort());
  });

  for (const [key, probe] of Object.entries(OPERATIONS)) {
    const [method, docPath] = key.split(' ');
    it(`serves ${key} as documented`, async () => {
      const { res, expect } = await call(method, docPath, probe);
      assert.ok(!unmatched(res), `${key}: answered as a path no route takes`);
      assert.deepEqual(conformance(method, docPath, res), [], `${key}: ${res.status} ${res.text.slice(0, 300)}`);
      expect?.(res);
    });
  }

  for (const [key, status, why, probe] of REFUSALS) {
    const [method, docPath] = key.split(' ');
    it(`refuses ${key} (${why}) as documented`, async () => {
      const { res, expect } = await call(method, docPath, probe);
      assert.equal(res.status, status, res.text.slice(0, 300));
      assert.deepEqual(conformance(method, docPath, res), [], `${key}: ${res.status} ${res.text.slice(0, 300)}`);
      expect?.(res);
    });
  }

  for (const [key, { request, expect }] of Object.entries(OTHER_ROUTES)) {
    it(`serves the route ${key}`, async () => expect(await send(s.origin, request)));
  }

  it('documents every route the router serves', async () => {
    const { routes } = await routeTable(rekey.url, rekey.adminToken);
    assert.deepEqual([...new Set(routes.map((r) => r.listener))], ['public']);
    assert.deepEqual(missingFrom(documentedRoutes(['--dev']), servedRoutes(routes)), [], 'served, but not in docs/openapi.yaml');
  });

  it('serves every route it documents', async () => {
    const { routes } = await routeTable(rekey.url, rekey.adminToken);
    assert.deepEqual(missingFrom(servedRoutes(routes), documentedRoutes(['--dev'])), [], 'in docs/openapi.yaml, but not served');
  });

  it('serves this document at /openapi.json', async () => {
    const res = await send(s.origin, { method: 'GET', path: '/openapi.json' });
    assert.equal(res.status, 200, res.text.slice(0, 200));
    assert.match(res.headers['content-type'], /^application\/json/);
    assert.deepEqual(JSON.parse(res.text), DOC);
  });
});

describe('docs/openapi.yaml against a server with --admin-listen and --metrics-listen', () => {
  let rekey;
  let adminUrl;
  before(async () => {
    rekey = await startRekey({ args: ['--admin-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'] });
    adminUrl = rekey.stdout().match(/rekey admin listening on (\S+)/)[1];
  });
  after(() => rekey?.stop());

  it('documents every route of every listener, and serves every route it documents', async () => {
    const { res, routes } = await routeTable(adminUrl, rekey.adminToken);
    assert.deepEqual(conformance('GET', '/admin/v1/system/routes', res), []);
    assert.deepEqual([...new Set(routes.map((r) => r.listener))].sort(), ['admin', 'metrics', 'public']);
    assert.deepEqual(missingFrom(documentedRoutes(['--admin-listen']), servedRoutes(routes)), [], 'served, but not in docs/openapi.yaml');
    assert.deepEqual(missingFrom(servedRoutes(routes), documentedRoutes(['--admin-listen'])), [], 'in docs/openapi.yaml, but not served');
  });
});
