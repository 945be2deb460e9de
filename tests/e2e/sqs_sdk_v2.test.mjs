// The embedded queue in the query protocol with the Node aws-sdk v2, pinned to 2.1490.0 — the
// last release whose SQS model is protocol "query" (2.1491.0 moved to JSON). Unmodified: it
// posts forms to the QueueUrl itself, parses the XML, and checks MD5OfMessageBody on send and
// MD5OfBody on receive.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startRekey } from './support/rekey.mjs';
import { queueBehaviourScenarios, binaryValuesAsBytes, binaryValuesAsBase64 } from './support/sqs_scenarios.mjs';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const require = createRequire(import.meta.url);
const AWS = require('aws-sdk');
const ACCOUNT = '111122223333';

describe('embedded queue, query protocol (Node aws-sdk v2.1490.0)', () => {
  let rekey;
  let sqs;
  let sqsFor;
  before(async () => {
    assert.equal(AWS.VERSION, '2.1490.0');
    assert.equal(require('aws-sdk/apis/sqs-2012-11-05.min.json').metadata.protocol, 'query');
    rekey = await startRekey();
    sqsFor = async (account) => {
      const key = (await rekey.admin('POST', '/admin/v1/access-keys', { account })).body;
      return new AWS.SQS({ endpoint: rekey.url, region: 'us-east-1', maxRetries: 0, computeChecksums: true,
        credentials: new AWS.Credentials(key.accessKeyId, key.secretAccessKey) });
    };
    sqs = await sqsFor(ACCOUNT);
  });
  after(() => rekey.stop());

  it('runs every operation, with the client checking every MD5', async () => {
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'v2', Attributes: { VisibilityTimeout: '1' } }).promise();
    assert.equal(QueueUrl, `${rekey.url}/${ACCOUNT}/v2`);
    assert.equal((await sqs.getQueueUrl({ QueueName: 'v2' }).promise()).QueueUrl, QueueUrl);
    assert.deepEqual((await sqs.listQueues({ QueueNamePrefix: 'v2' }).promise()).QueueUrls, [QueueUrl]);
    const body = '<xml> & "quotes" \r\n ✓';
    const sent = await sqs.sendMessage({ QueueUrl, MessageBody: body }).promise();
    assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);
    const got = await sqs.receiveMessage({ QueueUrl, AttributeNames: ['All'], MaxNumberOfMessages: 10 }).promise();
    assert.equal(got.Messages[0].Body, body);
    assert.equal(got.Messages[0].Attributes.ApproximateReceiveCount, '1');
    const back = await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 5 }).promise();
    assert.equal(back.Messages[0].MessageId, sent.MessageId, 'back after its 1 s visibility timeout');
    await sqs.changeMessageVisibility({ QueueUrl, ReceiptHandle: back.Messages[0].ReceiptHandle, VisibilityTimeout: 60 }).promise();
    const { Attributes } = await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }).promise();
    assert.deepEqual(Attributes, { ApproximateNumberOfMessagesNotVisible: '1' });
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: back.Messages[0].ReceiptHandle }).promise();
    await sqs.sendMessage({ QueueUrl, MessageBody: 'x'.repeat(256 * 1024) }).promise();
    await assert.rejects(sqs.sendMessage({ QueueUrl, MessageBody: 'x'.repeat(256 * 1024 + 1) }).promise(),
      (e) => e.code === 'InvalidParameterValue' && e.statusCode === 400);
    await sqs.purgeQueue({ QueueUrl }).promise();
    await sqs.deleteQueue({ QueueUrl }).promise();
    await assert.rejects(sqs.getQueueUrl({ QueueName: 'v2' }).promise(),
      (e) => e.code === 'AWS.SimpleQueueService.NonExistentQueue' && e.statusCode === 400);
  });

  it('runs batches, checking the MD5 of every entry sent', async () => {
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'v2-batches' }).promise();
    const sent = await sqs.sendMessageBatch({ QueueUrl, Entries: [
      { Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: '' }, { Id: 'c', MessageBody: 'three' },
    ] }).promise();
    assert.deepEqual(sent.Successful.map((s) => s.Id), ['a', 'c']);
    assert.deepEqual(sent.Failed.map((f) => [f.Id, f.SenderFault, f.Code]), [['b', true, 'InvalidParameterValue']]);
    const { Messages } = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 }).promise();
    const changed = await sqs.changeMessageVisibilityBatch({ QueueUrl, Entries: Messages.map((m, i) => (
      { Id: `v${i}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })) }).promise();
    assert.equal(changed.Successful.length, 2);
    const again = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 }).promise();
    const deleted = await sqs.deleteMessageBatch({ QueueUrl, Entries: again.Messages.map((m, i) => (
      { Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }).promise();
    assert.equal(deleted.Successful.length, 2);
    await assert.rejects(sqs.sendMessageBatch({ QueueUrl, Entries: [] }).promise(),
      (e) => e.code === 'AWS.SimpleQueueService.EmptyBatchRequest');
  });

  it("receives rekey's own NEW_SECRET notification", async () => {
    const app = await rekey.createApp();
    assert.equal((await rekey.rotate(await rekey.token(app))).status, 204);
    const consumer = await sqsFor('000000000000');
    const QueueUrl = `${rekey.url}/000000000000/q-${app.applicationId.slice(-12)}`;
    const { Messages } = await consumer.receiveMessage({ QueueUrl, WaitTimeSeconds: 10 }).promise();
    const n = JSON.parse(Messages[0].Body);
    assert.equal(n.notificationType, 'APPLICATION_OAUTH_CLIENT_NEW_SECRET');
    assert.equal(n.payload.applicationOAuthClientNewSecret.clientId, app.clientId);
  });
});

// The behaviour every client is held to (support/sqs_scenarios.mjs), through the v2 SDK's query
// protocol. It checks MD5OfBody and MD5OfMessageBody itself; the scenarios check the attribute digests.
queueBehaviourScenarios('Node aws-sdk v2.1490.0', async (rekey, key) => {
  const sqs = new AWS.SQS({ endpoint: rekey.url, region: 'us-east-1', maxRetries: 0, computeChecksums: true,
    credentials: new AWS.Credentials(key.accessKeyId, key.secretAccessKey) });
  return {
    createQueue: async (QueueName, Attributes, tags) => (await sqs.createQueue({ QueueName, Attributes, tags }).promise()).QueueUrl,
    setQueueAttributes: (QueueUrl, Attributes) => sqs.setQueueAttributes({ QueueUrl, Attributes }).promise(),
    getQueueAttributes: async (QueueUrl, AttributeNames) =>
      (await sqs.getQueueAttributes({ QueueUrl, AttributeNames }).promise()).Attributes ?? {},
    sendMessage: (QueueUrl, MessageBody, { delaySeconds, messageAttributes, traceHeader } = {}) => sqs.sendMessage({
      QueueUrl, MessageBody, DelaySeconds: delaySeconds, MessageAttributes: binaryValuesAsBytes(messageAttributes),
      MessageSystemAttributes: traceHeader && { AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } },
    }).promise(),
    receiveMessage: async (QueueUrl, { max, wait, visibility, attributeNames, messageAttributeNames } = {}) => {
      const { Messages = [] } = await sqs.receiveMessage({
        QueueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: wait, VisibilityTimeout: visibility,
        AttributeNames: attributeNames, MessageAttributeNames: messageAttributeNames,
      }).promise();
      return Messages.map((m) => ({ ...m, MessageAttributes: binaryValuesAsBase64(m.MessageAttributes) }));
    },
    deleteMessage: (QueueUrl, ReceiptHandle) => sqs.deleteMessage({ QueueUrl, ReceiptHandle }).promise(),
    tagQueue: (QueueUrl, Tags) => sqs.tagQueue({ QueueUrl, Tags }).promise(),
    untagQueue: (QueueUrl, TagKeys) => sqs.untagQueue({ QueueUrl, TagKeys }).promise(),
    listQueueTags: async (QueueUrl) => (await sqs.listQueueTags({ QueueUrl }).promise()).Tags ?? {},
    listDeadLetterSourceQueues: async (QueueUrl) =>
      (await sqs.listDeadLetterSourceQueues({ QueueUrl }).promise()).queueUrls ?? [],
    errorCode: (e) => e.code,
  };
}, {
  nonExistentQueue: 'AWS.SimpleQueueService.NonExistentQueue', invalidParameterValue: 'InvalidParameterValue',
  invalidAttributeValue: 'InvalidAttributeValue', invalidAttributeName: 'InvalidAttributeName',
  queueAlreadyExists: 'QueueAlreadyExists',
});
