#include "queue/queue_service.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>

#include "core/identifiers.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"

namespace rekey {
namespace {

namespace json = boost::json;

constexpr std::size_t max_body_bytes = 256 * 1024;
constexpr std::string_view region = "us-east-1";

bool valid_queue_name(std::string_view name) {
  return !name.empty() && name.size() <= 80 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// A number field, as a JSON number or a numeric string; errc::sqs_invalid_parameter when
// present but not an integer in [min, max].
result<std::optional<std::int64_t>> integer_field(const json::object& o, std::string_view key, std::int64_t min,
                                                  std::int64_t max) {
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
  if (n < min || n > max) return errc::sqs_invalid_parameter;
  return std::optional<std::int64_t>{n};
}

std::string queue_url(std::string_view base_url, const queue_address& q) {
  return std::string(base_url) + "/" + q.account + "/" + q.name;
}

std::string epoch_ms_text(time_point t) { return std::to_string(to_epoch_ms(t)); }

}  // namespace

std::optional<queue_address> parse_queue_reference(std::string_view text) {
  auto valid_account = [](std::string_view a) {
    return a.size() == 12 && std::all_of(a.begin(), a.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  queue_address q;
  if (text.starts_with("arn:aws:sqs:")) {
    const auto rest = text.substr(12);
    const auto region_end = rest.find(':');
    const auto account_end = rest.find(':', region_end == std::string_view::npos ? 0 : region_end + 1);
    if (region_end == std::string_view::npos || account_end == std::string_view::npos) return std::nullopt;
    q = {std::string(rest.substr(region_end + 1, account_end - region_end - 1)),
         std::string(rest.substr(account_end + 1))};
  } else {
    std::string_view path = text;
    if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
      const auto slash = path.find('/', scheme + 3);
      if (slash == std::string_view::npos) return std::nullopt;
      path = path.substr(slash + 1);
    }
    const auto slash = path.find('/');
    if (slash == std::string_view::npos)
      q = {std::string(default_account), std::string(path)};
    else
      q = {std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
  }
  if (!valid_account(q.account) || !valid_queue_name(q.name)) return std::nullopt;
  return q;
}

queue_service::queue_service(store& storage, const clock& clock, random_source& random, const key256& at_rest_key)
    : storage_(storage), clock_(clock), random_(random), at_rest_key_(at_rest_key) {}

result<queue_address> queue_service::address_of(const json::object& request, const sqs_caller& caller) {
  const auto url = string_field(request, "QueueUrl");
  if (!url) return errc::sqs_missing_parameter;
  std::string_view path = *url;
  if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
    const auto slash = path.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  if (path.starts_with('/')) path.remove_prefix(1);
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return errc::sqs_queue_does_not_exist;
  queue_address q{std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
  // Another account's queue looks exactly like a missing one.
  if (q.account != caller.account || !valid_queue_name(q.name)) return errc::sqs_queue_does_not_exist;
  return q;
}

result<json::object> queue_service::call(std::string_view operation, const json::object& request,
                                         const sqs_caller& caller, std::string_view base_url) {
  if (operation == "CreateQueue") return create_queue(request, caller, base_url);
  if (operation == "GetQueueUrl") return get_queue_url(request, caller, base_url);
  if (operation == "ListQueues") return list_queues(request, caller, base_url);
  if (operation == "GetQueueAttributes") return get_queue_attributes(request, caller);
  if (operation == "DeleteQueue") return delete_queue(request, caller);
  if (operation == "PurgeQueue") return purge_queue(request, caller);
  if (operation == "SendMessage") return send_message(request, caller);
  if (operation == "ReceiveMessage") return receive_message(request, caller);
  if (operation == "DeleteMessage") return delete_message(request, caller);
  if (operation == "ChangeMessageVisibility") return change_visibility(request, caller);
  return errc::sqs_invalid_action;
}

result<json::object> queue_service::create_queue(const json::object& request, const sqs_caller& caller,
                                                 std::string_view base_url) {
  const auto name = string_field(request, "QueueName");
  if (!name) return errc::sqs_missing_parameter;
  if (!valid_queue_name(*name)) return errc::sqs_invalid_parameter;
  queue_record q;  // the record's defaults: 30 s visibility, 4 days retention
  q.account = caller.account;
  q.name = *name;
  q.created_at = clock_.now();
  if (const auto* attributes = request.if_contains("Attributes"); attributes && attributes->is_object()) {
    auto visibility = integer_field(attributes->as_object(), "VisibilityTimeout", 0, 43'200);
    auto retention = integer_field(attributes->as_object(), "MessageRetentionPeriod", 60, 1'209'600);
    if (!visibility) return visibility.error();
    if (!retention) return retention.error();
    if (*visibility) q.visibility_timeout = millis{**visibility * 1000};
    if (*retention) q.retention = millis{**retention * 1000};
  }
  auto work = storage_.begin();
  if (!work) return work.error();
  auto existing = (*work)->queues().find_queue(q.account, q.name);
  if (!existing) return existing.error();
  if (!*existing) {  // CreateQueue is idempotent: an existing queue's URL is returned as is
    auto inserted = (*work)->queues().insert_queue(q);
    // A conflict: another node created it in the meantime — idempotent all the same.
    if (!inserted && inserted.error() != make_error_code(errc::conflict)) return inserted.error();
    if (inserted) {
      if (auto r = (*work)->commit(); !r) return r.error();
    }
  }
  return json::object{{"QueueUrl", queue_url(base_url, {q.account, q.name})}};
}

result<json::object> queue_service::get_queue_url(const json::object& request, const sqs_caller& caller,
                                                  std::string_view base_url) {
  const auto name = string_field(request, "QueueName");
  if (!name) return errc::sqs_missing_parameter;
  const auto owner = string_field(request, "QueueOwnerAWSAccountId").value_or(caller.account);
  if (owner != caller.account || !valid_queue_name(*name)) return errc::sqs_queue_does_not_exist;
  auto work = storage_.begin();
  if (!work) return work.error();
  auto found = (*work)->queues().find_queue(caller.account, *name);
  if (!found) return found.error();
  if (!*found) return errc::sqs_queue_does_not_exist;
  return json::object{{"QueueUrl", queue_url(base_url, {caller.account, *name})}};
}

result<json::object> queue_service::list_queues(const json::object& request, const sqs_caller& caller,
                                                std::string_view base_url) {
  const auto prefix = string_field(request, "QueueNamePrefix").value_or("");
  auto work = storage_.begin();
  if (!work) return work.error();
  auto queues = (*work)->queues().list_queues(caller.account, prefix);
  if (!queues) return queues.error();
  json::array urls;
  for (const auto& q : *queues) urls.push_back(json::string(queue_url(base_url, {q.account, q.name})));
  if (urls.empty()) return json::object{};
  return json::object{{"QueueUrls", std::move(urls)}};
}

result<queue_service::open_queue> queue_service::begin_on_queue(const json::object& request, const sqs_caller& caller) {
  auto address = address_of(request, caller);
  if (!address) return address.error();
  auto work = storage_.begin();
  if (!work) return work.error();
  auto q = (*work)->queues().find_queue(address->account, address->name);
  if (!q) return q.error();
  if (!*q) return errc::sqs_queue_does_not_exist;
  return open_queue{std::move(*address), std::move(**q), std::move(*work)};
}

result<json::object> queue_service::get_queue_attributes(const json::object& request, const sqs_caller& caller) {
  auto open = begin_on_queue(request, caller);
  if (!open) return open.error();
  const auto& address = open->address;
  const auto& q = open->queue;
  auto counts = open->work->queues().count_messages(address.account, address.name, clock_.now());
  if (!counts) return counts.error();
  const json::object all{
      {"ApproximateNumberOfMessages", std::to_string(counts->visible)},
      {"ApproximateNumberOfMessagesNotVisible", std::to_string(counts->in_flight)},
      {"VisibilityTimeout", std::to_string(q.visibility_timeout.count() / 1000)},
      {"MessageRetentionPeriod", std::to_string(q.retention.count() / 1000)},
      {"CreatedTimestamp", std::to_string(to_epoch_ms(q.created_at) / 1000)},
      {"QueueArn", "arn:aws:sqs:" + std::string(region) + ":" + address.account + ":" + address.name},
  };
  json::object chosen;
  const auto* names = request.if_contains("AttributeNames");
  bool want_all = names == nullptr || !names->is_array();
  if (!want_all) {
    for (const auto& n : names->as_array()) {
      if (!n.is_string()) continue;
      if (n.as_string() == "All") want_all = true;
      if (const auto* v = all.if_contains(n.as_string())) chosen[n.as_string()] = *v;
    }
  }
  return json::object{{"Attributes", want_all ? all : chosen}};
}

result<json::object> queue_service::delete_queue(const json::object& request, const sqs_caller& caller) {
  auto address = address_of(request, caller);
  if (!address) return address.error();
  auto work = storage_.begin();
  if (!work) return work.error();
  auto deleted = (*work)->queues().delete_queue(address->account, address->name);
  if (!deleted) return deleted.error();
  if (!*deleted) return errc::sqs_queue_does_not_exist;
  if (auto r = (*work)->commit(); !r) return r.error();
  return json::object{};
}

result<json::object> queue_service::purge_queue(const json::object& request, const sqs_caller& caller) {
  auto open = begin_on_queue(request, caller);
  if (!open) return open.error();
  if (auto r = open->work->queues().purge(open->address.account, open->address.name); !r) return r.error();
  if (auto r = open->work->commit(); !r) return r.error();
  return json::object{};
}

result<json::object> queue_service::send(unit_of_work& work, const queue_address& address, std::string_view body,
                                         std::string_view sender_id, millis delay) {
  auto q = work.queues().find_queue(address.account, address.name);
  if (!q) return q.error();
  if (!*q) return errc::sqs_queue_does_not_exist;
  return send(work, **q, body, sender_id, delay);
}

result<json::object> queue_service::send(unit_of_work& work, const queue_record& queue, std::string_view body,
                                         std::string_view sender_id, millis delay) {
  const auto now = clock_.now();
  message_record m;
  m.id = new_time_ordered_uuid(random_, now);
  m.account = queue.account;
  m.queue = queue.name;
  m.sealed_body = seal(at_rest_key_, "message:" + m.id, as_bytes(body), random_);
  m.md5_of_body = md5_hex(body);
  m.sender_id = std::string(sender_id);
  m.sent_at = now;
  m.visible_at = now + delay;
  m.expires_at = now + queue.retention;
  if (auto r = work.queues().insert_message(m); !r) return r.error();
  return json::object{{"MessageId", m.id}, {"MD5OfMessageBody", m.md5_of_body}};
}

result<json::object> queue_service::send_message(const json::object& request, const sqs_caller& caller) {
  auto address = address_of(request, caller);
  if (!address) return address.error();
  const auto body = string_field(request, "MessageBody");
  if (!body) return errc::sqs_missing_parameter;
  if (body->empty() || body->size() > max_body_bytes) return errc::sqs_invalid_parameter;
  auto delay = integer_field(request, "DelaySeconds", 0, 900);
  if (!delay) return delay.error();
  auto work = storage_.begin();
  if (!work) return work.error();
  auto sent = send(**work, *address, *body, caller.access_key_id, millis{delay->value_or(0) * 1000});
  if (!sent) return sent.error();
  if (auto r = (*work)->commit(); !r) return r.error();
  return sent;
}

result<json::object> queue_service::receive_message(const json::object& request, const sqs_caller& caller) {
  auto max = integer_field(request, "MaxNumberOfMessages", 1, 10);
  auto visibility = integer_field(request, "VisibilityTimeout", 0, 43'200);
  auto wait = integer_field(request, "WaitTimeSeconds", 0, 20);  // validated here, waited by the caller
  if (!max) return max.error();
  if (!visibility) return visibility.error();
  if (!wait) return wait.error();
  auto open = begin_on_queue(request, caller);
  if (!open) return open.error();
  auto& queues = open->work->queues();
  const auto& address = open->address;
  const auto now = clock_.now();
  if (auto r = queues.delete_expired(now); !r) return r.error();
  auto messages = queues.visible_messages(address.account, address.name, now, static_cast<int>(max->value_or(1)));
  if (!messages) return messages.error();
  const millis hide = visibility->has_value() ? millis{**visibility * 1000} : open->queue.visibility_timeout;
  json::array out;
  for (auto& m : *messages) {
    auto body = open_sealed(at_rest_key_, "message:" + m.id, m.sealed_body);
    if (!body) return errc::internal;
    m.visible_at = now + hide;
    m.receive_count += 1;
    if (!m.first_received_at) m.first_received_at = now;
    m.receipt_handle = "rh1." + base64url_encode(random_.bytes<24>());
    if (auto r = queues.update_message(m); !r) return r.error();
    out.push_back(json::object{
        {"MessageId", m.id},
        {"ReceiptHandle", m.receipt_handle},
        {"MD5OfBody", m.md5_of_body},
        {"Body", std::string(body->begin(), body->end())},
        {"Attributes", json::object{{"SentTimestamp", epoch_ms_text(m.sent_at)},
                                    {"ApproximateReceiveCount", std::to_string(m.receive_count)},
                                    {"ApproximateFirstReceiveTimestamp", epoch_ms_text(*m.first_received_at)},
                                    {"SenderId", m.sender_id}}},
    });
  }
  if (auto r = open->work->commit(); !r) return r.error();
  if (out.empty()) return json::object{};
  return json::object{{"Messages", std::move(out)}};
}

result<json::object> queue_service::delete_message(const json::object& request, const sqs_caller& caller) {
  const auto handle = string_field(request, "ReceiptHandle");
  if (!handle) return errc::sqs_missing_parameter;
  if (!handle->starts_with("rh1.")) return errc::sqs_receipt_handle_invalid;
  auto open = begin_on_queue(request, caller);
  if (!open) return open.error();
  auto m = open->work->queues().find_by_receipt(open->address.account, open->address.name, *handle);
  if (!m) return m.error();
  // Deleting an already deleted message succeeds, as SQS does for a well-formed handle.
  if (*m) {
    if (auto r = open->work->queues().delete_message((*m)->id); !r) return r.error();
    if (auto r = open->work->commit(); !r) return r.error();
  }
  return json::object{};
}

result<json::object> queue_service::change_visibility(const json::object& request, const sqs_caller& caller) {
  auto address = address_of(request, caller);
  if (!address) return address.error();
  const auto handle = string_field(request, "ReceiptHandle");
  auto timeout = integer_field(request, "VisibilityTimeout", 0, 43'200);
  if (!handle || !timeout) return handle ? timeout.error() : make_error_code(errc::sqs_missing_parameter);
  if (!*timeout) return errc::sqs_missing_parameter;
  auto work = storage_.begin();
  if (!work) return work.error();
  auto m = (*work)->queues().find_by_receipt(address->account, address->name, *handle);
  if (!m) return m.error();
  if (!*m) return errc::sqs_receipt_handle_invalid;
  (*m)->visible_at = clock_.now() + millis{**timeout * 1000};
  if (auto r = (*work)->queues().update_message(**m); !r) return r.error();
  if (auto r = (*work)->commit(); !r) return r.error();
  return json::object{};
}

}  // namespace rekey
