// A drop-in for unmodified apps (SPEC §10): rekey's local CA, Amazon's host names over HTTPS, and
// the proxy for those names alone. Every client here is unpatched and given only its environment.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ROTATE_PATH, ROTATION_SCOPE, startRekey } from './support/rekey.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const clients = path.join(here, 'support', 'clients');
const NOT_ENROLLED =
  'Application is not enrolled for rotation notification. Please update application notification preference in Developer console.';
const SPAPI_HOSTS = ['api.amazon.com', 'sellingpartnerapi-na.amazon.com', 'sellingpartnerapi-eu.amazon.com',
  'sellingpartnerapi-fe.amazon.com', 'sandbox.sellingpartnerapi-na.amazon.com', 'sandbox.sellingpartnerapi-eu.amazon.com',
  'sandbox.sellingpartnerapi-fe.amazon.com'];

const scratch = () => mkdtempSync(path.join(tmpdir(), 'rekey-drop-in-'));
const tlsInit = (dataDir) => spawnSync(BIN, ['dev', 'tls', 'init', '--data-dir', dataDir], { encoding: 'utf8' });
const files = (dataDir) => ({
  ca: path.join(dataDir, 'tls', 'ca.pem'),
  caKey: path.join(dataDir, 'tls', 'ca.key'),
  server: path.join(dataDir, 'tls', 'server.pem'),
  serverKey: path.join(dataDir, 'tls', 'server.key'),
  bundle: path.join(dataDir, 'tls', 'bundle.pem'),
});
const modeOf = (file) => statSync(file).mode & 0o777;
// The base64 lines of a PEM key: what would show if the key leaked anywhere.
const keyLines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
const queueOf = (app) => 'q-' + app.applicationId.slice(-12);

// A minimal environment: no proxy, CA or AWS variable but those a test names.
const bareEnv = (extra) => ({ PATH: process.env.PATH, HOME: scratch(), ...extra });

function run(command, args, env) {
  const r = spawnSync(command, args, { encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(r.status, 0, `${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// Sends `text` on a new connection to the proxy and resolves with the status line and what
// followed (the connection is closed by rekey after a refusal).
function raw(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error(`no answer to ${text.split('\r\n')[0]}`)); });
    socket.on('connect', () => socket.write(text));
    socket.on('data', (d) => { got += d; });
    socket.on('close', () => resolve({ status: Number(got.split(' ')[1]), text: got }));
    socket.on('error', reject);
  });
}

// The same over TLS to a TLS listener (trusting `ca`); resolves with the first answer's head.
function rawTls(port, ca, text) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', ca: readFileSync(ca), servername: 'localhost' },
      () => socket.write(text));
    let got = '';
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error(`no answer to ${text.split('\r\n')[0]}`)); });
    socket.on('data', (d) => {
      got += d;
      if (got.includes('\r\n\r\n')) { socket.destroy(); resolve({ status: Number(got.split(' ')[1]), text: got }); }
    });
    socket.on('close', () => resolve({ status: Number(got.split(' ')[1]), text: got }));
    socket.on('error', reject);
  });
}

// curl through `proxy` (HTTPS_PROXY, unless `env` says otherwise) trusting `ca`: its exit code,
// the status and body of the answer, and what it said on stderr.
function curlVia(proxy, ca, args, env = {}) {
  const r = spawnSync('curl', ['-sS', '-w', '\n%{http_code}', ...args], {
    encoding: 'utf8', env: bareEnv({ HTTPS_PROXY: proxy, CURL_CA_BUNDLE: ca, ...env }),
  });
  const lines = r.stdout.split('\n');
  return { code: r.status, status: Number(lines.pop()), body: lines.join('\n'), stderr: r.stderr };
}

// A token request as the official SDK sends it.
const tokenBody = (app, secret = app.clientSecret) =>
  `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${secret}&scope=${ROTATION_SCOPE}`;

describe('rekey dev tls init: the local CA', () => {
  const dataDir = scratch();
  let first;
  before(() => { first = tlsInit(dataDir); });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('makes a CA and a server certificate for every Amazon host name, with private keys', () => {
    assert.equal(first.status, 0, first.stderr);
    const f = files(dataDir);
    assert.equal(modeOf(f.caKey), 0o600);
    assert.equal(modeOf(f.serverKey), 0o600);
    assert.equal(modeOf(path.join(dataDir, 'tls')), 0o700);
    run('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', f.ca, f.server], process.env);
    const names = run('openssl', ['x509', '-in', f.server, '-noout', '-ext', 'subjectAltName'], process.env);
    for (const host of [...SPAPI_HOSTS, 'sqs.us-east-1.amazonaws.com', 'sqs.eu-west-1.amazonaws.com', 'localhost'])
      assert.match(names, new RegExp(`DNS:${host.replaceAll('.', '\\.')}(,|\\n)`), host);
    assert.match(names, /IP Address:127\.0\.0\.1/);
  });

  it('prints what to set for each runtime and the hosts-file line', () => {
    const ca = path.resolve(files(dataDir).ca);
    const out = first.stdout;
    assert.ok(out.includes(`export NODE_EXTRA_CA_CERTS=${ca}`), out);
    assert.ok(out.includes(`export AWS_CA_BUNDLE=${ca}`), out);
    assert.match(out, /export REQUESTS_CA_BUNDLE=\S+ SSL_CERT_FILE=\S+/);
    assert.match(out, /keytool -importcert .*-file /);
    assert.match(out, /export HTTPS_PROXY=http:\/\/127\.0\.0\.1:/);
    const hosts = out.split('\n').find((l) => l.trim().startsWith('127.0.0.1 '));
    for (const host of [...SPAPI_HOSTS, 'sqs.us-east-1.amazonaws.com']) assert.ok(hosts.split(/\s+/).includes(host), host);
    // The bundle for variables that replace the whole trust store: the system's CAs and this one.
    const bundle = readFileSync(files(dataDir).bundle, 'utf8');
    assert.ok(bundle.endsWith(readFileSync(files(dataDir).ca, 'utf8')));
    assert.ok(bundle.length > readFileSync(files(dataDir).ca, 'utf8').length * 10);
    for (const line of keyLines(files(dataDir).caKey)) {
      assert.ok(!out.includes(line), 'the CA key is printed');
      assert.ok(!first.stderr.includes(line), 'the CA key is on stderr');
    }
  });

  it('keeps a current CA and certificate when run again', () => {
    const ca = readFileSync(files(dataDir).ca, 'utf8');
    const server = readFileSync(files(dataDir).server, 'utf8');
    const again = tlsInit(dataDir);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(files(dataDir).ca, 'utf8'), ca);
    assert.equal(readFileSync(files(dataDir).server, 'utf8'), server);
    const fingerprint = (out) => out.match(/SHA-256 fingerprint (\S+);/)[1];
    assert.equal(fingerprint(again.stdout), fingerprint(first.stdout));
    assert.match(again.stdout, /kept/);
  });
});

describe('the proxy route: clients that honour HTTPS_PROXY, with only their environment set', () => {
  const dataDir = scratch();
  let rekey;
  let ca;
  let proxy;
  before(async () => {
    assert.equal(tlsInit(dataDir).status, 0);
    ca = files(dataDir).ca;
    rekey = await startRekey({ dataDir, args: ['--dev'] });
    proxy = rekey.url;
    assert.match(rekey.stdout(), new RegExp(`rekey proxy for Amazon's host names: HTTPS_PROXY=${proxy}\n`));
  });
  after(async () => {
    await rekey.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const curl = (args, env = {}) => curlVia(proxy, ca, args, env);
  const curlToken = (app, secret) => {
    const r = curl(['-d', tokenBody(app, secret), 'https://api.amazon.com/auth/o2/token']);
    assert.equal(r.status, 200, r.body + r.stderr);
    return JSON.parse(r.body).access_token;
  };
  const curlRotate = (token, host = 'sellingpartnerapi-na.amazon.com') =>
    curl(['-X', 'POST', '-H', `x-amz-access-token: ${token}`, `https://${host}${ROTATE_PATH}`]);

  it('curl: a grantless token from api.amazon.com, rotate 204, then 429; boto3 receives the new secret', async () => {
    const app = await rekey.createApp();
    const token = curlToken(app);
    assert.equal(curlRotate(token).status, 204);
    const second = curlRotate(token);
    assert.equal(second.status, 429);
    assert.equal(JSON.parse(second.body).errors[0].code, 'QuotaExceeded');

    const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: '000000000000' })).body;
    const out = run('python3', [path.join(clients, 'boto3_receive.py'), queueOf(app)], bareEnv({
      HTTPS_PROXY: proxy, AWS_CA_BUNDLE: ca, AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true',
    }));
    const seen = JSON.parse(out);
    assert.equal(seen.endpoint, 'https://sqs.us-east-1.amazonaws.com');
    assert.equal(seen.queueUrl, `https://sqs.us-east-1.amazonaws.com/000000000000/${queueOf(app)}`);
    assert.equal(seen.bodies.length, 1);
    const secret = JSON.parse(seen.bodies[0]).payload.applicationOAuthClientNewSecret;
    assert.equal(secret.clientId, app.clientId);
    assert.ok(curlToken(app, secret.newClientSecret), 'the new secret authenticates');
  });

  it('@sp-api-sdk (axios): token and rotate through the proxy in the na and eu regions', async () => {
    for (const region of ['na', 'eu']) {
      const app = await rekey.createApp();
      const out = run('node', [path.join(clients, 'sp_api_sdk_proxy.mjs'), region], bareEnv({
        HTTPS_PROXY: proxy, NODE_EXTRA_CA_CERTS: ca, LWA_CLIENT_ID: app.clientId, LWA_CLIENT_SECRET: app.clientSecret,
      }));
      const seen = JSON.parse(out);
      assert.equal(seen.endpoint, `https://sellingpartnerapi-${region}.amazon.com`);
      assert.equal(seen.first.status, 204, JSON.stringify(seen));
      assert.equal(seen.second.status, 429);
      assert.equal(seen.second.code, 'QuotaExceeded');
    }
  });

  it('serves an absolute-form request for an Amazon host as its own (axios up to 1.16.0 sends these)', async () => {
    const app = await rekey.createApp();
    const r = spawnSync('curl', ['-sS', '--request-target', 'https://api.amazon.com/auth/o2/token', '-H',
      'Host: api.amazon.com', '-d', tokenBody(app), `${proxy}/`], { encoding: 'utf8', env: bareEnv({}) });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).access_token);
  });

  it('curl -x: the proxy named on the command line alone, for https:// (CONNECT) and http:// (absolute form)', async () => {
    const app = await rekey.createApp();
    for (const url of ['https://api.amazon.com/auth/o2/token', 'http://api.amazon.com/auth/o2/token']) {
      const r = spawnSync('curl', ['-sS', '-x', proxy, '--cacert', ca, '-d', tokenBody(app), url],
        { encoding: 'utf8', env: bareEnv({}) });
      assert.equal(r.status, 0, `${url}: ${r.stderr}`);
      assert.ok(JSON.parse(r.stdout).access_token, url);
    }
  });

  it('answers the rotate call on the sandbox hosts as Amazon\'s sandbox does, changing nothing', async () => {
    for (const host of ['sandbox.sellingpartnerapi-na.amazon.com', 'sandbox.sellingpartnerapi-fe.amazon.com']) {
      const app = await rekey.createApp();
      const secrets = async () => (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`))
        .body.secrets.map(({ secretId, state }) => ({ secretId, state }));
      const before = await secrets();
      const r = curlRotate(curlToken(app), host);
      assert.equal(r.status, 400);
      assert.deepEqual(JSON.parse(r.body).errors, [{ code: 'InvalidInput', message: NOT_ENROLLED, details: '' }]);
      assert.deepEqual(await secrets(), before);
      // The token stays good for the production host: the sandbox answer spent no rate limit.
      assert.equal(curlRotate(curlToken(app), 'sellingpartnerapi-fe.amazon.com').status, 204);
    }
    const headers = curl(['-D', '-', '-o', '/dev/null', '-X', 'POST', '-H',
      `x-amz-access-token: ${curlToken(await rekey.createApp())}`, `https://sandbox.sellingpartnerapi-eu.amazon.com${ROTATE_PATH}`]);
    assert.match(headers.body, /x-amzn-ratelimit-limit: 0\.0167/i);
    // The sandbox checks the token first, as production does.
    assert.equal(curlRotate('Atc|not-a-token', 'sandbox.sellingpartnerapi-na.amazon.com').status, 403);
  });

  it('refuses every other host with 403 and opens no connection', async () => {
    let connections = 0;
    const bystander = net.createServer((s) => { connections += 1; s.destroy(); });
    await new Promise((r) => bystander.listen(0, '127.0.0.1', r));
    const port = bystander.address().port;
    try {
      for (const target of ['example.com:443', `127.0.0.1:${port}`, '127.0.0.1:22', `localhost:${port}`, '[::1]:443',
        '93.184.215.14:443', 'api.amazon.com:22', 'api.amazon.com.example.com:443']) {
        const r = await raw(rekey.port, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
        assert.equal(r.status, 403, `${target}: ${r.text}`);
      }
      const absolute = await raw(rekey.port, `GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      assert.equal(absolute.status, 403);
      const other = curl(['https://example.com/']);
      assert.notEqual(other.code, 0);
      assert.match(other.stderr, /403/);
      assert.equal(connections, 0);
    } finally {
      bystander.close();
    }
  });

  it('answers 400 to a CONNECT with a body or with bytes sent before its 200, and never 200', async () => {
    const head = 'CONNECT api.amazon.com:443 HTTP/1.1\r\nHost: api.amazon.com:443\r\n';
    for (const text of [`${head}Content-Length: 5\r\n\r\nhello`, `${head}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      // A TLS record's first bytes in the same write as the head: pipelined before the 200.
      `${head}\r\n\x16\x03\x01\x00\x05hello`]) {
      const r = await raw(rekey.port, text);
      assert.equal(r.status, 400, `${JSON.stringify(text)}: ${r.text}`);
      assert.ok(!r.text.includes('Connection Established'), r.text);
    }
    // A declared empty body is no body: the tunnel opens.
    const empty = await new Promise((resolve, reject) => {
      const socket = net.connect(rekey.port, '127.0.0.1', () => socket.write(`${head}Content-Length: 0\r\n\r\n`));
      socket.once('data', (d) => { socket.destroy(); resolve(String(d)); });
      socket.on('error', reject);
    });
    assert.equal(empty, 'HTTP/1.1 200 Connection Established\r\n\r\n');
  });

  it('accepts a CONNECT without a Host header, as Python sends it (HTTP/1.0)', async () => {
    const r = await new Promise((resolve, reject) => {
      const socket = net.connect(rekey.port, '127.0.0.1', () => socket.write('CONNECT api.amazon.com:443 HTTP/1.0\r\n\r\n'));
      socket.once('data', (d) => { socket.destroy(); resolve(String(d)); });
      socket.on('error', reject);
    });
    assert.equal(r, 'HTTP/1.1 200 Connection Established\r\n\r\n');
  });

  it('keeps the CA key out of every log line', () => {
    const logs = rekey.stdout() + rekey.stderr();
    for (const line of keyLines(files(dataDir).caKey)) assert.ok(!logs.includes(line));
    for (const line of keyLines(files(dataDir).serverKey)) assert.ok(!logs.includes(line));
  });
});

describe('--sandbox production: the sandbox hosts behave like production', () => {
  it('rotates on a sandbox host (204), then 429 as production does', async () => {
    const dataDir = scratch();
    assert.equal(tlsInit(dataDir).status, 0);
    const rekey = await startRekey({ dataDir, args: ['--dev', '--sandbox', 'production'] });
    try {
      const ca = files(dataDir).ca;
      const app = await rekey.createApp();
      const token = JSON.parse(curlVia(rekey.url, ca, ['-d', tokenBody(app), 'https://api.amazon.com/auth/o2/token']).body)
        .access_token;
      const rotate = () => curlVia(rekey.url, ca,
        ['-X', 'POST', '-H', `x-amz-access-token: ${token}`, `https://sandbox.sellingpartnerapi-na.amazon.com${ROTATE_PATH}`]);
      const first = rotate();
      assert.equal(first.status, 204, first.body + first.stderr);
      const secrets = (await rekey.admin('GET', `/admin/v1/applications/${app.applicationId}`)).body.secrets;
      assert.ok(secrets.length > 1, 'the rotation made a new secret');
      assert.equal(rotate().status, 429);
    } finally {
      await rekey.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// Needs service.cpp's rule: the proxy is on a plain-HTTP listener only.
describe('--dev --dev-tls: the server makes the CA and serves HTTPS, and is no proxy', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--dev', '--dev-tls'] }); });
  after(async () => { await rekey.stop(); });

  it('makes the CA on a fresh data directory: keys 0600, and neither key in its output', () => {
    const f = files(rekey.dataDir);
    assert.equal(modeOf(f.caKey), 0o600);
    assert.equal(modeOf(f.serverKey), 0o600);
    assert.equal(modeOf(path.join(rekey.dataDir, 'tls')), 0o700);
    assert.match(rekey.stdout(), /rekey's local CA: /, 'the trust instructions are printed when the CA is made');
    const logs = rekey.stdout() + rekey.stderr();
    for (const line of keyLines(f.caKey)) assert.ok(!logs.includes(line), 'the CA key is in the output');
    for (const line of keyLines(f.serverKey)) assert.ok(!logs.includes(line), 'the server key is in the output');
  });

  it('prints no HTTPS_PROXY line and refuses CONNECT on its TLS listener with 403', async () => {
    assert.match(rekey.url, /^https:/);
    assert.doesNotMatch(rekey.stdout(), /rekey proxy for Amazon's host names/);
    const ca = files(rekey.dataDir).ca;
    const r = await rawTls(rekey.port, ca, 'CONNECT api.amazon.com:443 HTTP/1.1\r\nHost: api.amazon.com:443\r\n\r\n');
    assert.equal(r.status, 403, r.text);
    assert.match(r.text, /plain-HTTP listener/);
    // The listener itself serves HTTPS on Amazon's names as usual.
    const health = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', ca, '--resolve',
      `api.amazon.com:${rekey.port}:127.0.0.1`, `https://api.amazon.com:${rekey.port}/health`],
    { encoding: 'utf8', env: bareEnv({}) });
    assert.equal(health.stdout, '200', health.stderr);
  });
});

describe('the proxy is off unless asked for', () => {
  it('answers CONNECT 405 without --dev or --proxy, and an absolute-form target 404', async () => {
    const rekey = await startRekey();
    try {
      const r = await raw(rekey.port, 'CONNECT api.amazon.com:443 HTTP/1.1\r\nHost: api.amazon.com:443\r\n\r\n');
      assert.equal(r.status, 405);
      const absolute = await raw(rekey.port,
        'POST https://api.amazon.com/auth/o2/token HTTP/1.1\r\nHost: api.amazon.com\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      assert.equal(absolute.status, 404);
    } finally {
      await rekey.stop();
    }
  });

  it('--proxy needs the local CA\'s certificate; --dev-tls needs --dev', () => {
    const dataDir = scratch();
    try {
      const proxy = spawnSync(BIN, ['serve', '--port', '0', '--data-dir', dataDir, '--proxy'], { encoding: 'utf8', timeout: 30_000 });
      assert.notEqual(proxy.status, 0);
      assert.match(proxy.stderr, /rekey dev tls init/);
      const devTls = spawnSync(BIN, ['serve', '--port', '0', '--data-dir', dataDir, '--dev-tls'], { encoding: 'utf8', timeout: 30_000 });
      assert.notEqual(devTls.status, 0);
      assert.match(devTls.stderr, /--dev-tls needs --dev/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // Needs service.cpp's rule: the proxy is on a plain-HTTP listener only.
  it('--proxy on a TLS listener (--dev-tls, --tls-cert) does not start', () => {
    const dataDir = scratch();
    try {
      assert.equal(tlsInit(dataDir).status, 0);
      const f = files(dataDir);
      for (const args of [['--dev', '--dev-tls', '--proxy'], ['--proxy', '--tls-cert', f.server, '--tls-key', f.serverKey]]) {
        const r = spawnSync(BIN, ['serve', '--port', '0', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 30_000 });
        assert.notEqual(r.status, 0, args.join(' '));
        assert.match(r.stderr, /the proxy needs a plain-HTTP listener/, args.join(' '));
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // Needs service.cpp's check: --proxy alone never issues the certificate again.
  it('--proxy warns when the server certificate expires within 30 days, naming rekey dev tls init', async () => {
    const dataDir = scratch();
    const dir = path.join(dataDir, 'tls');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '10',
      '-subj', '/CN=api.amazon.com', '-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.pem')],
    process.env);
    const rekey = await startRekey({ dataDir, args: ['--proxy'] });
    try {
      assert.match(rekey.stderr(), /server certificate .* expires in \d+ days: run `rekey dev tls init/);
    } finally {
      await rekey.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // The CA key is never used outside --dev: --proxy starts and tunnels with it gone. (Moved away,
  // not chmod 000: the suite may run as root, whom no mode stops from reading.)
  it('--proxy without --dev tunnels with the certificate `rekey dev tls init` made, and no CA key', async () => {
    const dataDir = scratch();
    const elsewhere = scratch();
    assert.equal(tlsInit(dataDir).status, 0);
    const f = files(dataDir);
    const caPem = readFileSync(f.ca, 'utf8');
    renameSync(f.caKey, path.join(elsewhere, 'ca.key'));
    const rekey = await startRekey({ dataDir, args: ['--proxy'] });
    try {
      const app = await rekey.createApp();
      const r = spawnSync('curl', ['-sS', '-d', tokenBody(app), 'https://api.amazon.com/auth/o2/token'],
        { encoding: 'utf8', env: bareEnv({ HTTPS_PROXY: rekey.url, CURL_CA_BUNDLE: f.ca }) });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(JSON.parse(r.stdout).access_token);
      assert.ok(!existsSync(f.caKey), '--proxy made a CA key');
      assert.equal(readFileSync(f.ca, 'utf8'), caPem, '--proxy touched the CA');
    } finally {
      await rekey.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('the hosts route, hermetic: a private network and hosts file, rekey on port 443', () => {
  const dataDir = scratch();
  const work = scratch();
  let seen;
  let official;
  let hostsBefore;
  before(async () => {
    hostsBefore = readFileSync('/etc/hosts', 'utf8');
    // Set-up through a first start: the applications and an access key, in the data directory
    // the namespaced rekey then serves.
    const setup = await startRekey({ dataDir, args: ['--dev'] });
    official = await setup.createApp({ name: 'official sdk' });
    const amzTools = await setup.createApp({ name: 'amz-tools' });
    const key = (await setup.admin('POST', '/admin/v1/access-keys', { account: '000000000000' })).body;
    await setup.stop();

    const names = [...SPAPI_HOSTS, 'sqs.us-east-1.amazonaws.com'];
    writeFileSync(path.join(work, 'hosts'), `127.0.0.1 localhost\n127.0.0.1 ${names.join(' ')}\n`);
    writeFileSync(path.join(work, 'config.json'), JSON.stringify({
      official: { clientId: official.clientId, clientSecret: official.clientSecret },
      amzTools: { clientId: amzTools.clientId, clientSecret: amzTools.clientSecret },
      queueName: queueOf(official),
      accessKey: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    }));
    // Inside the namespaces: loopback up, the hosts file over /etc/hosts (this mount namespace
    // only), rekey on 443 with the local CA, then the clients with NODE_EXTRA_CA_CERTS alone.
    writeFileSync(path.join(work, 'inside.sh'), `set -eu
ip link set lo up
mount --bind "$WORK/hosts" /etc/hosts
"$REKEY" serve --dev --dev-tls --listen 127.0.0.1 --port 443 --data-dir "$DATA" > "$WORK/rekey.out" 2> "$WORK/rekey.err" &
rekey=$!
for _ in $(seq 300); do grep -q 'listening on' "$WORK/rekey.out" && break; sleep 0.1; done
status=0
env -i PATH="$PATH" HOME="$WORK" NODE_EXTRA_CA_CERTS="$DATA/tls/ca.pem" node "$CLIENTS/hosts_route.mjs" "$WORK/config.json" > "$WORK/seen.json" || status=$?
kill "$rekey"; wait "$rekey" || true
exit "$status"
`);
    const r = spawnSync('unshare', ['--mount', '--net', 'bash', path.join(work, 'inside.sh')], {
      encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, WORK: work, DATA: dataDir, REKEY: BIN, CLIENTS: clients },
    });
    const log = (name) => { try { return readFileSync(path.join(work, name), 'utf8'); } catch { return ''; } };
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}\nrekey:\n${log('rekey.out')}${log('rekey.err')}`);
    seen = JSON.parse(readFileSync(path.join(work, 'seen.json'), 'utf8'));
  });
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('the official SP-API SDK: a grantless token, rotate 204, then 429', () => {
    assert.equal(seen.official.basePath, 'https://sellingpartnerapi-na.amazon.com');
    assert.equal(seen.official.status, 204);
    assert.equal(seen.official.rateLimit, '0.0167');
    assert.deepEqual(seen.official.second, { status: 429, code: 'QuotaExceeded' });
  });

  it('amazon-sp-api (amz-tools): rotate succeeds, then QuotaExceeded', () => {
    assert.deepEqual(seen.amzTools.first, { success: true });
    assert.equal(seen.amzTools.second.code, 'QuotaExceeded');
  });

  it('@aws-sdk/client-sqs with no endpoint receives the new secret from sqs.us-east-1.amazonaws.com', () => {
    assert.equal(seen.sqs.queueUrl, `https://sqs.us-east-1.amazonaws.com/000000000000/${queueOf(official)}`);
    assert.equal(seen.sqs.notifications.length, 1);
    const secret = seen.sqs.notifications[0].payload.applicationOAuthClientNewSecret;
    assert.equal(secret.clientId, official.clientId);
    assert.equal(seen.newSecretToken, 200, 'the new secret authenticates at api.amazon.com');
  });

  it('never touches the machine\'s own /etc/hosts', () => {
    assert.equal(readFileSync('/etc/hosts', 'utf8'), hostsBefore);
  });
});
