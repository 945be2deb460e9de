"""Debian's boto3 receiving from a queue as an app does: region us-east-1, no endpoint_url, with
HTTPS_PROXY and AWS_CA_BUNDLE (and the access key) in the environment only.
argv[1]: the queue name. Prints one JSON object: the queue URL and the message bodies."""
import json
import sys

import boto3
from botocore.config import Config

sqs = boto3.client("sqs", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))
url = sqs.get_queue_url(QueueName=sys.argv[1])["QueueUrl"]
received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, MaxNumberOfMessages=10)
print(json.dumps({
    "endpoint": sqs.meta.endpoint_url,
    "queueUrl": url,
    "bodies": [m["Body"] for m in received.get("Messages", [])],
}))
