// The HTTP server itself: keep-alive, health, limits, graceful shutdown, TLS.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startRekey, ROTATION_SCOPE, UUID } from './support/rekey.mjs';

// Sends raw HTTP/1.1 on one socket and collects everything until the server closes it.
function rawExchange(port, chunks, { closeAfterMs = 3000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (typeof c === 'number') await new Promise((r) => setTimeout(r, c));
        else socket.write(c);
      }
    });
    socket.on('data', (d) => { data += d; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); resolve(data); }, closeAfterMs);
  });
}

describe('http server', () => {
  let rekey;
  before(async () => { rekey = await startRekey({ args: ['--header-limit', '2048', '--idle-timeout', '2s'] }); });
  after(() => rekey.stop());

  it('answers /health and /ready', async () => {
    const health = await fetch(rekey.url + '/health');
    assert.equal(health.status, 200);
    assert.match(health.headers.get('x-amzn-requestid'), UUID);
    const ready = await fetch(rekey.url + '/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
  });

  it('serves several requests on one keep-alive connection, each with its own request id', async () => {
    const request = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    const reply = await rawExchange(rekey.port, [request, request, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    const ids = [...reply.matchAll(/x-amzn-RequestId: ([0-9a-f-]{36})/g)].map((m) => m[1]);
    assert.equal((reply.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 3);
    assert.equal(new Set(ids).size, 3);
  });

  // With more connections open than I/O threads, a connection that has answered yields to the
  // others before it reads its next request (server.cpp): each is still answered in turn, and
  // whatever a client sent ahead (buffered, read without yielding) is answered in order.
  it('answers each of several keep-alive connections sharing one I/O thread, request after request', async () => {
    const one = await startRekey({ args: ['--threads', '1'] });
    try {
      // One request at a time: the next is sent once the answer before it has come.
      const inTurn = (count) => new Promise((resolve, reject) => {
        const socket = net.connect(one.port, '127.0.0.1');
        let data = '';
        let sent = 0;
        const send = () => { sent += 1; socket.write(`GET /health?n=${sent} HTTP/1.1\r\nHost: x\r\n\r\n`); };
        socket.on('connect', send);
        socket.on('data', (d) => {
          data += d;
          const answered = (data.match(/HTTP\/1\.1 200 OK/g) ?? []).length;
          if (answered === count) { socket.destroy(); resolve(answered); } else if (answered === sent) send();
        });
        socket.on('error', reject);
        setTimeout(() => { socket.destroy(); reject(new Error(`answered ${(data.match(/200 OK/g) ?? []).length} of ${count}`)); }, 10_000);
      });
      const ahead = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(3);
      const [a, b, c, pipelined] = await Promise.all([inTurn(20), inTurn(20), inTurn(20),
        rawExchange(one.port, [ahead + 'GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])]);
      assert.deepEqual([a, b, c], [20, 20, 20]);
      assert.equal((pipelined.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 4);
      assert.match(pipelined, /"status":"ready"\}$/, 'the request sent last is answered last');
    } finally {
      // A connection stuck in its yield would hold a graceful stop for ever: the test fails, not hangs.
      await Promise.race([one.stop(), new Promise((r) => setTimeout(r, 5000)).then(() => one.stop('SIGKILL'))]);
    }
  });

  it('closes an idle keep-alive connection after the idle timeout', async () => {
    const started = Date.now();
    const reply = await rawExchange(rekey.port, ['GET /health HTTP/1.1\r\nHost: x\r\n\r\n'], { closeAfterMs: 10_000 });
    assert.match(reply, /200 OK/);
    const waited = Date.now() - started;
    assert.ok(waited >= 1500 && waited < 9000, `closed after ${waited} ms`);
  });

  it('closes a connection whose request stalls past the read timeout, without answering it', async () => {
    const slow = await startRekey({ args: ['--read-timeout', '1s'] });
    try {
      const started = Date.now();
      const reply = await rawExchange(slow.port, [
        'POST /auth/o2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=',
      ], { closeAfterMs: 10_000 });
      assert.equal(reply, '', 'no answer to a half-sent request');
      const waited = Date.now() - started;
      assert.ok(waited >= 900 && waited < 9000, `closed after ${waited} ms`);
      assert.equal((await fetch(slow.url + '/health')).status, 200, 'the server carries on');
    } finally {
      await slow.stop();
    }
  });

  // The timeouts cover waiting for a request, reading it and writing its answer, never the
  // handler at work: a long poll longer than both is answered on its connection.
  it('answers a request whose handler outlasts the idle and read timeouts', async () => {
    const brief = await startRekey({ args: ['--idle-timeout', '1s', '--read-timeout', '1s'] });
    try {
      const key = await brief.admin('POST', '/admin/v1/access-keys', { account: '111122223333' });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      const sqs = new SQSClient({
        endpoint: brief.url, region: 'us-east-1', maxAttempts: 1,
        credentials: { accessKeyId: key.body.accessKeyId, secretAccessKey: key.body.secretAccessKey },
      });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'slow' }));
      const started = Date.now();
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 3 }));
      const waited = Date.now() - started;
      assert.equal(received.Messages, undefined);
      assert.ok(waited >= 2500, `answered after ${waited} ms, before WaitTimeSeconds`);
      sqs.destroy();
    } finally {
      await brief.stop();
    }
  });

  it('answers 413 to headers over the limit', async () => {
    const reply = await rawExchange(rekey.port, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`]);
    assert.match(reply, /^HTTP\/1\.1 413 /);
  });

  it('does not crash on malformed HTTP', async () => {
    await rawExchange(rekey.port, ['NOT HTTP AT ALL\r\n\r\n'], { closeAfterMs: 1000 });
    assert.equal((await fetch(rekey.url + '/health')).status, 200);
  });

  // Issue #14 item 10 (RFC 9112 §3.2): an HTTP/1.1 request has exactly one Host.
  it('answers 400 to an HTTP/1.1 request with no Host or two, and serves HTTP/1.0 without one', async () => {
    for (const head of ['GET /health HTTP/1.1\r\n', 'GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n']) {
      const reply = await rawExchange(rekey.port, [head + 'Connection: close\r\n\r\n']);
      assert.match(reply, /^HTTP\/1\.1 400 /, head);
      assert.match(reply, /"code":"InvalidInput"/);
    }
    const token = await rawExchange(rekey.port, ['POST /auth/o2/token HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']);
    assert.match(token, /^HTTP\/1\.1 400 /);
    assert.match(token, /"error":"invalid_request"/);
    const old = await rawExchange(rekey.port, ['GET /health HTTP/1.0\r\n\r\n']);
    assert.match(old, /^HTTP\/1\.0 200 /);
  });

  // Issue #14 item 6: what the server refuses before a handler runs comes in the shape of the
  // surface it was meant for — LWA on the token endpoint, SQS on the SQS endpoint.
  it("answers a body over the limit in each surface's own error shape", async () => {
    const big = 'x'.repeat(70 * 1024);
    const token = await fetch(rekey.url + '/auth/o2/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=${big}`,
    });
    assert.equal(token.status, 413);
    assert.equal(token.headers.get('content-type'), 'application/json;charset=UTF-8');
    assert.deepEqual(await token.json(), { error: 'invalid_request', error_description: 'The request is too large' });
    // The SQS route's own limit is 1 MiB (room for a 256 KiB message in any encoding, #15).
    const sqs = await fetch(rekey.url + '/', {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: 'q', MessageBody: 'x'.repeat(1 << 20) }),
    });
    assert.equal(sqs.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.match(sqs.headers.get('x-amzn-query-error'), /^InvalidParameterValue;Sender$/);
    assert.equal((await sqs.json()).__type, 'com.amazonaws.sqs#InvalidParameterValue');
  });
});

describe('graceful shutdown', () => {
  it('finishes the in-flight request, closes idle connections and exits 0 on SIGTERM', async () => {
    const rekey = await startRekey();
    const app = await rekey.createApp({ enrolled: false });
    const body = `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=${ROTATION_SCOPE}`;
    const idle = net.connect(rekey.port, '127.0.0.1');
    let idleClosed = false;
    idle.on('close', () => { idleClosed = true; });
    idle.on('error', () => {});
    // Headers and half the body now; SIGTERM; the rest of the body after it.
    const inflight = rawExchange(rekey.port, [
      `POST /auth/o2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      body.slice(0, 20), 400, body.slice(20)], { closeAfterMs: 8000 });
    await new Promise((r) => setTimeout(r, 200));
    rekey.child.kill('SIGTERM');
    const reply = await inflight;
    assert.match(reply, /^HTTP\/1\.1 200 OK/);
    assert.match(reply, /"access_token":"Atc\|/);
    assert.match(reply, /Connection: close/i);
    const { code } = await rekey.exited;
    assert.equal(code, 0);
    assert.ok(idleClosed);
    await rekey.stop();
  });
});

describe('TLS', () => {
  let rekey;
  let dir;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rekey-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
    { stdio: 'ignore' });
    rekey = await startRekey({ args: ['--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')] });
  });
  after(async () => {
    await rekey.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the admin API and the token endpoint over HTTPS', async () => {
    assert.match(rekey.url, /^https:/);
    const ca = readFileSync(path.join(dir, 'cert.pem'));
    const call = (method, route, headers, body) => new Promise((resolve, reject) => {
      const req = https.request(rekey.url + route, { method, headers, ca }, (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
    const created = await call('POST', '/admin/v1/applications',
      { authorization: `Bearer ${rekey.adminToken}`, 'content-type': 'application/json' }, '{"name":"tls"}');
    assert.equal(created.status, 201);
    const { clientId, clientSecret } = created.body;
    const token = await call('POST', '/auth/o2/token', { 'content-type': 'application/x-www-form-urlencoded' },
      `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}&scope=${ROTATION_SCOPE}`);
    assert.equal(token.status, 200);
    assert.match(token.body.access_token, /^Atc\|/);
    // The console's session cookie is Secure under TLS (issue #16).
    const signedIn = await call('POST', '/console/api/session', { 'content-type': 'application/json' },
      JSON.stringify({ token: rekey.adminToken }));
    assert.equal(signedIn.status, 200);
    assert.match(signedIn.headers['set-cookie'][0], /^rekey_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$/);
    // An unconfigured client refuses the self-signed certificate: this really is TLS.
    await assert.rejects(fetch(rekey.url + '/health'));
  });
});
