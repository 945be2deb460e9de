// The embedded queue in the query protocol (issue #15 item 1), driven by Debian's own awscli
// (2.9.19, its bundled botocore: protocol "query" for SQS) — an unmodified client that signs
// with SigV4, sends Action=…&Version=2012-11-05 forms, parses the XML answers and checks the
// MD5 of every body it receives.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startRekey, ROTATE_PATH } from './support/rekey.mjs';
import { queueBehaviourScenarios } from './support/sqs_scenarios.mjs';

const run = promisify(execFile);
const AWS = '/usr/bin/aws';  // Debian's package, not a pip install that may come first on PATH
const ACCOUNT = '111122223333';

describe('embedded queue, query protocol (Debian awscli)', () => {
  let rekey;
  let scratch;
  let aws;
  before(async () => {
    assert.ok(existsSync(AWS), 'Debian\'s awscli package is installed (make deps)');
    rekey = await startRekey();
    scratch = mkdtempSync(path.join(tmpdir(), 'rekey-awscli-'));
    const keyFor = async (account) => (await rekey.admin('POST', '/admin/v1/access-keys', { account })).body;
    const keys = { [ACCOUNT]: await keyFor(ACCOUNT), '000000000000': await keyFor('000000000000') };
    // Runs `aws sqs …` as account's key; resolves { code, json, stderr } (exit code 254 on an
    // AWS error, with the error's code in stderr).
    aws = async (args, account = ACCOUNT) => {
      const env = {
        PATH: process.env.PATH, HOME: scratch, AWS_ACCESS_KEY_ID: keys[account].accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys[account].secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: path.join(scratch, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'none'),
        AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1',
      };
      try {
        const { stdout, stderr } = await run(AWS, ['--endpoint-url', rekey.url, '--output', 'json', 'sqs', ...args],
          { env, maxBuffer: 16 << 20 });
        return { code: 0, json: stdout.trim() ? JSON.parse(stdout) : null, stderr };
      } catch (e) {
        if (typeof e.code !== 'number') throw e;
        return { code: e.code, json: null, stderr: e.stderr };
      }
    };
  });
  after(async () => {
    if (process.env.REKEY_E2E_LOG) writeFileSync(process.env.REKEY_E2E_LOG, rekey.stderr());
    await rekey.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const ok = async (args, account) => {
    const r = await aws(args, account);
    assert.equal(r.code, 0, r.stderr);
    return r.json;
  };

  it('creates, finds, lists, describes, purges and deletes queues', async () => {
    const { QueueUrl } = await ok(['create-queue', '--queue-name', 'orders', '--attributes', 'VisibilityTimeout=5']);
    assert.equal(QueueUrl, `${rekey.url}/${ACCOUNT}/orders`);
    assert.equal((await ok(['create-queue', '--queue-name', 'orders'])).QueueUrl, QueueUrl, 'idempotent');
    assert.equal((await ok(['get-queue-url', '--queue-name', 'orders'])).QueueUrl, QueueUrl);
    await ok(['create-queue', '--queue-name', 'other']);
    assert.deepEqual((await ok(['list-queues', '--queue-name-prefix', 'ord'])).QueueUrls, [QueueUrl]);
    await ok(['send-message', '--queue-url', QueueUrl, '--message-body', 'x', '--delay-seconds', '30']);
    const { Attributes } = await ok(['get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All']);
    assert.equal(Attributes.VisibilityTimeout, '5');
    assert.equal(Attributes.ApproximateNumberOfMessagesDelayed, '1');
    assert.equal(Attributes.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`);
    const some = await ok(['get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'MaximumMessageSize', 'DelaySeconds']);
    assert.deepEqual(some.Attributes, { MaximumMessageSize: '262144', DelaySeconds: '0' });
    await ok(['purge-queue', '--queue-url', QueueUrl]);
    await ok(['delete-queue', '--queue-url', QueueUrl]);
    const gone = await aws(['get-queue-url', '--queue-name', 'orders']);
    assert.equal(gone.code, 254);
    assert.match(gone.stderr, /AWS\.SimpleQueueService\.NonExistentQueue|QueueDoesNotExist/);
  });

  it('sends and receives bodies the XML must carry exactly (MD5 checked by the client), hides, re-shows and deletes', async () => {
    const { QueueUrl } = await ok(['create-queue', '--queue-name', 'work']);
    const body = 'a & b < c > d "e" \'f\'\r\nline two\ttab é € 🔑 ]]>';
    const sent = await ok(['send-message', '--queue-url', QueueUrl, '--message-body', body]);
    assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);
    const first = await ok(['receive-message', '--queue-url', QueueUrl, '--visibility-timeout', '60',
      '--attribute-names', 'All', '--max-number-of-messages', '10']);
    assert.equal(first.Messages.length, 1);
    const [m] = first.Messages;
    assert.equal(m.Body, body);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Attributes.ApproximateReceiveCount, '1');
    assert.match(m.Attributes.SentTimestamp, /^\d{13}$/);
    assert.equal((await ok(['receive-message', '--queue-url', QueueUrl])), null, 'hidden while in flight: nothing printed');
    await ok(['change-message-visibility', '--queue-url', QueueUrl, '--receipt-handle', m.ReceiptHandle, '--visibility-timeout', '1']);
    const again = await ok(['receive-message', '--queue-url', QueueUrl, '--wait-time-seconds', '10', '--attribute-names', 'ApproximateReceiveCount']);
    assert.deepEqual(again.Messages[0].Attributes, { ApproximateReceiveCount: '2' }, 'a long poll woken when it shows again');
    await ok(['change-message-visibility', '--queue-url', QueueUrl, '--receipt-handle', again.Messages[0].ReceiptHandle, '--visibility-timeout', '0']);
    const third = await ok(['receive-message', '--queue-url', QueueUrl]);
    assert.equal(third.Messages[0].Attributes, undefined, 'no system attributes unless asked');
    await ok(['delete-message', '--queue-url', QueueUrl, '--receipt-handle', third.Messages[0].ReceiptHandle]);
    const { Attributes } = await ok(['get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All']);
    assert.equal(Attributes.ApproximateNumberOfMessages, '0');
    assert.equal(Attributes.ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('takes a 256 KiB message and refuses one byte more', async () => {
    const { QueueUrl } = await ok(['create-queue', '--queue-name', 'big']);
    const largest = path.join(scratch, 'largest');
    // 262,144 bytes; form-encoded, well over the other endpoints' 64 KiB. (awscli reads file://
    // in text mode, so no \r: it would become \n.)
    writeFileSync(largest, 'x'.repeat(256 * 1024 - 3) + '€');
    await ok(['send-message', '--queue-url', QueueUrl, '--message-body', `file://${largest}`]);
    const { Messages } = await ok(['receive-message', '--queue-url', QueueUrl]);
    assert.equal(Buffer.byteLength(Messages[0].Body), 256 * 1024);
    const over = path.join(scratch, 'over');
    writeFileSync(over, 'x'.repeat(256 * 1024 + 1));
    const refused = await aws(['send-message', '--queue-url', QueueUrl, '--message-body', `file://${over}`]);
    assert.equal(refused.code, 254);
    assert.match(refused.stderr, /InvalidParameterValue/);
  });

  it('answers errors in the query shape with SQS codes, and refuses a wrong key', async () => {
    const { QueueUrl } = await ok(['create-queue', '--queue-name', 'errors']);
    const forged = await aws(['delete-message', '--queue-url', QueueUrl, '--receipt-handle', 'forged']);
    assert.equal(forged.code, 254);
    assert.match(forged.stderr, /ReceiptHandleIsInvalid/);
    const unknown = await aws(['get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'Colour']);
    assert.match(unknown.stderr, /InvalidAttributeName/);
    const badName = await aws(['create-queue', '--queue-name', 'no spaces']);
    assert.match(badName.stderr, /InvalidParameterValue.*Can only include alphanumeric characters, hyphens, or underscores/);
    const fifo = await aws(['create-queue', '--queue-name', 'jobs.fifo', '--attributes', 'FifoQueue=true']);
    assert.match(fifo.stderr, /UnsupportedOperation/);
    const conflict = await aws(['create-queue', '--queue-name', 'errors', '--attributes', 'VisibilityTimeout=7']);
    assert.match(conflict.stderr, /QueueAlreadyExists/);
    const stranger = await aws(['send-message', '--queue-url', QueueUrl, '--message-body', 'x'], '000000000000');
    assert.match(stranger.stderr, /NonExistentQueue|QueueDoesNotExist/);
    const tooLarge = await fetch(`${rekey.url}/${ACCOUNT}/errors`, { method: 'POST', body: 'x'.repeat(2 << 20),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(tooLarge.status, 400);
    assert.equal(tooLarge.headers.get('content-type'), 'text/xml');
    assert.match(await tooLarge.text(), /<Code>InvalidParameterValue<\/Code>.*<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    const res = await fetch(`${rekey.url}/?Action=ListQueues&Version=2012-11-05`);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    const xml = await res.text();
    assert.match(xml, /^<\?xml version="1\.0"\?><ErrorResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code>/);
    assert.match(xml, /<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
  });

  it('runs batches with per-entry outcomes', async () => {
    const { QueueUrl } = await ok(['create-queue', '--queue-name', 'batches']);
    const sent = await aws(['send-message-batch', '--queue-url', QueueUrl, '--entries',
      JSON.stringify([{ Id: 'a', MessageBody: 'one & <two>' }, { Id: 'b', MessageBody: 'x', DelaySeconds: 901 }, { Id: 'c', MessageBody: 'three' }])]);
    assert.equal(sent.code, 0, sent.stderr);
    const { Successful, Failed } = sent.json;
    assert.deepEqual(Successful.map((s) => s.Id), ['a', 'c']);
    assert.deepEqual(Failed.map((f) => [f.Id, f.SenderFault, f.Code]), [['b', true, 'InvalidParameterValue']]);
    const { Messages } = await ok(['receive-message', '--queue-url', QueueUrl, '--max-number-of-messages', '10']);
    assert.deepEqual(Messages.map((m) => m.Body).sort(), ['one & <two>', 'three']);
    const deleted = await ok(['delete-message-batch', '--queue-url', QueueUrl, '--entries',
      JSON.stringify(Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })))]);
    assert.deepEqual(deleted.Successful.map((s) => s.Id), ['d0', 'd1']);
    const empty = await aws(['change-message-visibility-batch', '--queue-url', QueueUrl, '--entries', '[]']);
    assert.match(empty.stderr, /EmptyBatchRequest/);
    const twice = await aws(['delete-message-batch', '--queue-url', QueueUrl, '--entries',
      JSON.stringify([{ Id: 'same', ReceiptHandle: 'r' }, { Id: 'same', ReceiptHandle: 'r' }])]);
    assert.match(twice.stderr, /BatchEntryIdsNotDistinct/);
  });

  it("receives rekey's own NEW_SECRET notification", async () => {
    const app = await rekey.createApp();
    const token = await rekey.token(app);
    assert.equal((await rekey.rotate(token)).status, 204, ROTATE_PATH);
    const queue = `${rekey.url}/000000000000/q-${app.applicationId.slice(-12)}`;
    const { Messages } = await ok(['receive-message', '--queue-url', queue, '--wait-time-seconds', '10'], '000000000000');
    const n = JSON.parse(Messages[0].Body);
    assert.equal(n.notificationType, 'APPLICATION_OAUTH_CLIENT_NEW_SECRET');
    assert.equal(n.payload.applicationOAuthClientNewSecret.clientId, app.clientId);
    await ok(['delete-message', '--queue-url', queue, '--receipt-handle', Messages[0].ReceiptHandle], '000000000000');
  });
});

// The behaviour every client is held to (support/sqs_scenarios.mjs), through awscli's query
// protocol. awscli checks no digest of its own; the scenarios check them all.
queueBehaviourScenarios('Debian awscli', async (rekey, key) => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'rekey-awscli-scenarios-'));
  const env = {
    PATH: process.env.PATH, HOME: scratch, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: path.join(scratch, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'none'), AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1',
  };
  let files = 0;
  // A parameter too long for the command line (over 128 KiB) goes in a file (awscli's file://).
  const param = (text) => {
    if (text.length < 64 * 1024) return text;
    const file = path.join(scratch, `param-${files++}`);
    writeFileSync(file, text);
    return `file://${file}`;
  };
  // Resolves awscli's JSON output (null when it prints nothing); rejects with its stderr.
  const aws = async (...args) => {
    try {
      const { stdout } = await run(AWS, ['--endpoint-url', rekey.url, '--output', 'json', 'sqs', ...args],
        { env, maxBuffer: 16 << 20 });
      return stdout.trim() ? JSON.parse(stdout) : null;
    } catch (e) {
      if (typeof e.code !== 'number') throw e;
      throw new Error(e.stderr);
    }
  };
  const json = (value) => JSON.stringify(value);
  const optional = (flag, value) => (value === undefined ? [] : [flag, String(value)]);
  const list = (flag, values) => (values === undefined ? [] : [flag, ...values]);
  return {
    createQueue: async (name, attributes, tags) => (await aws('create-queue', '--queue-name', name,
      ...(attributes ? ['--attributes', json(attributes)] : []), ...(tags ? ['--tags', json(tags)] : []))).QueueUrl,
    setQueueAttributes: (url, attributes) => aws('set-queue-attributes', '--queue-url', url, '--attributes', json(attributes)),
    getQueueAttributes: async (url, names) =>
      (await aws('get-queue-attributes', '--queue-url', url, '--attribute-names', ...names))?.Attributes ?? {},
    sendMessage: (url, body, { delaySeconds, messageAttributes, traceHeader } = {}) => aws('send-message',
      '--queue-url', url, '--message-body', param(body), ...optional('--delay-seconds', delaySeconds),
      ...(messageAttributes ? ['--message-attributes', json(messageAttributes)] : []),
      ...(traceHeader ? ['--message-system-attributes',
        json({ AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } })] : [])),
    receiveMessage: async (url, { max, wait, visibility, attributeNames, messageAttributeNames } = {}) =>
      (await aws('receive-message', '--queue-url', url, ...optional('--max-number-of-messages', max),
        ...optional('--wait-time-seconds', wait), ...optional('--visibility-timeout', visibility),
        ...list('--attribute-names', attributeNames), ...list('--message-attribute-names', messageAttributeNames),
        '--cli-read-timeout', '60'))?.Messages ?? [],
    deleteMessage: (url, handle) => aws('delete-message', '--queue-url', url, '--receipt-handle', handle),
    tagQueue: (url, tags) => aws('tag-queue', '--queue-url', url, '--tags', json(tags)),
    untagQueue: (url, keys) => aws('untag-queue', '--queue-url', url, '--tag-keys', ...keys),
    listQueueTags: async (url) => (await aws('list-queue-tags', '--queue-url', url))?.Tags ?? {},
    listDeadLetterSourceQueues: async (url) =>
      (await aws('list-dead-letter-source-queues', '--queue-url', url))?.queueUrls ?? [],
    close: () => rmSync(scratch, { recursive: true, force: true }),
    errorCode: (e) => e.message.match(/An error occurred \(([^)]+)\)/)?.[1] ?? e.message,
  };
}, {
  nonExistentQueue: 'AWS.SimpleQueueService.NonExistentQueue', invalidParameterValue: 'InvalidParameterValue',
  invalidAttributeValue: 'InvalidAttributeValue', invalidAttributeName: 'InvalidAttributeName',
  queueAlreadyExists: 'QueueAlreadyExists',
});
