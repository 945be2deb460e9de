#include "queue/queue_attributes.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace rekey {
namespace {

std::string seconds(millis d) { return std::to_string(d.count() / 1000); }

// Every queue attribute name SQS knows, and the value rekey has for it on `q` (nullopt: none).
std::optional<std::string> queue_value(const queue_description& q, std::string_view name) {
  if (name == "ApproximateNumberOfMessages") return std::to_string(q.counts.visible);
  if (name == "ApproximateNumberOfMessagesNotVisible") return std::to_string(q.counts.in_flight);
  if (name == "ApproximateNumberOfMessagesDelayed") return std::to_string(q.counts.delayed);
  if (name == "CreatedTimestamp") return std::to_string(to_epoch_ms(q.queue.created_at) / 1000);
  if (name == "DelaySeconds") return "0";
  // No attribute changes after CreateQueue yet (SetQueueAttributes is not served).
  if (name == "LastModifiedTimestamp") return std::to_string(to_epoch_ms(q.queue.created_at) / 1000);
  if (name == "MaximumMessageSize") return std::to_string(sqs_limits::max_body_bytes);
  if (name == "MessageRetentionPeriod") return seconds(q.queue.retention);
  if (name == "QueueArn") return q.arn;
  if (name == "ReceiveMessageWaitTimeSeconds") return "0";
  if (name == "VisibilityTimeout") return seconds(q.queue.visibility_timeout);
  if (name == "SqsManagedSseEnabled") return "true";  // bodies are sealed at rest (queue_service.hpp)
  return std::nullopt;
}

constexpr std::array answered_queue_attributes{
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "DelaySeconds",
    "LastModifiedTimestamp",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "QueueArn",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "SqsManagedSseEnabled",
};
// Names SQS knows that a standard queue without a policy, redrive or KMS key has no value for.
constexpr std::array unanswered_queue_attributes{
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "DeduplicationScope",
    "FifoThroughputLimit",
};

template <std::size_t N>
bool listed(const std::array<const char*, N>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
}

bool wants(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), "All") != names.end() ||
         std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

result<attribute_list> select_queue_attributes(const queue_description& queue, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (n != "All" && !listed(answered_queue_attributes, n) && !listed(unanswered_queue_attributes, n)) {
      return errc::sqs_invalid_attribute_name;
    }
  }
  attribute_list out;
  for (const char* name : answered_queue_attributes) {
    if (wants(names, name)) out.emplace_back(name, *queue_value(queue, name));
  }
  return out;
}

attribute_list select_message_attributes(const message_record& m, const std::vector<std::string>& names) {
  attribute_list out;
  if (wants(names, "SenderId")) out.emplace_back("SenderId", m.sender_id);
  if (wants(names, "SentTimestamp")) out.emplace_back("SentTimestamp", std::to_string(to_epoch_ms(m.sent_at)));
  if (wants(names, "ApproximateReceiveCount")) {
    out.emplace_back("ApproximateReceiveCount", std::to_string(m.receive_count));
  }
  if (wants(names, "ApproximateFirstReceiveTimestamp") && m.first_received_at) {
    out.emplace_back("ApproximateFirstReceiveTimestamp", std::to_string(to_epoch_ms(*m.first_received_at)));
  }
  return out;
}

}  // namespace rekey
