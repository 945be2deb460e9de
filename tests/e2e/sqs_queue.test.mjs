// The embedded SQS-compatible queue (SPEC §6) with the unmodified @aws-sdk/client-sqs: every
// operation, MD5 checks on, long polling that wakes on arrival, SigV4 refusals, durability.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, GetQueueAttributesCommand,
  DeleteQueueCommand, PurgeQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand,
  ChangeMessageVisibilityCommand, SendMessageBatchCommand, DeleteMessageBatchCommand, ChangeMessageVisibilityBatchCommand,
  SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand, ListQueueTagsCommand, ListDeadLetterSourceQueuesCommand,
} from '@aws-sdk/client-sqs';
import { startRekey } from './support/rekey.mjs';
import { queueBehaviourScenarios, binaryValuesAsBytes, binaryValuesAsBase64 } from './support/sqs_scenarios.mjs';

const ACCOUNT = '111122223333';

function client(rekey, credentials, extra = {}) {
  return new SQSClient({ endpoint: rekey.url, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });
}

async function accessKey(rekey, account = ACCOUNT) {
  const created = await rekey.admin('POST', '/admin/v1/access-keys', { account });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.match(created.body.accessKeyId, /^AKRK[A-Z2-7]{16}$/);
  return { accessKeyId: created.body.accessKeyId, secretAccessKey: created.body.secretAccessKey };
}

describe('embedded SQS-compatible queue', () => {
  let rekey;
  let sqs;
  before(async () => {
    rekey = await startRekey();
    sqs = client(rekey, await accessKey(rekey));
  });
  after(() => rekey.stop());

  it('creates, finds, lists, describes, purges and deletes queues', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '5' } }));
    assert.equal(QueueUrl, `${rekey.url}/${ACCOUNT}/orders`);
    assert.equal((await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }))).QueueUrl, QueueUrl, 'idempotent');
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl, QueueUrl);
    await sqs.send(new CreateQueueCommand({ QueueName: 'other' }));
    assert.deepEqual((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'ord' }))).QueueUrls, [QueueUrl]);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    assert.equal(Attributes.ApproximateNumberOfMessages, '1');
    assert.equal(Attributes.VisibilityTimeout, '5');
    assert.equal(Attributes.MessageRetentionPeriod, String(4 * 24 * 3600), 'retention defaults to 4 days');
    assert.equal(Attributes.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`);
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    assert.deepEqual(after.Attributes, { ApproximateNumberOfMessages: '0' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' })), (e) => e.name === 'QueueDoesNotExist');
  });

  it('sends, receives (MD5 checked by the client), hides, re-shows and deletes messages', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'work' }));
    const body = JSON.stringify({ hello: 'wörld ✓' });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);
    const first = await sqs.send(new ReceiveMessageCommand({
      QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 1, MessageSystemAttributeNames: ['All'],
    }));
    assert.equal(first.Messages.length, 1);
    const [m] = first.Messages;
    assert.equal(m.Body, body);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Attributes.ApproximateReceiveCount, '1');
    assert.match(m.Attributes.SentTimestamp, /^\d{13}$/);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined, 'hidden while in flight');
    await new Promise((r) => setTimeout(r, 1100));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'] }));
    assert.equal(again.Messages[0].Attributes.ApproximateReceiveCount, '2');
    assert.equal(again.Messages[0].Attributes.ApproximateFirstReceiveTimestamp, m.Attributes.ApproximateFirstReceiveTimestamp);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: again.Messages[0].ReceiptHandle, VisibilityTimeout: 0 }));
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(third.Messages.length, 1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: third.Messages[0].ReceiptHandle }));
    await new Promise((r) => setTimeout(r, 50));
    const gone = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    assert.equal(gone.Attributes.ApproximateNumberOfMessages, '0');
    assert.equal(gone.Attributes.ApproximateNumberOfMessagesNotVisible, '0');
    await assert.rejects(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'forged' })),
      (e) => e.name === 'ReceiptHandleIsInvalid');
  });

  it('long-polls: an empty wait ends at WaitTimeSeconds, and a send wakes a waiting receive at once', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'poll' }));
    let started = Date.now();
    const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(empty.Messages, undefined);
    assert.ok(Date.now() - started >= 900, 'waited about a second');
    started = Date.now();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
    const woken = await waiting;
    assert.equal(woken.Messages[0].Body, 'wake up');
    assert.ok(Date.now() - started < 5000, `woke after ${Date.now() - started} ms`);
  });

  it("refuses a wrong signature, an unknown key and another account's queues", async () => {
    const key = await accessKey(rekey);
    const forged = client(rekey, { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey + 'x' });
    await assert.rejects(forged.send(new ListQueuesCommand({})), (e) => e.name === 'SignatureDoesNotMatch' && e.$metadata.httpStatusCode === 403);
    const unknown = client(rekey, { accessKeyId: 'AKRKAAAAAAAAAAAAAAAA', secretAccessKey: 'nope' });
    await assert.rejects(unknown.send(new ListQueuesCommand({})), (e) => e.name === 'InvalidClientTokenId');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'private' }));
    const stranger = client(rekey, await accessKey(rekey, '999988887777'));
    await assert.rejects(stranger.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })), (e) => e.name === 'QueueDoesNotExist');
    assert.equal((await stranger.send(new ListQueuesCommand({}))).QueueUrls, undefined);
  });

  // Issue #14 item 10: characters SQS refuses in a body are refused, and nothing is stored.
  it('refuses a body with characters SQS does not allow, and stores nothing', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'strict-bodies' }));
    for (const MessageBody of ['nul \u0000 inside', 'bell \u0007', '\uffff']) {
      await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody })),
        (e) => e.name === 'InvalidMessageContents' && e.$metadata.httpStatusCode === 400, JSON.stringify(MessageBody));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'tab\tnewline\n é € 🔑' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    assert.equal(Attributes.ApproximateNumberOfMessages, '1');
  });

  // Issue #15 item 6: the defects an outside SQS test suite found in the ten operations.
  it('takes a 256 KiB message, whatever the other endpoints take, and refuses one byte more in SQS shape', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'big' }));
    const largest = 'x'.repeat(256 * 1024 - 3) + 'é\n';  // 262,144 bytes, some of them escaped in JSON
    assert.equal(Buffer.byteLength(largest), 256 * 1024);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: largest }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(Messages[0].Body, largest, 'MD5OfBody checked by the client');
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: largest + 'y' })),
      (e) => e.name === 'InvalidParameterValue' && e.$metadata.httpStatusCode === 400);
    const tooLarge = await fetch(rekey.url + '/', { method: 'POST', body: 'x'.repeat(2 << 20),
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' } });
    assert.equal(tooLarge.status, 400, 'over the route\'s limit: as a message too long');
    assert.equal(tooLarge.headers.get('x-amzn-query-error'), 'InvalidParameterValue;Sender');
    assert.equal((await tooLarge.json()).__type, 'com.amazonaws.sqs#InvalidParameterValue');
    const token = await fetch(rekey.url + '/auth/o2/token', { method: 'POST', body: 'x'.repeat(100 * 1024),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(token.status, 413, 'the other endpoints keep the listener\'s limit');
  });

  it('returns only the system attributes asked for', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'attributes' }));
    const receive = async (names) => {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a' }));
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, ...names }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
      return Messages[0].Attributes;
    };
    assert.equal(await receive({}), undefined, 'none by default');
    assert.deepEqual(Object.keys(await receive({ MessageSystemAttributeNames: ['SentTimestamp'] })), ['SentTimestamp']);
    assert.deepEqual(Object.keys(await receive({ AttributeNames: ['ApproximateReceiveCount'] })), ['ApproximateReceiveCount']);
    assert.deepEqual(Object.keys(await receive({ MessageSystemAttributeNames: ['All'] })).sort(),
      ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']);
  });

  it('answers GetQueueAttributes as SQS does: nothing unasked, unknown names refused, All complete', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'described' }));
    assert.equal((await sqs.send(new GetQueueAttributesCommand({ QueueUrl }))).Attributes, undefined);
    await assert.rejects(sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'Colour'] })),
      (e) => e.name === 'InvalidAttributeName' && e.$metadata.httpStatusCode === 400);
    assert.equal((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }))).Attributes,
      undefined, 'a known attribute the queue has no value for is left out');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 60 }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'now' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    const created = Attributes.CreatedTimestamp;
    assert.match(created, /^\d{10}$/);
    assert.deepEqual(Attributes, {
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      CreatedTimestamp: created,
      DelaySeconds: '0',
      LastModifiedTimestamp: created,
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:described`,
      ReceiveMessageWaitTimeSeconds: '0',
      VisibilityTimeout: '30',
      SqsManagedSseEnabled: 'true',
    });
  });

  it('wakes a long poll when a message shows again: its visibility ends or is changed to 0', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'reappearing' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1 }));
    let started = Date.now();
    const expired = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, VisibilityTimeout: 30 }));
    assert.equal(expired.Messages[0].Body, 'again');
    assert.ok(Date.now() - started < 10_000, `woke after ${Date.now() - started} ms, not at WaitTimeSeconds`);
    started = Date.now();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: '20' }));  // a numeric string, as SQS reads it
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: expired.Messages[0].ReceiptHandle, VisibilityTimeout: 0 }));
    assert.equal((await waiting).Messages[0].Body, 'again');
    assert.ok(Date.now() - started < 10_000, `woke after ${Date.now() - started} ms, not at WaitTimeSeconds`);
  });

  it('takes a bare queue name as QueueUrl, and checks the queue before the receipt handle', async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: 'bare' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: 'bare', MessageBody: 'by name' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: 'bare' }));
    assert.equal(Messages[0].Body, 'by name');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'short-lived' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    for (const ReceiptHandle of ['forged', Messages[0].ReceiptHandle]) {
      await assert.rejects(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle })), (e) => e.name === 'QueueDoesNotExist');
      await assert.rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 5 })),
        (e) => e.name === 'QueueDoesNotExist');
    }
  });

  it('creates queues as SQS does: the same attributes idempotent, others QueueAlreadyExists, unknown and unserved ones refused', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'settled', Attributes: { VisibilityTimeout: '45' } }));
    assert.equal((await sqs.send(new CreateQueueCommand({ QueueName: 'settled', Attributes: { VisibilityTimeout: '45' } }))).QueueUrl, QueueUrl);
    const refusals = [
      [{ QueueName: 'settled', Attributes: { VisibilityTimeout: '46' } }, 'QueueNameExists'],  // query: QueueAlreadyExists
      [{ QueueName: 'q1', Attributes: { Colour: 'blue' } }, 'InvalidAttributeName'],
      [{ QueueName: 'q2', Attributes: { VisibilityTimeout: '43201' } }, 'InvalidAttributeValue'],
      [{ QueueName: 'q3', Attributes: { DelaySeconds: '901' } }, 'InvalidAttributeValue'],
      [{ QueueName: 'q3', Attributes: { KmsMasterKeyId: 'alias/aws/sqs' } }, 'InvalidAttributeValue'],
      [{ QueueName: 'q4', Attributes: { FifoQueue: 'true' } }, 'UnsupportedOperation'],
      [{ QueueName: 'q5.fifo' }, 'UnsupportedOperation'],
      [{ QueueName: 'no spaces' }, 'InvalidParameterValue'],
    ];
    for (const [input, name] of refusals) {
      await assert.rejects(sqs.send(new CreateQueueCommand(input)), (e) => e.name === name && e.$metadata.httpStatusCode === 400,
        JSON.stringify(input));
    }
    await assert.rejects(sqs.send(new CreateQueueCommand({ QueueName: 'no spaces' })),
      (e) => e.message === 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'q' }));
    assert.equal(QueueUrls, undefined, 'nothing was created');
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }));
    assert.deepEqual(Attributes, { VisibilityTimeout: '45' }, 'nothing was changed');
  });

  it('runs batches entry by entry (MD5 checked per entry) and refuses a bad batch whole', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'batches' }));
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [
      { Id: 'a', MessageBody: 'first ✓' }, { Id: 'b', MessageBody: 'bell \u0007' }, { Id: 'c', MessageBody: 'third', DelaySeconds: 0 },
    ] }));
    assert.deepEqual(sent.Successful.map((s) => s.Id), ['a', 'c']);
    assert.deepEqual(sent.Failed, [{ Id: 'b', SenderFault: true, Code: 'InvalidMessageContents',
      Message: 'The message contains characters outside the allowed set.' }]);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(Messages.map((m) => m.Body).sort(), ['first ✓', 'third']);
    const changed = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [
      { Id: 'x', ReceiptHandle: Messages[0].ReceiptHandle, VisibilityTimeout: 0 },
      { Id: 'y', ReceiptHandle: 'rh1.forged', VisibilityTimeout: 0 },
    ] }));
    assert.deepEqual(changed.Successful, [{ Id: 'x' }]);
    assert.equal(changed.Failed[0].Code, 'ReceiptHandleIsInvalid');
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [
      { Id: 'p', ReceiptHandle: again.Messages[0].ReceiptHandle }, { Id: 'q', ReceiptHandle: Messages[1].ReceiptHandle },
    ] }));
    assert.deepEqual(deleted.Successful.map((s) => s.Id), ['p', 'q']);
    const refusals = [
      [[], 'EmptyBatchRequest'],
      [Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })), 'TooManyEntriesInBatchRequest'],
      [[{ Id: 'same', MessageBody: 'x' }, { Id: 'same', MessageBody: 'y' }], 'BatchEntryIdsNotDistinct'],
      [[{ Id: 'not valid!', MessageBody: 'x' }], 'InvalidBatchEntryId'],
      [[{ Id: 'a', MessageBody: 'x'.repeat(200 * 1024) }, { Id: 'b', MessageBody: 'x'.repeat(100 * 1024) }], 'BatchRequestTooLong'],
    ];
    for (const [Entries, name] of refusals) {
      await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries })),
        (e) => e.name === name && e.$metadata.httpStatusCode === 400, name);
    }
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    assert.equal(Attributes.ApproximateNumberOfMessages, '0', 'the refused batches sent nothing');
  });

  it('refuses a request signed more than 15 minutes ago', async () => {
    const key = await accessKey(rekey);
    const late = client(rekey, key, { systemClockOffset: -16 * 60 * 1000 });
    await assert.rejects(late.send(new ListQueuesCommand({})), (e) => e.$metadata.httpStatusCode === 403);
  });
});

describe('embedded queue durability', () => {
  it('keeps messages, encrypted, and receive counts across a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rekey-sqs-'));
    try {
      let rekey = await startRekey({ dataDir: dir });
      const key = await accessKey(rekey);
      let sqs = client(rekey, key);
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'durable' }));
      const secretish = 'amzn1.oa2-cs.v1.' + 'ab'.repeat(32);
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: secretish }));
      await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
      assert.ok(!rekey.dump().includes(secretish), 'message bodies are encrypted at rest');
      await rekey.stop();
      rekey = await startRekey({ dataDir: dir });
      sqs = client(rekey, key);
      const url = QueueUrl.replace(/^http:\/\/[^/]+/, rekey.url);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'] }));
      assert.equal(Messages[0].Body, secretish);
      assert.equal(Messages[0].Attributes.ApproximateReceiveCount, '2');
      await rekey.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The behaviour every client is held to (support/sqs_scenarios.mjs), through @aws-sdk/client-sqs.
// It checks MD5OfBody and MD5OfMessageBody itself; the scenarios check the attribute digests.
queueBehaviourScenarios('@aws-sdk/client-sqs', async (rekey, key) => {
  const sqs = client(rekey, key);
  return {
    createQueue: async (QueueName, Attributes, tags) => (await sqs.send(new CreateQueueCommand({ QueueName, Attributes, tags }))).QueueUrl,
    setQueueAttributes: (QueueUrl, Attributes) => sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes })),
    getQueueAttributes: async (QueueUrl, AttributeNames) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames }))).Attributes ?? {},
    sendMessage: (QueueUrl, MessageBody, { delaySeconds, messageAttributes, traceHeader } = {}) => sqs.send(new SendMessageCommand({
      QueueUrl, MessageBody, DelaySeconds: delaySeconds, MessageAttributes: binaryValuesAsBytes(messageAttributes),
      MessageSystemAttributes: traceHeader && { AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } },
    })),
    receiveMessage: async (QueueUrl, { max, wait, visibility, attributeNames, messageAttributeNames } = {}) => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: wait, VisibilityTimeout: visibility,
        MessageSystemAttributeNames: attributeNames, MessageAttributeNames: messageAttributeNames,
      }));
      return Messages.map((m) => ({ ...m, MessageAttributes: binaryValuesAsBase64(m.MessageAttributes) }));
    },
    deleteMessage: (QueueUrl, ReceiptHandle) => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle })),
    tagQueue: (QueueUrl, Tags) => sqs.send(new TagQueueCommand({ QueueUrl, Tags })),
    untagQueue: (QueueUrl, TagKeys) => sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys })),
    listQueueTags: async (QueueUrl) => (await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags ?? {},
    listDeadLetterSourceQueues: async (QueueUrl) =>
      (await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl }))).queueUrls ?? [],
    errorCode: (e) => e.name,
  };
}, {
  nonExistentQueue: 'QueueDoesNotExist', invalidParameterValue: 'InvalidParameterValue',
  invalidAttributeValue: 'InvalidAttributeValue', invalidAttributeName: 'InvalidAttributeName',
  queueAlreadyExists: 'QueueNameExists',
});
