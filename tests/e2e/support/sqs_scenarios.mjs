// What issue #15 asks of every SQS client — message attributes with their digest, delays,
// retention, size limits, the default long poll, dead-letter redrive, tags, policies, the
// queue attributes SetQueueAttributes changes — written once and run by each client's test file
// through a small adapter, so that the three clients are held to exactly the same behaviour.
//
// An adapter wraps one unmodified client signed with one access key:
//   createQueue(name, attributes?, tags?) → QueueUrl
//   setQueueAttributes(url, attributes), getQueueAttributes(url, names) → { name: value }
//   sendMessage(url, body, { delaySeconds?, messageAttributes?, traceHeader? })
//     → { MessageId, MD5OfMessageBody, MD5OfMessageAttributes?, MD5OfMessageSystemAttributes? }
//   receiveMessage(url, { max?, wait?, visibility?, attributeNames?, messageAttributeNames? }) → [message],
//     each { MessageId, Body, ReceiptHandle, Attributes?, MessageAttributes?, MD5OfMessageAttributes? }
//     with binary values as base64 strings
//   deleteMessage(url, handle), tagQueue(url, tags), untagQueue(url, keys), listQueueTags(url) → tags
//   listDeadLetterSourceQueues(url) → [QueueUrl]
//   close?() → frees what the adapter holds
//   errorCode(error) → the error's code as the client reports it (query codes for the query
//     protocol, short names for JSON)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRekey } from './rekey.mjs';
import { md5OfMessageAttributes } from './sqs_md5.mjs';

export const SCENARIO_ACCOUNT = '444455556666';

// Binary attribute values as the SDKs take and give them (Buffer or Uint8Array), from and to the
// scenarios' base64 strings.
export const binaryValuesAsBytes = (attributes) => attributes && Object.fromEntries(Object.entries(attributes).map(([n, a]) => [n,
  a.BinaryValue ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') } : a]));
export const binaryValuesAsBase64 = (attributes) => attributes && Object.fromEntries(Object.entries(attributes).map(([n, a]) => [n,
  a.BinaryValue ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue).toString('base64') }
    : { DataType: a.DataType, StringValue: a.StringValue }]));


// codes: the client's names for errors, e.g. { nonExistentQueue, invalidAttributeValue, queueAlreadyExists }.
export function queueBehaviourScenarios(clientName, makeAdapter, codes) {
  describe(`embedded queue behaviour (${clientName})`, () => {
    let rekey;
    let sqs;
    let prefix;
    before(async () => {
      // --dev: the delay and retention checks move rekey's clock (by less than SigV4's 15 minutes in all)
      rekey = await startRekey({ args: ['--dev'] });
      const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account: SCENARIO_ACCOUNT })).body;
      sqs = await makeAdapter(rekey, key);
      prefix = clientName.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
    });
    after(async () => {
      await sqs?.close?.();
      await rekey.stop();
    });

    const rejects = (promise, code) => assert.rejects(promise, (e) => {
      assert.equal(sqs.errorCode(e), code);
      return true;
    });

    it('round-trips message attributes and the trace header, with SQS\'s digest', async () => {
      const url = await sqs.createQueue(`${prefix}-attrs`);
      const messageAttributes = {
        city: { DataType: 'String', StringValue: 'Any City ✓' },
        population: { DataType: 'Number', StringValue: '1250800' },
        blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]).toString('base64') },
        'app.kind': { DataType: 'String.custom', StringValue: 'zebra' },
      };
      const digest = md5OfMessageAttributes(messageAttributes);
      const sent = await sqs.sendMessage(url, 'with attributes', { messageAttributes, traceHeader: 'Root=1-abc' });
      assert.equal(sent.MD5OfMessageAttributes, digest);
      assert.equal(sent.MD5OfMessageSystemAttributes,
        md5OfMessageAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } }));
      const [got] = await sqs.receiveMessage(url, {
        messageAttributeNames: ['All'], attributeNames: ['AWSTraceHeader', 'SentTimestamp'], visibility: 0,
      });
      assert.deepEqual(got.MessageAttributes, messageAttributes);
      assert.equal(got.MD5OfMessageAttributes, digest);
      assert.equal(got.Attributes.AWSTraceHeader, 'Root=1-abc');
      assert.ok(Number(got.Attributes.SentTimestamp) > 0);
      assert.equal(got.Attributes.ApproximateReceiveCount, undefined, 'only the system attributes asked for');
      const [some] = await sqs.receiveMessage(url, { messageAttributeNames: ['app.*', 'city'] });
      assert.deepEqual(Object.keys(some.MessageAttributes).sort(), ['app.kind', 'city']);
      assert.equal(some.MD5OfMessageAttributes,
        md5OfMessageAttributes({ 'app.kind': messageAttributes['app.kind'], city: messageAttributes.city }),
        'the digest of the attributes answered');
      await rejects(sqs.sendMessage(url, 'x', { messageAttributes: { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } } }),
        codes.invalidParameterValue);
      await rejects(sqs.sendMessage(url, 'x', { messageAttributes: { n: { DataType: 'Number', StringValue: 'ten' } } }),
        codes.invalidParameterValue);
      const eleven = Object.fromEntries([...Array(11).keys()].map((i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
      await rejects(sqs.sendMessage(url, 'x', { messageAttributes: eleven }), codes.invalidParameterValue);
    });

    it('delays by the queue\'s DelaySeconds unless the message has its own', async () => {
      const url = await sqs.createQueue(`${prefix}-delay`, { DelaySeconds: '300' });
      await sqs.sendMessage(url, 'queue delay');
      await sqs.sendMessage(url, 'no delay', { delaySeconds: 0 });
      const now = await sqs.receiveMessage(url, { max: 10, wait: 0 });
      assert.deepEqual(now.map((m) => m.Body), ['no delay']);
      await sqs.deleteMessage(url, now[0].ReceiptHandle);  // else it shows again when the clock moves
      assert.equal((await sqs.getQueueAttributes(url, ['ApproximateNumberOfMessagesDelayed'])).ApproximateNumberOfMessagesDelayed, '1');
      assert.equal((await rekey.admin('POST', '/admin/v1/dev/clock', { advance: '301s' })).status, 200);
      const later = await sqs.receiveMessage(url, { max: 10, wait: 0 });
      assert.deepEqual(later.map((m) => m.Body), ['queue delay']);
    });

    it('waits by the queue\'s ReceiveMessageWaitTimeSeconds when a receive names no wait', async () => {
      const url = await sqs.createQueue(`${prefix}-wait`);
      await sqs.setQueueAttributes(url, { ReceiveMessageWaitTimeSeconds: '20' });
      const receiving = sqs.receiveMessage(url, {});
      await new Promise((r) => setTimeout(r, 500));
      await sqs.sendMessage(url, 'arrived while waiting');
      assert.deepEqual((await receiving).map((m) => m.Body), ['arrived while waiting']);
    });

    it('enforces MaximumMessageSize, the 256 KiB limit and retention', async () => {
      const url = await sqs.createQueue(`${prefix}-size`, { MaximumMessageSize: '1024', MessageRetentionPeriod: '60' });
      await sqs.sendMessage(url, 'x'.repeat(1024));
      await rejects(sqs.sendMessage(url, 'x'.repeat(1025)), codes.invalidParameterValue);
      await sqs.setQueueAttributes(url, { MaximumMessageSize: '262144' });
      await sqs.sendMessage(url, 'x'.repeat(256 * 1024));
      await rejects(sqs.sendMessage(url, 'x'.repeat(256 * 1024 + 1)), codes.invalidParameterValue);
      await rejects(sqs.setQueueAttributes(url, { MaximumMessageSize: '262145' }), codes.invalidAttributeValue);
      assert.equal((await sqs.getQueueAttributes(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages, '2');
      assert.equal((await rekey.admin('POST', '/admin/v1/dev/clock', { advance: '61s' })).status, 200);
      assert.deepEqual(await sqs.receiveMessage(url, { max: 10 }), [], 'past their 60 s retention');
      assert.equal((await sqs.getQueueAttributes(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages, '0');
    });

    it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
      const dlq = await sqs.createQueue(`${prefix}-dlq`);
      const { QueueArn } = await sqs.getQueueAttributes(dlq, ['QueueArn']);
      const redrive = JSON.stringify({ deadLetterTargetArn: QueueArn, maxReceiveCount: 2 });
      const source = await sqs.createQueue(`${prefix}-source`, { RedrivePolicy: redrive, VisibilityTimeout: '0' });
      const { RedrivePolicy } = await sqs.getQueueAttributes(source, ['RedrivePolicy']);
      assert.deepEqual(JSON.parse(RedrivePolicy), { deadLetterTargetArn: QueueArn, maxReceiveCount: 2 });
      const { MessageId } = await sqs.sendMessage(source, 'poison');
      for (let i = 1; i <= 2; i++) {
        const [m] = await sqs.receiveMessage(source, { attributeNames: ['ApproximateReceiveCount'] });
        assert.equal(m.MessageId, MessageId);
        assert.equal(m.Attributes.ApproximateReceiveCount, String(i));
      }
      assert.deepEqual(await sqs.receiveMessage(source, { wait: 0 }), [], 'the third receive moves it instead');
      const [dead] = await sqs.receiveMessage(dlq, {});
      assert.equal(dead.MessageId, MessageId);
      assert.equal(dead.Body, 'poison');
      assert.deepEqual(await sqs.listDeadLetterSourceQueues(dlq), [source]);
      await rejects(sqs.setQueueAttributes(source, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${QueueArn}-missing`, maxReceiveCount: 2 }) }),
        codes.invalidAttributeValue);
      await sqs.setQueueAttributes(dlq, { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
      await rejects(sqs.setQueueAttributes(source, { RedrivePolicy: redrive }), codes.invalidAttributeValue);
      await sqs.setQueueAttributes(source, { RedrivePolicy: '' });
      assert.deepEqual(await sqs.getQueueAttributes(source, ['RedrivePolicy']), {});
      assert.deepEqual(await sqs.listDeadLetterSourceQueues(dlq), []);
    });

    it('keeps attributes, policies and tags, and tells an idempotent CreateQueue from a conflicting one', async () => {
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
      const url = await sqs.createQueue(`${prefix}-kept`, { VisibilityTimeout: '7', Policy: policy }, { team: 'a' });
      assert.equal(await sqs.createQueue(`${prefix}-kept`, { VisibilityTimeout: '7' }), url);
      await rejects(sqs.createQueue(`${prefix}-kept`, { VisibilityTimeout: '8' }), codes.queueAlreadyExists);
      const before = await sqs.getQueueAttributes(url, ['All']);
      assert.equal(before.Policy, policy);
      assert.equal(before.VisibilityTimeout, '7');
      await sqs.setQueueAttributes(url, { VisibilityTimeout: '9', DelaySeconds: '3' });
      const changed = await sqs.getQueueAttributes(url, ['VisibilityTimeout', 'DelaySeconds', 'LastModifiedTimestamp', 'CreatedTimestamp']);
      assert.equal(changed.VisibilityTimeout, '9');
      assert.equal(changed.DelaySeconds, '3');
      assert.ok(Number(changed.LastModifiedTimestamp) >= Number(changed.CreatedTimestamp));
      await rejects(sqs.setQueueAttributes(url, { NoSuchAttribute: '1' }), codes.invalidAttributeName);
      await rejects(sqs.setQueueAttributes(url, { VisibilityTimeout: '43201' }), codes.invalidAttributeValue);
      assert.equal((await sqs.getQueueAttributes(url, ['VisibilityTimeout'])).VisibilityTimeout, '9', 'a refusal changes nothing');
      assert.deepEqual(await sqs.listQueueTags(url), { team: 'a' });
      await sqs.tagQueue(url, { team: 'b', env: 'ci' });
      assert.deepEqual(await sqs.listQueueTags(url), { env: 'ci', team: 'b' });
      await sqs.untagQueue(url, ['team']);
      assert.deepEqual(await sqs.listQueueTags(url), { env: 'ci' });
      await rejects(sqs.tagQueue(`${url}-missing`, { a: 'b' }), codes.nonExistentQueue);
    });
  });
}
