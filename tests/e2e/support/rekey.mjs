// Starts the real rekey binary on port 0 with a fresh data directory, and talks to it the way
// a developer would: the admin API for set-up, plain HTTP for the SP-API and LWA endpoints.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.REKEY_BIN ?? path.resolve(here, '../../../build/src/app/rekey');
export const ROTATION_SCOPE = 'sellingpartnerapi::client_credential:rotation';
export const NEW_SECRET = 'APPLICATION_OAUTH_CLIENT_NEW_SECRET';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ROTATE_PATH = '/applications/2023-11-30/clientSecret';

// wrap: a command that runs rekey in the same process, e.g. ['prlimit', '--nofile=200:200', '--'].
// The release build (make test builds it first), for a test the sanitizers cannot run: its
// own binary when there is none.
export const RELEASE_BIN = process.env.REKEY_RELEASE_BIN ?? path.resolve(here, '../../../build/src/app/rekey');

export async function startRekey({ args = [], env = {}, dataDir, wrap = [], bin = BIN } = {}) {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'rekey-e2e-'));
  const command = [...wrap, bin, 'serve', '--port', '0', '--data-dir', dir, ...args];
  const child = spawn(command[0], command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rekey did not start:\n${stderr}`)), 30_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/rekey listening on (\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`rekey exited with ${code}:\n${stderr}`)); });
  });
  const adminToken = readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
  const server = {
    url,
    port: Number(new URL(url).port),
    dataDir: dir,
    child,
    exited,
    adminToken,
    stdout: () => stdout,
    stderr: () => stderr,

    async admin(method, route, body) {
      const res = await fetch(url + route, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },

    // Creates an application; enrolled ones get an embedded queue subscribed to new secrets.
    async createApp({ enrolled = true, rotateRate, rotateBurst, name = 'e2e' } = {}) {
      const created = await server.admin('POST', '/admin/v1/applications', { name, rotateRate, rotateBurst });
      if (created.status !== 201) throw new Error(`create app: ${JSON.stringify(created)}`);
      const app = created.body;
      if (enrolled) {
        const dest = await server.admin('POST', `/admin/v1/applications/${app.applicationId}/destinations`,
          { kind: 'embedded', queue: 'q-' + app.applicationId.slice(-12) });
        const sub = await server.admin('PUT', `/admin/v1/applications/${app.applicationId}/subscriptions/${NEW_SECRET}`,
          { destinationId: dest.body.destinationId });
        if (sub.status !== 200) throw new Error(`subscribe: ${JSON.stringify(sub)}`);
      }
      return app;
    },

    // The token request exactly as the official SDK sends it: an unencoded form body.
    async token(app, { scope = ROTATION_SCOPE, secret = app.clientSecret } = {}) {
      const res = await fetch(url + '/auth/o2/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${secret}&scope=${scope}`,
      });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },

    async rotate(token, { headers = {}, body } = {}) {
      const h = { ...headers };
      if (token !== undefined) h['x-amz-access-token'] = token;
      return fetch(url + ROTATE_PATH, { method: 'POST', headers: h, body });
    },

    // Everything in the database, as text: equal before and after means nothing changed.
    dump() {
      return execFileSync('sqlite3', [path.join(dir, 'rekey.db'), '.dump'], { encoding: 'utf8' });
    },

    // The state a request may change, once rekey's background writes have settled (two dumps
    // 300 ms apart agree; usage counts are written every sweep, 250 ms): the whole database but
    // the audit trail, which records every attempt — a refused one too — by design.
    async state() {
      const read = () => this.dump().split('\n').filter((line) => !line.startsWith('INSERT INTO audit_log ')).join('\n');
      let last = read();
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const now = read();
        if (now === last) return now;
        last = now;
      }
      return last;
    },

    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exited;
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
  return server;
}

// Runs the rekey CLI against a running server with --output json (the admin API's answer, as
// scripts read it); `json` is its parsed output when it succeeded.
export function cli(rekey, args, env = {}) {
  const r = spawnSync(BIN, [...args, '--output', 'json', '--server', rekey.url,
    '--admin-token-file', path.join(rekey.dataDir, 'admin-token')], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr, json: r.status === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : null };
}

// Writes `text` on a new connection to 127.0.0.1:port and resolves with all that comes back until
// rekey ends the connection (within 5 s): for requests fetch cannot send, such as a declared body
// that never follows.
export function exchangeRaw(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (d) => { data += d; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); reject(new Error(`no answer; got: ${data}`)); }, 5000);
  });
}

export async function errorOf(res) {
  const body = await res.json();
  return body.errors[0];
}
