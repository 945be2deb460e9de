// The query protocol's other ways in, signed by the same SigV4 signer the AWS SDKs use
// (@smithy/signature-v4, as @aws-sdk/client-sqs installs it): a presigned query string, a GET
// signed in the header form, and a form POSTed to /<account>/<queue> that names its queue by
// its path alone. Each request is made by hand, so that exactly these forms reach rekey.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './support/sha256.mjs';
import { startRekey } from './support/rekey.mjs';

const ACCOUNT = '111122223333';

describe('embedded queue, presigned and path-addressed query requests', () => {
  let rekey;
  let signer;
  let origin;
  before(async () => {
    rekey = await startRekey();
    const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: ACCOUNT })).body;
    signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', sha256: Sha256,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
    origin = new URL(rekey.url);
    const created = await send(await signer.sign(request('POST', '/', {}, form({ Action: 'CreateQueue', QueueName: 'signed' }))));
    assert.equal(created.status, 200, created.text);
  });
  after(() => rekey.stop());

  const form = (params) => new URLSearchParams({ Version: '2012-11-05', ...params }).toString();
  const request = (method, path, query = {}, body) => ({
    method, protocol: origin.protocol, hostname: origin.hostname, port: Number(origin.port), path, query,
    headers: { host: origin.host, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body,
  });
  // Sends exactly the signed request (node:http: the Host header as signed).
  function send(signed) {
    // Encoded as the signer encoded it for the canonical query (RFC 3986 unreserved kept).
    const escape = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const query = Object.entries(signed.query).map(([k, v]) => `${escape(k)}=${escape(v)}`).join('&');
    return new Promise((resolve, reject) => {
      const req = http.request({ host: origin.hostname, port: origin.port, method: signed.method,
        path: `${signed.path}${query ? `?${query}` : ''}`, headers: signed.headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, text }));
      });
      req.on('error', reject);
      req.end(signed.body);
    });
  }
  const queueUrl = () => `${rekey.url}/${ACCOUNT}/signed`;
  const sendParams = (body) => ({ Action: 'SendMessage', Version: '2012-11-05', QueueUrl: queueUrl(), MessageBody: body });

  it('takes a presigned GET, and refuses one expired or changed after signing', async () => {
    const presigned = await signer.presign(request('GET', '/', sendParams('presigned ✓')), { expiresIn: 300 });
    assert.ok(presigned.query['X-Amz-Signature']);
    const sent = await send(presigned);
    assert.equal(sent.status, 200, sent.text);
    assert.match(sent.text, /<SendMessageResponse[^>]*><SendMessageResult><MessageId>[0-9a-f-]{36}<\/MessageId>/);

    const old = await signer.presign(request('GET', '/', sendParams('too late')),
      { expiresIn: 60, signingDate: new Date(Date.now() - 5 * 60_000) });
    const expired = await send(old);
    assert.equal(expired.status, 403);
    assert.match(expired.text, /<Code>SignatureDoesNotMatch<\/Code>/);

    const changed = await signer.presign(request('GET', '/', sendParams('original')), { expiresIn: 300 });
    changed.query.MessageBody = 'changed';
    const refused = await send(changed);
    assert.equal(refused.status, 403);
    assert.match(refused.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    const counted = await send(await signer.sign(request('POST', '/', {}, form({
      Action: 'GetQueueAttributes', QueueUrl: queueUrl(), 'AttributeName.1': 'ApproximateNumberOfMessages' }))));
    assert.match(counted.text, /<Name>ApproximateNumberOfMessages<\/Name><Value>1<\/Value>/, 'only the good one was sent');
  });

  it('takes a GET signed in the header form', async () => {
    const signed = await signer.sign(request('GET', '/', { Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: 'signed' }));
    assert.ok(signed.headers.authorization);
    const got = await send(signed);
    assert.equal(got.status, 200, got.text);
    assert.match(got.text, new RegExp(`<QueueUrl>${queueUrl()}</QueueUrl>`));
  });

  it('reads the queue from the path of a POST to /<account>/<queue> without QueueUrl', async () => {
    const path = `/${ACCOUNT}/signed`;
    const sent = await send(await signer.sign(request('POST', path, {}, form({ Action: 'SendMessage', MessageBody: 'by path' }))));
    assert.equal(sent.status, 200, sent.text);
    const purged = await send(await signer.sign(request('POST', path, {}, form({ Action: 'ReceiveMessage', MaxNumberOfMessages: '10' }))));
    assert.equal(purged.status, 200, purged.text);
    assert.match(purged.text, /<Body>by path<\/Body>/);
    const missing = await send(await signer.sign(request('POST', `/${ACCOUNT}/nosuchqueue`, {}, form({ Action: 'SendMessage', MessageBody: 'x' }))));
    assert.equal(missing.status, 400);
    assert.match(missing.text, /<Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code>/);
  });
});
