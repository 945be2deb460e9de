// Unmodified SP-API and SQS clients calling Amazon's real host names, as an app does: no endpoint
// option, no patch, no agent. Run by drop_in.test.mjs inside a network namespace whose /etc/hosts
// sends those names to rekey; the process is given only NODE_EXTRA_CA_CERTS (the local CA).
// argv[2]: a JSON file { official, amzTools: { clientId, clientSecret }, queueName, accessKey }.
// Prints one JSON object: what each client saw.
import { readFileSync } from 'node:fs';
import SellingPartnerAPI from 'amazon-sp-api';
import { ApplicationsSpApi, ScopeConstants } from '@amazon-sp-api-release/amazon-sp-api-sdk-js';
import { SQSClient, GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const seen = {};
const failureOf = async (promise) => {
  try {
    await promise;
    return null;
  } catch (error) {
    return error;
  }
};

// The official SDK: its LWA URL and basePath are Amazon's, hard-coded.
{
  const client = new ApplicationsSpApi.ApiClient();
  client.enableAutoRetrievalAccessToken(config.official.clientId, config.official.clientSecret, null,
    ScopeConstants.SCOPE_APPLICATION_MANAGEMENT_API);
  client.disableRateLimiter();
  const api = new ApplicationsSpApi.ApplicationsApi(client);
  const { response } = await api.rotateApplicationClientSecretWithHttpInfo();
  const second = await failureOf(api.rotateApplicationClientSecretWithHttpInfo());
  seen.official = {
    basePath: client.basePath,
    status: response.status,
    rateLimit: response.headers['x-amzn-ratelimit-limit'],
    second: second && { status: second.status, code: second.response?.body?.errors?.[0]?.code },
  };
}

// amazon-sp-api (amz-tools): grantless, its own retries off (it would wait out a 429 forever).
{
  const sp = new SellingPartnerAPI({
    region: 'na',
    credentials: {
      SELLING_PARTNER_APP_CLIENT_ID: config.amzTools.clientId,
      SELLING_PARTNER_APP_CLIENT_SECRET: config.amzTools.clientSecret,
    },
    options: { only_grantless_operations: true, auto_request_throttled: false, retry_remote_timeout: false },
  });
  const call = () => sp.callAPI({
    operation: 'rotateApplicationClientSecret', endpoint: 'applicationManagement',
    scope: ScopeConstants.SCOPE_APPLICATION_MANAGEMENT_API,
  });
  const first = await call();
  const second = await failureOf(call());
  seen.amzTools = { first, second: second && { code: second.code, message: second.message } };
}

// @aws-sdk/client-sqs with a region and no endpoint: sqs.us-east-1.amazonaws.com.
{
  const sqs = new SQSClient({ region: 'us-east-1', credentials: config.accessKey, maxAttempts: 1 });
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: config.queueName }));
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }));
  seen.sqs = {
    queueUrl: QueueUrl,
    notifications: Messages.map((m) => JSON.parse(m.Body)),
  };
}

// The new secret, used as an app would: a token from api.amazon.com.
{
  const secret = seen.sqs.notifications[0]?.payload?.applicationOAuthClientNewSecret;
  const res = await fetch('https://api.amazon.com/auth/o2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials', client_id: secret?.clientId ?? '', client_secret: secret?.newClientSecret ?? '',
      scope: ScopeConstants.SCOPE_APPLICATION_MANAGEMENT_API,
    }),
  });
  seen.newSecretToken = res.status;
}

process.stdout.write(JSON.stringify(seen));
