#include "api/sqs_json.hpp"

#include <boost/json/array.hpp>

#include <cstdlib>

#include "queue/queue_attributes.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;
using answer = result<json::object>;

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// A number field, as a JSON number or a numeric string; errc::sqs_invalid_parameter when
// present but not an integer in `range`.
result<std::optional<std::int64_t>> integer_field(const json::object& o, std::string_view key, sqs_range range) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>{};
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64()) {
    n = static_cast<std::int64_t>(std::min<std::uint64_t>(v->as_uint64(), INT64_MAX));
  } else if (v->is_string()) {
    const auto& s = v->as_string();
    char* end = nullptr;
    n = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0') return errc::sqs_invalid_parameter;
  } else {
    return errc::sqs_invalid_parameter;
  }
  if (!range.contains(n)) return errc::sqs_invalid_parameter;
  return std::optional<std::int64_t>{n};
}

// A list-of-strings field (AttributeNames …); entries that are not strings are skipped.
std::vector<std::string> string_list(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

json::object to_json(const attribute_list& attributes) {
  json::object out;
  for (const auto& [name, value] : attributes) out[name] = value;
  return out;
}

std::string queue_url(std::string_view base_url, const queue_address& q) {
  return std::string(base_url) + "/" + q.account + "/" + q.name;
}

answer empty_or(result<void> done) {
  if (!done) return done.error();
  return json::object{};
}

answer create_queue(queue_service& queues, const json::object& request, const sqs_caller& caller,
                    std::string_view base_url) {
  const auto name = string_field(request, "QueueName");
  if (!name) return errc::sqs_missing_parameter;
  attribute_list given;
  if (const auto* attributes = request.if_contains("Attributes"); attributes && attributes->is_object()) {
    for (const auto& [key, value] : attributes->as_object()) {
      if (!value.is_string()) return errc::sqs_invalid_attribute_value;  // SQS's attribute values are strings
      given.emplace_back(key, value.as_string());
    }
  }
  auto settings = read_create_attributes(given);
  if (!settings) return settings.error();
  auto created = queues.create_queue(caller, *name, *settings);
  if (!created) return created.error();
  return json::object{{"QueueUrl", queue_url(base_url, *created)}};
}

answer get_queue_url(queue_service& queues, const json::object& request, const sqs_caller& caller,
                     std::string_view base_url) {
  const auto name = string_field(request, "QueueName");
  if (!name) return errc::sqs_missing_parameter;
  const auto owner = string_field(request, "QueueOwnerAWSAccountId");
  auto found = queues.find_queue(caller, *name, owner ? std::optional<std::string_view>(*owner) : std::nullopt);
  if (!found) return found.error();
  return json::object{{"QueueUrl", queue_url(base_url, *found)}};
}

answer list_queues(queue_service& queues, const json::object& request, const sqs_caller& caller,
                   std::string_view base_url) {
  auto listed = queues.list_queues(caller, string_field(request, "QueueNamePrefix").value_or(""));
  if (!listed) return listed.error();
  json::array urls;
  for (const auto& q : *listed) urls.push_back(json::string(queue_url(base_url, q)));
  if (urls.empty()) return json::object{};
  return json::object{{"QueueUrls", std::move(urls)}};
}

answer get_queue_attributes(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto described = queues.describe_queue(*address);
  if (!described) return described.error();
  auto chosen = select_queue_attributes(*described, string_list(request, "AttributeNames"));
  if (!chosen) return chosen.error();
  if (chosen->empty()) return json::object{};
  return json::object{{"Attributes", to_json(*chosen)}};
}

answer delete_queue(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  return empty_or(queues.delete_queue(*address));
}

answer purge_queue(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  return empty_or(queues.purge_queue(*address));
}

answer send_message(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  const auto body = string_field(request, "MessageBody");
  if (!body) return errc::sqs_missing_parameter;
  if (body->empty()) return errc::sqs_invalid_parameter;
  if (body->size() > sqs_limits::max_body_bytes) return errc::sqs_message_too_long;
  auto delay = integer_field(request, "DelaySeconds", sqs_limits::delay);
  if (!delay) return delay.error();
  auto sent = queues.send_message(*address, *body, delay->value_or(0), caller.access_key_id);
  if (!sent) return sent.error();
  return json::object{{"MessageId", sent->id}, {"MD5OfMessageBody", sent->md5_of_body}};
}

answer receive_message(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto max = integer_field(request, "MaxNumberOfMessages", sqs_limits::max_messages);
  auto visibility = integer_field(request, "VisibilityTimeout", sqs_limits::visibility_timeout);
  auto wait = integer_field(request, "WaitTimeSeconds", sqs_limits::wait_time);  // waited by the endpoint
  if (!max) return max.error();
  if (!visibility) return visibility.error();
  if (!wait) return wait.error();
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto received = queues.receive_messages(*address, max->value_or(1), *visibility);
  if (!received) return received.error();
  if (received->empty()) return json::object{};
  // AttributeNames is the older name of MessageSystemAttributeNames; SQS reads both.
  auto names = string_list(request, "AttributeNames");
  for (auto& n : string_list(request, "MessageSystemAttributeNames")) names.push_back(std::move(n));
  json::array out;
  for (const auto& r : *received) {
    const auto& m = r.message;
    json::object entry{
        {"MessageId", m.id}, {"ReceiptHandle", m.receipt_handle}, {"MD5OfBody", m.md5_of_body}, {"Body", r.body}};
    if (auto attributes = select_message_attributes(m, names); !attributes.empty()) {
      entry["Attributes"] = to_json(attributes);
    }
    out.push_back(std::move(entry));
  }
  return json::object{{"Messages", std::move(out)}};
}

answer delete_message(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  const auto handle = string_field(request, "ReceiptHandle");
  if (!handle) return errc::sqs_missing_parameter;
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  return empty_or(queues.delete_message(*address, *handle));
}

answer change_visibility(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  const auto handle = string_field(request, "ReceiptHandle");
  auto timeout = integer_field(request, "VisibilityTimeout", sqs_limits::visibility_timeout);
  if (!handle || !timeout) return handle ? timeout.error() : make_error_code(errc::sqs_missing_parameter);
  if (!*timeout) return errc::sqs_missing_parameter;
  return empty_or(queues.change_visibility(*address, *handle, **timeout));
}

}  // namespace

std::int64_t sqs_json_wait_seconds(const json::object& request) {
  const auto wait = integer_field(request, "WaitTimeSeconds", sqs_limits::wait_time);
  return wait && *wait ? **wait : 0;
}

result<queue_address> sqs_json_queue(const json::object& request, const sqs_caller& caller) {
  const auto url = string_field(request, "QueueUrl");
  if (!url) return errc::sqs_missing_parameter;
  return queue_service::address_of(*url, caller);
}

answer run_sqs_json(queue_service& queues, std::string_view operation, const json::object& request,
                    const sqs_caller& caller, std::string_view base_url) {
  if (operation == "CreateQueue") return create_queue(queues, request, caller, base_url);
  if (operation == "GetQueueUrl") return get_queue_url(queues, request, caller, base_url);
  if (operation == "ListQueues") return list_queues(queues, request, caller, base_url);
  if (operation == "GetQueueAttributes") return get_queue_attributes(queues, request, caller);
  if (operation == "DeleteQueue") return delete_queue(queues, request, caller);
  if (operation == "PurgeQueue") return purge_queue(queues, request, caller);
  if (operation == "SendMessage") return send_message(queues, request, caller);
  if (operation == "ReceiveMessage") return receive_message(queues, request, caller);
  if (operation == "DeleteMessage") return delete_message(queues, request, caller);
  if (operation == "ChangeMessageVisibility") return change_visibility(queues, request, caller);
  return errc::sqs_invalid_action;
}

}  // namespace rekey::api
