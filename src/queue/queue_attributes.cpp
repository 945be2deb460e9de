#include "queue/queue_attributes.hpp"

#include <algorithm>
#include <array>
#include <charconv>
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

// "<integer>" in [range.min, range.max]; nullopt otherwise.
std::optional<std::int64_t> integer_in(std::string_view text, sqs_range range) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || !range.contains(n)) return std::nullopt;
  return n;
}

}  // namespace

result<queue_settings> read_create_attributes(const attribute_list& given) {
  // What CreateQueue may set (the counts, stamps and ARN are read-only: unknown names here).
  constexpr std::array settable{
      "DelaySeconds",
      "MaximumMessageSize",
      "MessageRetentionPeriod",
      "Policy",
      "ReceiveMessageWaitTimeSeconds",
      "RedrivePolicy",
      "VisibilityTimeout",
      "KmsMasterKeyId",
      "KmsDataKeyReusePeriodSeconds",
      "SqsManagedSseEnabled",
      "FifoQueue",
      "ContentBasedDeduplication",
      "DeduplicationScope",
      "FifoThroughputLimit",
      "RedriveAllowPolicy",
  };
  for (const auto& entry : given) {
    if (!listed(settable, entry.first)) return errc::sqs_invalid_attribute_name;
  }
  // Settings rekey holds at their defaults only (not stored yet): their range, and their default.
  struct fixed_setting {
    std::string_view name;
    sqs_range range;
    std::int64_t value;
  };
  constexpr fixed_setting fixed[] = {
      {"DelaySeconds", sqs_limits::delay, 0},
      {"ReceiveMessageWaitTimeSeconds", sqs_limits::wait_time, 0},
      {"MaximumMessageSize",
       {1024, static_cast<std::int64_t>(sqs_limits::max_body_bytes)},
       static_cast<std::int64_t>(sqs_limits::max_body_bytes)},
  };
  queue_settings settings;
  for (const auto& entry : given) {
    const std::string& name = entry.first;  // not a structured binding: lambdas cannot capture those in clang 14
    const std::string& value = entry.second;
    const auto* f = std::find_if(std::begin(fixed), std::end(fixed), [&](const auto& s) { return s.name == name; });
    if (name == "VisibilityTimeout") {
      settings.visibility_timeout_seconds = integer_in(value, sqs_limits::visibility_timeout);
      if (!settings.visibility_timeout_seconds) return errc::sqs_invalid_attribute_value;
    } else if (name == "MessageRetentionPeriod") {
      settings.retention_seconds = integer_in(value, sqs_limits::retention);
      if (!settings.retention_seconds) return errc::sqs_invalid_attribute_value;
    } else if (f != std::end(fixed)) {
      const auto n = integer_in(value, f->range);
      if (!n) return errc::sqs_invalid_attribute_value;
      if (*n != f->value) return errc::sqs_unsupported_attribute_value;
    } else if (name == "FifoQueue" || name == "SqsManagedSseEnabled") {
      if (value != "true" && value != "false") return errc::sqs_invalid_attribute_value;
      if (name == "FifoQueue" && value == "true") return errc::sqs_fifo_unsupported;
      if (name == "SqsManagedSseEnabled" && value == "false") {
        return errc::sqs_unsupported_attribute_value;  // bodies are always sealed at rest
      }
    } else {
      return errc::sqs_unsupported_attribute_value;  // policies, redrive, KMS, FIFO-only
    }
  }
  return settings;
}

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
