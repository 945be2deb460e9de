#include "api/sqs_json.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cstdlib>

#include "api/error_response.hpp"
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

// A batch's Entries, checked as SQS checks them before any entry runs: 1 to 10 objects, each
// with a distinct Id of 1–80 of A–Z a–z 0–9 - _.
result<std::vector<const json::object*>> batch_entries(const json::object& request) {
  const auto* v = request.if_contains("Entries");
  if (v == nullptr || (v->is_array() && v->as_array().empty())) return errc::sqs_empty_batch_request;
  if (!v->is_array()) return errc::sqs_invalid_parameter;
  const auto& array = v->as_array();
  if (array.size() > static_cast<std::size_t>(sqs_limits::max_messages.max)) return errc::sqs_too_many_entries_in_batch;
  std::vector<const json::object*> out;
  std::vector<std::string> ids;
  for (const auto& entry : array) {
    if (!entry.is_object()) return errc::sqs_invalid_parameter;
    const auto id = string_field(entry.as_object(), "Id");
    if (!id) return errc::sqs_missing_parameter;
    if (!valid_queue_name(*id)) return errc::sqs_invalid_batch_entry_id;  // the same alphabet and length
    if (std::find(ids.begin(), ids.end(), *id) != ids.end()) return errc::sqs_batch_entry_ids_not_distinct;
    ids.push_back(*id);
    out.push_back(&entry.as_object());
  }
  return out;
}

// A batch's answer: each entry's own outcome, in the order of the request.
struct batch_answer {
  json::array successful;
  json::array failed;

  void fail(const json::object& entry, boost::system::error_code ec) {
    const auto e = to_errc(ec, "-", "sqs batch entry");  // logs what is not rekey's own
    const auto described = describe_for_sqs(e);
    failed.push_back(json::object{{"Id", entry.at("Id")},
                                  {"SenderFault", described.http_status != http::status::internal_server_error &&
                                                      described.http_status != http::status::service_unavailable},
                                  {"Code", described.query_code},
                                  {"Message", described.message}});
  }
  json::object done() { return json::object{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}}; }
};

answer send_message_batch(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto entries = batch_entries(request);
  if (!entries) return entries.error();
  std::size_t total = 0;
  for (const auto* entry : *entries) total += string_field(*entry, "MessageBody").value_or("").size();
  if (total > sqs_limits::max_body_bytes) return errc::sqs_batch_request_too_long;
  if (auto exists = queues.check_queue(*address); !exists) return exists.error();
  batch_answer out;
  for (const auto* entry : *entries) {
    const auto body = string_field(*entry, "MessageBody");
    auto delay = integer_field(*entry, "DelaySeconds", sqs_limits::delay);
    if (!body || !delay) {
      out.fail(*entry, body ? delay.error() : make_error_code(errc::sqs_missing_parameter));
      continue;
    }
    auto sent = queues.send_message(*address, *body, delay->value_or(0), caller.access_key_id);
    if (!sent) {
      out.fail(*entry, sent.error());
      continue;
    }
    out.successful.push_back(
        json::object{{"Id", entry->at("Id")}, {"MessageId", sent->id}, {"MD5OfMessageBody", sent->md5_of_body}});
  }
  return out.done();
}

answer delete_message_batch(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto entries = batch_entries(request);
  if (!entries) return entries.error();
  if (auto exists = queues.check_queue(*address); !exists) return exists.error();
  batch_answer out;
  for (const auto* entry : *entries) {
    const auto handle = string_field(*entry, "ReceiptHandle");
    auto deleted = handle ? queues.delete_message(*address, *handle) : make_error_code(errc::sqs_missing_parameter);
    if (!deleted) {
      out.fail(*entry, deleted.error());
      continue;
    }
    out.successful.push_back(json::object{{"Id", entry->at("Id")}});
  }
  return out.done();
}

answer change_visibility_batch(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto entries = batch_entries(request);
  if (!entries) return entries.error();
  if (auto exists = queues.check_queue(*address); !exists) return exists.error();
  batch_answer out;
  for (const auto* entry : *entries) {
    const auto handle = string_field(*entry, "ReceiptHandle");
    auto timeout = integer_field(*entry, "VisibilityTimeout", sqs_limits::visibility_timeout);
    result<void> changed = make_error_code(errc::sqs_missing_parameter);
    if (!timeout) {
      changed = timeout.error();
    } else if (handle && *timeout) {
      changed = queues.change_visibility(*address, *handle, **timeout);
    }
    if (!changed) {
      out.fail(*entry, changed.error());
      continue;
    }
    out.successful.push_back(json::object{{"Id", entry->at("Id")}});
  }
  return out.done();
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
  if (operation == "SendMessageBatch") return send_message_batch(queues, request, caller);
  if (operation == "DeleteMessageBatch") return delete_message_batch(queues, request, caller);
  if (operation == "ChangeMessageVisibilityBatch") return change_visibility_batch(queues, request, caller);
  return errc::sqs_invalid_action;
}

}  // namespace rekey::api
