#include "queue/queue_attributes.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace rekey {
namespace {

namespace json = boost::json;

std::string seconds(millis d) { return std::to_string(d.count() / 1000); }
std::string epoch_seconds(time_point t) { return std::to_string(to_epoch_ms(t) / 1000); }

// "<integer>" in [range.min, range.max]; nullopt otherwise.
std::optional<std::int64_t> integer_in(std::string_view text, sqs_range range) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || !range.contains(n)) return std::nullopt;
  return n;
}

using reader = result<void> (*)(std::string_view value, queue_settings& into);

template <sqs_range Range, std::optional<std::int64_t> queue_settings::*Field>
result<void> read_integer(std::string_view value, queue_settings& into) {
  into.*Field = integer_in(value, Range);
  if (!(into.*Field)) return errc::sqs_invalid_attribute_value;
  return {};
}

std::optional<json::object> json_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// {"deadLetterTargetArn": "<arn>", "maxReceiveCount": <1–1000, a number or a string>}; "" removes it.
result<void> read_redrive_policy(std::string_view value, queue_settings& into) {
  if (value.empty()) {
    into.redrive = redrive_policy{};
    return {};
  }
  const auto o = json_object(value);
  if (!o || o->size() != 2) return errc::sqs_invalid_attribute_value;
  const auto* arn = o->if_contains("deadLetterTargetArn");
  const auto* count = o->if_contains("maxReceiveCount");
  if (arn == nullptr || !arn->is_string() || arn->as_string().empty() || count == nullptr) {
    return errc::sqs_invalid_attribute_value;
  }
  std::optional<std::int64_t> n;
  if (count->is_int64() && sqs_limits::max_receive_count.contains(count->as_int64())) n = count->as_int64();
  if (count->is_string()) n = integer_in(count->as_string(), sqs_limits::max_receive_count);
  if (!n) return errc::sqs_invalid_attribute_value;
  into.redrive = redrive_policy{std::string(arn->as_string()), *n};
  return {};
}

// {"redrivePermission": "allowAll" | "denyAll" | "byQueue", "sourceQueueArns": [1–10 ARNs] with
// byQueue only}; "" removes it. Kept as given.
result<void> read_redrive_allow_policy(std::string_view value, queue_settings& into) {
  if (!value.empty()) {
    const auto o = json_object(value);
    const auto* permission = o ? o->if_contains("redrivePermission") : nullptr;
    if (permission == nullptr || !permission->is_string()) return errc::sqs_invalid_attribute_value;
    const auto& p = permission->as_string();
    const auto* sources = o->if_contains("sourceQueueArns");
    if (p == "byQueue") {
      if (sources == nullptr || !sources->is_array() || sources->as_array().empty() ||
          sources->as_array().size() > 10 ||
          !std::all_of(sources->as_array().begin(), sources->as_array().end(),
                       [](const json::value& a) { return a.is_string(); })) {
        return errc::sqs_invalid_attribute_value;
      }
    } else if ((p != "allowAll" && p != "denyAll") || sources != nullptr) {
      return errc::sqs_invalid_attribute_value;
    }
  }
  into.redrive_allow_policy = std::string(value);
  return {};
}

// A JSON policy document (an object); "" removes it. Stored and answered, not enforced.
result<void> read_policy(std::string_view value, queue_settings& into) {
  if (!value.empty() && !json_object(value)) return errc::sqs_invalid_attribute_value;
  into.policy = std::string(value);
  return {};
}

result<void> read_fifo_queue(std::string_view value, queue_settings&) {
  if (value == "false") return {};
  return value == "true" ? errc::sqs_fifo_unsupported : errc::sqs_invalid_attribute_value;
}

// Bodies are always sealed at rest (queue_service.hpp): "false" is not served.
result<void> read_managed_sse(std::string_view value, queue_settings&) {
  if (value == "true") return {};
  return value == "false" ? errc::sqs_unsupported_attribute_value : errc::sqs_invalid_attribute_value;
}

result<void> unsupported(std::string_view, queue_settings&) { return errc::sqs_unsupported_attribute_value; }

std::optional<std::string> unless_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<std::string> redrive_policy_value(const queue_description& q) {
  if (q.queue.dead_letter_target.empty()) return std::nullopt;
  return json::serialize(json::object{{"deadLetterTargetArn", q.queue.dead_letter_target},
                                      {"maxReceiveCount", q.queue.max_receive_count}});
}

std::optional<std::string> none(const queue_description&) { return std::nullopt; }

// Every queue attribute SQS knows, in the order of SQS's documentation: the value rekey has for
// it on a queue (nullopt: none, left out of answers) and how a value given for it is read
// (nullptr: it cannot be set).
struct queue_attribute {
  std::string_view name;
  std::optional<std::string> (*value)(const queue_description&);
  reader read;
};
constexpr queue_attribute queue_attributes[] = {
    {"ApproximateNumberOfMessages",
     [](const queue_description& q) -> std::optional<std::string> { return std::to_string(q.counts.visible); },
     nullptr},
    {"ApproximateNumberOfMessagesDelayed",
     [](const queue_description& q) -> std::optional<std::string> { return std::to_string(q.counts.delayed); },
     nullptr},
    {"ApproximateNumberOfMessagesNotVisible",
     [](const queue_description& q) -> std::optional<std::string> { return std::to_string(q.counts.in_flight); },
     nullptr},
    {"CreatedTimestamp",
     [](const queue_description& q) -> std::optional<std::string> { return epoch_seconds(q.queue.created_at); },
     nullptr},
    {"DelaySeconds", [](const queue_description& q) -> std::optional<std::string> { return seconds(q.queue.delay); },
     read_integer<sqs_limits::delay, &queue_settings::delay_seconds>},
    {"LastModifiedTimestamp",
     [](const queue_description& q) -> std::optional<std::string> { return epoch_seconds(q.queue.modified_at); },
     nullptr},
    {"MaximumMessageSize",
     [](const queue_description& q) -> std::optional<std::string> {
       return std::to_string(q.queue.maximum_message_size);
     },
     read_integer<sqs_limits::maximum_message_size, &queue_settings::maximum_message_size>},
    {"MessageRetentionPeriod",
     [](const queue_description& q) -> std::optional<std::string> { return seconds(q.queue.retention); },
     read_integer<sqs_limits::retention, &queue_settings::retention_seconds>},
    {"Policy", [](const queue_description& q) { return unless_empty(q.queue.policy); }, read_policy},
    {"QueueArn", [](const queue_description& q) -> std::optional<std::string> { return q.arn; }, nullptr},
    {"ReceiveMessageWaitTimeSeconds",
     [](const queue_description& q) -> std::optional<std::string> {
       return std::to_string(q.queue.receive_wait_seconds);
     },
     read_integer<sqs_limits::wait_time, &queue_settings::receive_wait_seconds>},
    {"RedrivePolicy", redrive_policy_value, read_redrive_policy},
    {"RedriveAllowPolicy", [](const queue_description& q) { return unless_empty(q.queue.redrive_allow_policy); },
     read_redrive_allow_policy},
    {"VisibilityTimeout",
     [](const queue_description& q) -> std::optional<std::string> { return seconds(q.queue.visibility_timeout); },
     read_integer<sqs_limits::visibility_timeout, &queue_settings::visibility_timeout_seconds>},
    {"SqsManagedSseEnabled", [](const queue_description&) -> std::optional<std::string> { return "true"; },
     read_managed_sse},
    {"KmsMasterKeyId", none, unsupported},
    {"KmsDataKeyReusePeriodSeconds", none, unsupported},
    {"FifoQueue", none, read_fifo_queue},
    {"ContentBasedDeduplication", none, unsupported},
    {"DeduplicationScope", none, unsupported},
    {"FifoThroughputLimit", none, unsupported},
};

const queue_attribute* find_attribute(std::string_view name) {
  const auto* at = std::find_if(std::begin(queue_attributes), std::end(queue_attributes),
                                [&](const queue_attribute& a) { return a.name == name; });
  return at == std::end(queue_attributes) ? nullptr : at;
}

bool wants(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), "All") != names.end() ||
         std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

result<queue_settings> read_queue_attributes(const attribute_list& given) {
  for (const auto& entry : given) {  // names first: SQS answers an unknown name before a bad value
    const auto* a = find_attribute(entry.first);
    if (a == nullptr || a->read == nullptr) return errc::sqs_invalid_attribute_name;
  }
  queue_settings settings;
  for (const auto& entry : given) {
    if (auto r = find_attribute(entry.first)->read(entry.second, settings); !r) return r.error();
  }
  return settings;
}

result<attribute_list> select_queue_attributes(const queue_description& queue, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (n != "All" && find_attribute(n) == nullptr) return errc::sqs_invalid_attribute_name;
  }
  attribute_list out;
  for (const auto& a : queue_attributes) {
    if (!wants(names, a.name)) continue;
    if (auto v = a.value(queue)) out.emplace_back(a.name, std::move(*v));
  }
  return out;
}

attribute_list select_message_attributes(const received_message& r, const std::vector<std::string>& names) {
  const auto& m = r.message;
  attribute_list out;
  if (wants(names, "SenderId")) out.emplace_back("SenderId", m.sender_id);
  if (wants(names, "SentTimestamp")) out.emplace_back("SentTimestamp", std::to_string(to_epoch_ms(m.sent_at)));
  if (wants(names, "ApproximateReceiveCount")) {
    out.emplace_back("ApproximateReceiveCount", std::to_string(m.receive_count));
  }
  if (wants(names, "ApproximateFirstReceiveTimestamp") && m.first_received_at) {
    out.emplace_back("ApproximateFirstReceiveTimestamp", std::to_string(to_epoch_ms(*m.first_received_at)));
  }
  if (const auto trace = r.attributes.system.find("AWSTraceHeader");
      trace != r.attributes.system.end() && wants(names, "AWSTraceHeader")) {
    out.emplace_back("AWSTraceHeader", trace->second.value);
  }
  return out;
}

}  // namespace rekey
