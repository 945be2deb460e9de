#include "queue/queue_service.hpp"

#include <algorithm>
#include <cctype>

#include "core/identifiers.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"

namespace rekey {

bool valid_queue_name(std::string_view name) {
  return !name.empty() && name.size() <= 80 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

bool allowed_in_message(std::string_view body) {
  const auto* p = reinterpret_cast<const unsigned char*>(body.data());
  const auto* end = p + body.size();
  while (p < end) {
    const unsigned char lead = *p;
    std::uint32_t c = 0;
    int more = 0;
    if (lead < 0x80) {
      c = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      c = lead & 0x1F, more = 1;
    } else if ((lead & 0xF0) == 0xE0) {
      c = lead & 0x0F, more = 2;
    } else if ((lead & 0xF8) == 0xF0) {
      c = lead & 0x07, more = 3;
    } else {
      return false;
    }
    if (end - p < more + 1) return false;  // cut short
    for (int i = 1; i <= more; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      c = (c << 6) | (p[i] & 0x3F);
    }
    // Overlong forms are not UTF-8.
    if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) || (more == 3 && c < 0x10000)) return false;
    const bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    if (!allowed) return false;
    p += 1 + more;
  }
  return true;
}

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

result<queue_address> queue_service::address_of(std::string_view queue_url, const sqs_caller& caller) {
  std::string_view path = queue_url;
  const bool bare = path.find('/') == std::string_view::npos;  // a queue name alone: the caller's
  if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
    const auto slash = path.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  if (path.starts_with('/')) path.remove_prefix(1);
  const auto slash = path.find('/');
  if (!bare && slash == std::string_view::npos) return errc::sqs_queue_does_not_exist;  // a URL without an account
  queue_address q = bare ? queue_address{caller.account, std::string(path)}
                         : queue_address{std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
  // Another account's queue looks exactly like a missing one.
  if (q.account != caller.account || !valid_queue_name(q.name)) return errc::sqs_queue_does_not_exist;
  return q;
}

result<queue_address> queue_service::create_queue(const sqs_caller& caller, std::string_view name,
                                                  const queue_settings& settings) {
  if (name.ends_with(".fifo")) return errc::sqs_fifo_unsupported;
  if (!valid_queue_name(name)) return errc::sqs_invalid_queue_name;
  queue_record q;  // the record's defaults: 30 s visibility, 4 days retention
  q.account = caller.account;
  q.name = std::string(name);
  q.created_at = clock_.now();
  if (const auto v = settings.visibility_timeout_seconds) {
    if (!sqs_limits::visibility_timeout.contains(*v)) return errc::sqs_invalid_parameter;
    q.visibility_timeout = millis{*v * 1000};
  }
  if (const auto r = settings.retention_seconds) {
    if (!sqs_limits::retention.contains(*r)) return errc::sqs_invalid_parameter;
    q.retention = millis{*r * 1000};
  }
  auto work = storage_.begin();
  if (!work) return work.error();
  auto existing = (*work)->queues().find_queue(q.account, q.name);
  if (!existing) return existing.error();
  if (*existing) {  // idempotent for the same attributes (those given); others are a conflict
    const bool same =
        (!settings.visibility_timeout_seconds || (*existing)->visibility_timeout == q.visibility_timeout) &&
        (!settings.retention_seconds || (*existing)->retention == q.retention);
    if (!same) return errc::sqs_queue_already_exists;
  } else {
    auto inserted = (*work)->queues().insert_queue(q);
    // A conflict: another node created it in the meantime — idempotent all the same.
    if (!inserted && inserted.error() != make_error_code(errc::conflict)) return inserted.error();
    if (inserted) {
      if (auto r = (*work)->commit(); !r) return r.error();
    }
  }
  return queue_address{q.account, q.name};
}

result<queue_address> queue_service::find_queue(const sqs_caller& caller, std::string_view name,
                                                std::optional<std::string_view> owner) {
  if (owner.value_or(caller.account) != caller.account || !valid_queue_name(name)) {
    return errc::sqs_queue_does_not_exist;
  }
  auto work = storage_.begin();
  if (!work) return work.error();
  auto found = (*work)->queues().find_queue(caller.account, name);
  if (!found) return found.error();
  if (!*found) return errc::sqs_queue_does_not_exist;
  return queue_address{caller.account, std::string(name)};
}

result<std::vector<queue_address>> queue_service::list_queues(const sqs_caller& caller, std::string_view prefix) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto queues = (*work)->queues().list_queues(caller.account, prefix);
  if (!queues) return queues.error();
  std::vector<queue_address> out;
  out.reserve(queues->size());
  for (const auto& q : *queues) out.push_back({q.account, q.name});
  return out;
}

result<queue_service::open_queue> queue_service::begin_on(const queue_address& address) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto q = (*work)->queues().find_queue(address.account, address.name);
  if (!q) return q.error();
  if (!*q) return errc::sqs_queue_does_not_exist;
  return open_queue{std::move(**q), std::move(*work)};
}

result<void> queue_service::check_queue(const queue_address& address) {
  auto open = begin_on(address);
  if (!open) return open.error();
  return {};
}

result<queue_description> queue_service::describe_queue(const queue_address& address) {
  auto open = begin_on(address);
  if (!open) return open.error();
  auto counts = open->work->queues().count_messages(address.account, address.name, clock_.now());
  if (!counts) return counts.error();
  return queue_description{std::move(open->queue), *counts,
                           "arn:aws:sqs:" + std::string(queue_region) + ":" + address.account + ":" + address.name};
}

result<void> queue_service::delete_queue(const queue_address& address) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto deleted = (*work)->queues().delete_queue(address.account, address.name);
  if (!deleted) return deleted.error();
  if (!*deleted) return errc::sqs_queue_does_not_exist;
  return (*work)->commit();
}

result<void> queue_service::purge_queue(const queue_address& address) {
  auto open = begin_on(address);
  if (!open) return open.error();
  if (auto r = open->work->queues().purge(address.account, address.name); !r) return r.error();
  return open->work->commit();
}

result<sent_message> queue_service::send(unit_of_work& work, const queue_address& address, std::string_view body,
                                         std::string_view sender_id, millis delay) {
  auto q = work.queues().find_queue(address.account, address.name);
  if (!q) return q.error();
  if (!*q) return errc::sqs_queue_does_not_exist;
  return send(work, **q, body, sender_id, delay);
}

result<sent_message> queue_service::send(unit_of_work& work, const queue_record& queue, std::string_view body,
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
  return sent_message{m.id, m.md5_of_body};
}

result<sent_message> queue_service::send_message(const queue_address& address, std::string_view body,
                                                 std::int64_t delay_seconds, std::string_view sender_id) {
  if (body.empty()) return errc::sqs_invalid_parameter;
  if (body.size() > sqs_limits::max_body_bytes) return errc::sqs_message_too_long;
  if (!sqs_limits::delay.contains(delay_seconds)) return errc::sqs_invalid_parameter;
  if (!allowed_in_message(body)) return errc::sqs_invalid_message_contents;
  auto work = storage_.begin();
  if (!work) return work.error();
  auto sent = send(**work, address, body, sender_id, millis{delay_seconds * 1000});
  if (!sent) return sent.error();
  if (auto r = (*work)->commit(); !r) return r.error();
  return sent;
}

result<std::vector<received_message>> queue_service::receive_messages(const queue_address& address, std::int64_t max,
                                                                      std::optional<std::int64_t> visibility_seconds) {
  if (!sqs_limits::max_messages.contains(max)) return errc::sqs_invalid_parameter;
  if (visibility_seconds && !sqs_limits::visibility_timeout.contains(*visibility_seconds)) {
    return errc::sqs_invalid_parameter;
  }
  auto open = begin_on(address);
  if (!open) return open.error();
  auto& queues = open->work->queues();
  const auto now = clock_.now();
  if (auto r = queues.delete_expired(now); !r) return r.error();
  auto messages = queues.visible_messages(address.account, address.name, now, static_cast<int>(max));
  if (!messages) return messages.error();
  const millis hide = visibility_seconds ? millis{*visibility_seconds * 1000} : open->queue.visibility_timeout;
  std::vector<received_message> out;
  out.reserve(messages->size());
  for (auto& m : *messages) {
    auto body = open_sealed(at_rest_key_, "message:" + m.id, m.sealed_body);
    if (!body) return errc::internal;
    m.visible_at = now + hide;
    m.receive_count += 1;
    if (!m.first_received_at) m.first_received_at = now;
    m.receipt_handle = "rh1." + base64url_encode(random_.bytes<24>());
    if (auto r = queues.update_message(m); !r) return r.error();
    out.push_back({std::move(m), std::string(body->begin(), body->end())});
  }
  if (auto r = open->work->commit(); !r) return r.error();
  return out;
}

result<std::optional<millis>> queue_service::next_visible_in(const queue_address& address) {
  auto work = storage_.begin();
  if (!work) return work.error();
  const auto now = clock_.now();
  auto next = (*work)->queues().next_visible_at(address.account, address.name, now);
  if (!next) return next.error();
  if (!*next) return std::optional<millis>{};
  return std::optional<millis>(std::max(millis{0}, std::chrono::ceil<millis>(**next - now)));
}

result<void> queue_service::delete_message(const queue_address& address, std::string_view receipt_handle) {
  auto open = begin_on(address);  // SQS checks the queue before the handle
  if (!open) return open.error();
  if (!receipt_handle.starts_with("rh1.")) return errc::sqs_receipt_handle_invalid;
  auto m = open->work->queues().find_by_receipt(address.account, address.name, receipt_handle);
  if (!m) return m.error();
  if (!*m) return {};  // already deleted: success, as SQS answers a well-formed handle
  if (auto r = open->work->queues().delete_message((*m)->id); !r) return r.error();
  return open->work->commit();
}

result<void> queue_service::change_visibility(const queue_address& address, std::string_view receipt_handle,
                                              std::int64_t visibility_seconds) {
  if (!sqs_limits::visibility_timeout.contains(visibility_seconds)) return errc::sqs_invalid_parameter;
  auto open = begin_on(address);  // SQS checks the queue before the handle
  if (!open) return open.error();
  auto& work = *open->work;
  auto m = work.queues().find_by_receipt(address.account, address.name, receipt_handle);
  if (!m) return m.error();
  if (!*m) return errc::sqs_receipt_handle_invalid;
  (*m)->visible_at = clock_.now() + millis{visibility_seconds * 1000};
  if (auto r = work.queues().update_message(**m); !r) return r.error();
  return work.commit();
}

}  // namespace rekey
