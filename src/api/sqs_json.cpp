#include "api/sqs_json.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <type_traits>

#include "api/error_response.hpp"
#include "crypto/base64.hpp"
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

// A map of string values (Attributes, tags); errc::sqs_invalid_attribute_value for a value that
// is not a string (SQS's attribute values are strings).
result<attribute_list> string_map(const json::object& o, std::string_view key) {
  attribute_list out;
  const auto* v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_object()) return errc::sqs_invalid_parameter;
  for (const auto& [name, value] : v->as_object()) {
    if (!value.is_string()) return errc::sqs_invalid_attribute_value;
    out.emplace_back(name, value.as_string());
  }
  return out;
}

// MessageAttributes or MessageSystemAttributes: {name: {DataType, StringValue | BinaryValue
// (base64)}}. errc::sqs_invalid_message_attribute when malformed.
result<message_attributes> attributes_field(const json::object& o, std::string_view key) {
  message_attributes out;
  const auto* v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_object()) return errc::sqs_invalid_message_attribute;
  for (const auto& [name, value] : v->as_object()) {
    if (!value.is_object()) return errc::sqs_invalid_message_attribute;
    const auto type = string_field(value.as_object(), "DataType");
    if (!type) return errc::sqs_invalid_message_attribute;
    message_attribute a{*type, {}};
    if (a.binary()) {
      const auto encoded = string_field(value.as_object(), "BinaryValue");
      const auto decoded = encoded ? base64_decode(*encoded) : std::nullopt;
      if (!decoded) return errc::sqs_invalid_message_attribute;
      a.value.assign(decoded->begin(), decoded->end());
    } else {
      auto text = string_field(value.as_object(), "StringValue");
      if (!text) return errc::sqs_invalid_message_attribute;
      a.value = std::move(*text);
    }
    out.emplace(std::string(name), std::move(a));
  }
  return out;
}

json::object to_json(const message_attributes& attributes) {
  json::object out;
  for (const auto& [name, a] : attributes) {
    json::object value{{"DataType", a.data_type}};
    if (a.binary()) {
      value["BinaryValue"] = base64_encode(as_bytes(a.value));
    } else {
      value["StringValue"] = a.value;
    }
    out[name] = std::move(value);
  }
  return out;
}

// SendMessage's parameters, or a SendMessageBatch entry's.
result<message_to_send> message_of(const json::object& o) {
  auto body = string_field(o, "MessageBody");
  if (!body) return errc::sqs_missing_parameter;
  auto delay = integer_field(o, "DelaySeconds", sqs_limits::delay);
  if (!delay) return delay.error();
  auto attributes = attributes_field(o, "MessageAttributes");
  if (!attributes) return attributes.error();
  auto system = attributes_field(o, "MessageSystemAttributes");
  if (!system) return system.error();
  return message_to_send{std::move(*body), *delay, std::move(*attributes), std::move(*system)};
}

json::object sent_json(const sent_message& sent) {
  json::object out{{"MessageId", sent.id}, {"MD5OfMessageBody", sent.md5_of_body}};
  if (!sent.md5_of_attributes.empty()) out["MD5OfMessageAttributes"] = sent.md5_of_attributes;
  if (!sent.md5_of_system_attributes.empty()) out["MD5OfMessageSystemAttributes"] = sent.md5_of_system_attributes;
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
  auto given = string_map(request, "Attributes");
  if (!given) return given.error();
  auto settings = read_queue_attributes(*given);
  if (!settings) return settings.error();
  auto tags = string_map(request, "tags");  // lower case in CreateQueue, as SQS names it
  if (!tags) return errc::sqs_invalid_parameter;
  auto created = queues.create_queue(caller, *name, *settings, *tags);
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

// One page of queues (ListQueues, ListDeadLetterSourceQueues), by name: MaxResults (1–1000) of
// them after the one NextToken names, with a NextToken when more follow. Without MaxResults, up
// to 1,000 and no token, as SQS answers. The token is the last name answered (base64url): opaque
// to clients, and still right after queues are created or deleted.
struct queue_page {
  std::vector<queue_address> queues;
  std::optional<std::string> next_token;
};
result<queue_page> page_of(std::vector<queue_address> all, const json::object& request) {
  constexpr sqs_range max_results{1, 1000};
  auto max = integer_field(request, "MaxResults", max_results);
  if (!max) return max.error();
  queue_page page;
  auto from = all.begin();
  if (const auto token = string_field(request, "NextToken")) {
    const auto after = base64url_decode(*token);
    if (!after) return errc::sqs_invalid_parameter;
    const std::string name(after->begin(), after->end());
    from = std::find_if(all.begin(), all.end(), [&](const queue_address& q) { return q.name > name; });
  }
  const auto limit = static_cast<std::size_t>(max->value_or(max_results.max));
  const auto to =
      static_cast<std::size_t>(all.end() - from) > limit ? from + static_cast<std::ptrdiff_t>(limit) : all.end();
  page.queues.assign(std::make_move_iterator(from), std::make_move_iterator(to));
  if (*max && to != all.end()) page.next_token = base64url_encode(as_bytes(page.queues.back().name));
  return page;
}

answer list_queues(queue_service& queues, const json::object& request, const sqs_caller& caller,
                   std::string_view base_url) {
  auto listed = queues.list_queues(caller, string_field(request, "QueueNamePrefix").value_or(""));
  if (!listed) return listed.error();
  auto page = page_of(std::move(*listed), request);
  if (!page) return page.error();
  json::array urls;
  for (const auto& q : page->queues) urls.push_back(json::string(queue_url(base_url, q)));
  json::object out;
  if (!urls.empty()) out["QueueUrls"] = std::move(urls);
  if (page->next_token) out["NextToken"] = *page->next_token;
  return out;
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

answer set_queue_attributes(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  if (!request.contains("Attributes")) return errc::sqs_missing_parameter;
  auto given = string_map(request, "Attributes");
  if (!given) return given.error();
  auto settings = read_queue_attributes(*given);
  if (!settings) return settings.error();
  return empty_or(queues.set_queue_attributes(*address, *settings));
}

answer tag_queue(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  if (!request.contains("Tags")) return errc::sqs_missing_parameter;
  auto tags = string_map(request, "Tags");
  if (!tags) return errc::sqs_invalid_parameter;
  return empty_or(queues.tag_queue(*address, *tags));
}

answer untag_queue(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  if (!request.contains("TagKeys")) return errc::sqs_missing_parameter;
  return empty_or(queues.untag_queue(*address, string_list(request, "TagKeys")));
}

answer list_queue_tags(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto tags = queues.list_queue_tags(*address);
  if (!tags) return tags.error();
  if (tags->empty()) return json::object{};
  return json::object{{"Tags", to_json(*tags)}};
}

answer list_dead_letter_source_queues(queue_service& queues, const json::object& request, const sqs_caller& caller,
                                      std::string_view base_url) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto sources = queues.dead_letter_sources(*address);
  if (!sources) return sources.error();
  auto page = page_of(std::move(*sources), request);
  if (!page) return page.error();
  json::array urls;
  for (const auto& q : page->queues) urls.push_back(json::string(queue_url(base_url, q)));
  json::object out{{"queueUrls", std::move(urls)}};  // lower case, as SQS names it
  if (page->next_token) out["NextToken"] = *page->next_token;
  return out;
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
  auto message = message_of(request);
  if (!message) return message.error();
  auto sent = queues.send_message(*address, *message, caller.access_key_id);
  if (!sent) return sent.error();
  return sent_json(*sent);
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
  const auto attribute_names = string_list(request, "MessageAttributeNames");
  json::array out;
  for (const auto& r : *received) {
    const auto& m = r.message;
    json::object entry{
        {"MessageId", m.id}, {"ReceiptHandle", m.receipt_handle}, {"MD5OfBody", m.md5_of_body}, {"Body", r.body}};
    if (auto attributes = select_message_attributes(r, names); !attributes.empty()) {
      entry["Attributes"] = to_json(attributes);
    }
    // The digest covers the attributes returned, as SQS computes it for the answer.
    if (auto chosen = select_attributes(r.attributes.user, attribute_names); !chosen.empty()) {
      entry["MD5OfMessageAttributes"] = md5_of_attributes(chosen);
      entry["MessageAttributes"] = to_json(chosen);
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

using batch_check = result<void> (*)(const std::vector<const json::object*>& entries);

// The three batch operations: the queue, the entries checked as a whole (batch_entries, then
// `check` when given), then each entry read (`read`: its request, or its own refusal), run
// together in one transaction (`run`) and answered (`succeeded`: its Successful entry beyond
// the Id).
template <class Request, class Outcome, class Succeeded = std::nullptr_t>
answer run_batch(
    const json::object& request, const sqs_caller& caller, queue_service& queues,
    result<Request> (*read)(const json::object& entry),
    const std::function<result<std::vector<result<Outcome>>>(const queue_address&, const std::vector<Request>&)>& run,
    Succeeded succeeded = nullptr, batch_check check = nullptr) {
  auto address = sqs_json_queue(request, caller);
  if (!address) return address.error();
  auto entries = batch_entries(request);
  if (!entries) return entries.error();
  if (check != nullptr) {
    if (auto whole = check(*entries); !whole) return whole.error();
  }
  std::vector<result<Request>> read_entries;
  std::vector<Request> valid;
  for (const auto* entry : *entries) {
    read_entries.push_back(read(*entry));
    if (read_entries.back()) valid.push_back(*read_entries.back());
  }
  if (valid.empty()) {  // nothing to run: the queue is still checked first, as SQS does
    if (auto exists = queues.check_queue(*address); !exists) return exists.error();
  }
  std::vector<result<Outcome>> outcomes;
  if (!valid.empty()) {
    auto ran = run(*address, valid);
    if (!ran) return ran.error();
    outcomes = std::move(*ran);
  }
  batch_answer out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const auto& entry = *(*entries)[i];
    if (!read_entries[i]) {
      out.fail(entry, read_entries[i].error());
      continue;
    }
    const auto& outcome = outcomes[next++];
    if (!outcome) {
      out.fail(entry, outcome.error());
      continue;
    }
    json::object ok{{"Id", entry.at("Id")}};
    if constexpr (!std::is_void_v<Outcome>) succeeded(ok, *outcome);
    out.successful.push_back(std::move(ok));
  }
  return out.done();
}

result<std::string> receipt_of(const json::object& entry) {
  auto handle = string_field(entry, "ReceiptHandle");
  if (!handle) return errc::sqs_missing_parameter;
  return std::move(*handle);
}

result<queue_service::visibility_change> visibility_change_of(const json::object& entry) {
  auto handle = string_field(entry, "ReceiptHandle");
  auto timeout = integer_field(entry, "VisibilityTimeout", sqs_limits::visibility_timeout);
  if (!timeout) return timeout.error();
  if (!handle || !*timeout) return errc::sqs_missing_parameter;
  return queue_service::visibility_change{std::move(*handle), **timeout};
}

// SendMessageBatch's bodies together at most 256 KiB (BatchRequestTooLong).
result<void> bodies_fit(const std::vector<const json::object*>& entries) {
  std::size_t total = 0;
  for (const auto* entry : entries) total += string_field(*entry, "MessageBody").value_or("").size();
  if (total > sqs_limits::max_body_bytes) return errc::sqs_batch_request_too_long;
  return {};
}

answer send_message_batch(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  auto succeeded = [](json::object& out, const sent_message& sent) {
    for (auto& [key, value] : sent_json(sent)) out[key] = value;
  };
  return run_batch<message_to_send, sent_message, decltype(succeeded)>(
      request, caller, queues, message_of,
      [&](const queue_address& q, const std::vector<message_to_send>& messages) {
        return queues.send_messages(q, messages, caller.access_key_id);
      },
      succeeded, bodies_fit);
}

answer delete_message_batch(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  return run_batch<std::string, void>(request, caller, queues, receipt_of,
                                      [&](const queue_address& q, const std::vector<std::string>& handles) {
                                        return queues.delete_messages(q, handles);
                                      });
}

answer change_visibility_batch(queue_service& queues, const json::object& request, const sqs_caller& caller) {
  return run_batch<queue_service::visibility_change, void>(
      request, caller, queues, visibility_change_of,
      [&](const queue_address& q, const std::vector<queue_service::visibility_change>& changes) {
        return queues.change_visibilities(q, changes);
      });
}

}  // namespace

std::optional<std::int64_t> sqs_json_wait_seconds(const json::object& request) {
  if (!request.contains("WaitTimeSeconds")) return std::nullopt;
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
  if (operation == "SetQueueAttributes") return set_queue_attributes(queues, request, caller);
  if (operation == "TagQueue") return tag_queue(queues, request, caller);
  if (operation == "UntagQueue") return untag_queue(queues, request, caller);
  if (operation == "ListQueueTags") return list_queue_tags(queues, request, caller);
  if (operation == "ListDeadLetterSourceQueues")
    return list_dead_letter_source_queues(queues, request, caller, base_url);
  return errc::sqs_invalid_action;
}

}  // namespace rekey::api
