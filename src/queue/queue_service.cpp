#include "queue/queue_service.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

#include "core/identifiers.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"

namespace rekey {
namespace {

std::string arn_of(const queue_address& q) {
  return "arn:aws:sqs:" + std::string(queue_region) + ":" + q.account + ":" + q.name;
}

// Settings given replace the record's; true when they change nothing.
bool apply_settings(const queue_settings& s, queue_record& q) {
  const queue_record before = q;
  if (s.visibility_timeout_seconds) q.visibility_timeout = millis{*s.visibility_timeout_seconds * 1000};
  if (s.retention_seconds) q.retention = millis{*s.retention_seconds * 1000};
  if (s.delay_seconds) q.delay = millis{*s.delay_seconds * 1000};
  if (s.maximum_message_size) q.maximum_message_size = *s.maximum_message_size;
  if (s.receive_wait_seconds) q.receive_wait_seconds = *s.receive_wait_seconds;
  if (s.redrive) {
    q.dead_letter_target = s.redrive->dead_letter_target_arn;
    q.max_receive_count = s.redrive->dead_letter_target_arn.empty() ? 0 : s.redrive->max_receive_count;
  }
  if (s.redrive_allow_policy) q.redrive_allow_policy = *s.redrive_allow_policy;
  if (s.policy) q.policy = *s.policy;
  return q == before;
}

queue_tags read_tags(const std::string& json_text) {
  queue_tags out;
  boost::system::error_code ec;
  const auto v = boost::json::parse(json_text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [key, value] : v.as_object()) {
    if (value.is_string()) out.emplace_back(std::string(key), std::string(value.as_string()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string write_tags(const queue_tags& tags) {
  boost::json::object o;
  for (const auto& [key, value] : tags) o[key] = value;
  return boost::json::serialize(o);
}

bool valid_tag(const std::pair<std::string, std::string>& tag) {
  return !tag.first.empty() && tag.first.size() <= 128 && tag.second.size() <= 256 && allowed_in_message(tag.first) &&
         allowed_in_message(tag.second);
}

// Whether a dead-letter queue's RedriveAllowPolicy lets `source` name it (none: everyone).
bool redrive_allowed(const queue_record& dead_letter, const std::string& source_arn) {
  if (dead_letter.redrive_allow_policy.empty()) return true;
  boost::system::error_code ec;
  const auto v = boost::json::parse(dead_letter.redrive_allow_policy, ec);
  if (ec || !v.is_object()) return true;
  const auto* permission = v.as_object().if_contains("redrivePermission");
  if (permission == nullptr || !permission->is_string() || permission->as_string() == "allowAll") return true;
  if (permission->as_string() == "denyAll") return false;
  const auto* sources = v.as_object().if_contains("sourceQueueArns");
  if (sources == nullptr || !sources->is_array()) return false;
  return std::any_of(sources->as_array().begin(), sources->as_array().end(),
                     [&](const boost::json::value& a) { return a.is_string() && a.as_string() == source_arn; });
}

// An entry's own refusal (a batch goes on), rather than a failure of its transaction.
bool refused_entry(boost::system::error_code ec) {
  return ec.category() == rekey_category() && ec != make_error_code(errc::internal) &&
         ec != make_error_code(errc::service_unavailable);
}

}  // namespace

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
                                                  const queue_settings& settings, const queue_tags& tags) {
  if (name.ends_with(".fifo")) return errc::sqs_fifo_unsupported;
  if (!valid_queue_name(name)) return errc::sqs_invalid_queue_name;
  if (tags.size() > sqs_limits::max_tags || !std::all_of(tags.begin(), tags.end(), valid_tag)) {
    return errc::sqs_invalid_parameter;
  }
  queue_record q;  // SQS's defaults (queue_record)
  q.account = caller.account;
  q.name = std::string(name);
  q.created_at = clock_.now();
  q.modified_at = q.created_at;
  apply_settings(settings, q);
  auto sorted = tags;
  std::sort(sorted.begin(), sorted.end());
  q.tags = write_tags(sorted);
  auto work = storage_.begin();
  if (!work) return work.error();
  auto existing = (*work)->queues().find_queue(q.account, q.name);
  if (!existing) return existing.error();
  if (*existing) {  // idempotent for the same attributes (those given); others are a conflict
    if (!apply_settings(settings, **existing)) return errc::sqs_queue_already_exists;
  } else {
    if (settings.redrive && !settings.redrive->dead_letter_target_arn.empty()) {
      if (auto r = check_redrive(**work, q, *settings.redrive); !r) return r.error();
    }
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

result<void> queue_service::check_redrive(unit_of_work& work, const queue_record& source,
                                          const redrive_policy& redrive) {
  const auto target = parse_queue_reference(redrive.dead_letter_target_arn);
  if (!target || !redrive.dead_letter_target_arn.starts_with("arn:") || target->account != source.account ||
      target->name == source.name) {
    return errc::sqs_invalid_attribute_value;
  }
  auto dead_letter = work.queues().find_queue(target->account, target->name);
  if (!dead_letter) return dead_letter.error();
  if (!*dead_letter || !redrive_allowed(**dead_letter, arn_of({source.account, source.name}))) {
    return errc::sqs_invalid_attribute_value;
  }
  return {};
}

result<void> queue_service::set_queue_attributes(const queue_address& address, const queue_settings& settings) {
  auto open = begin_on(address);
  if (!open) return open.error();
  if (settings.redrive && !settings.redrive->dead_letter_target_arn.empty()) {
    if (auto r = check_redrive(*open->work, open->queue, *settings.redrive); !r) return r.error();
  }
  apply_settings(settings, open->queue);
  open->queue.modified_at = clock_.now();
  if (auto r = open->work->queues().update_queue(open->queue); !r) return r.error();
  return open->work->commit();
}

result<void> queue_service::tag_queue(const queue_address& address, const queue_tags& tags) {
  if (!std::all_of(tags.begin(), tags.end(), valid_tag)) return errc::sqs_invalid_parameter;
  auto open = begin_on(address);
  if (!open) return open.error();
  auto current = read_tags(open->queue.tags);
  for (const auto& tag : tags) {
    auto at = std::find_if(current.begin(), current.end(), [&](const auto& t) { return t.first == tag.first; });
    if (at != current.end()) {
      at->second = tag.second;
    } else {
      current.push_back(tag);
    }
  }
  if (current.size() > sqs_limits::max_tags) return errc::sqs_invalid_parameter;
  std::sort(current.begin(), current.end());
  open->queue.tags = write_tags(current);
  if (auto r = open->work->queues().update_queue(open->queue); !r) return r.error();
  return open->work->commit();
}

result<void> queue_service::untag_queue(const queue_address& address, const std::vector<std::string>& keys) {
  auto open = begin_on(address);
  if (!open) return open.error();
  auto current = read_tags(open->queue.tags);
  std::erase_if(current, [&](const auto& t) { return std::find(keys.begin(), keys.end(), t.first) != keys.end(); });
  open->queue.tags = write_tags(current);
  if (auto r = open->work->queues().update_queue(open->queue); !r) return r.error();
  return open->work->commit();
}

result<queue_tags> queue_service::list_queue_tags(const queue_address& address) {
  auto open = begin_on(address);
  if (!open) return open.error();
  return read_tags(open->queue.tags);
}

result<std::vector<queue_address>> queue_service::dead_letter_sources(const queue_address& address) {
  auto open = begin_on(address);
  if (!open) return open.error();
  auto queues = open->work->queues().list_queues(address.account, "");
  if (!queues) return queues.error();
  const auto arn = arn_of(address);
  std::vector<queue_address> out;
  for (const auto& q : *queues) {
    if (q.dead_letter_target == arn) out.push_back({q.account, q.name});
  }
  return out;
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
  return queue_description{std::move(open->queue), *counts, arn_of(address)};
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
                                         std::string_view sender_id) {
  auto q = work.queues().find_queue(address.account, address.name);
  if (!q) return q.error();
  if (!*q) return errc::sqs_queue_does_not_exist;
  return send(work, **q, body, sender_id);
}

result<sent_message> queue_service::send(unit_of_work& work, const queue_record& queue, std::string_view body,
                                         std::string_view sender_id) {
  return put(work, queue, message_to_send{std::string(body), std::nullopt, {}, {}}, sender_id);
}

result<sent_message> queue_service::put(unit_of_work& work, const queue_record& queue, const message_to_send& message,
                                        std::string_view sender_id) {
  const auto& body = message.body;
  if (body.empty()) return errc::sqs_invalid_parameter;
  if (message.delay_seconds && !sqs_limits::delay.contains(*message.delay_seconds)) {
    return errc::sqs_invalid_parameter;
  }
  if (auto r = check_message_attributes(message.attributes); !r) return r.error();
  if (auto r = check_system_attributes(message.system_attributes); !r) return r.error();
  if (body.size() + size_of(message.attributes) > static_cast<std::size_t>(queue.maximum_message_size)) {
    return errc::sqs_message_too_long;
  }
  if (!allowed_in_message(body)) return errc::sqs_invalid_message_contents;
  const auto now = clock_.now();
  message_record m;
  m.id = new_time_ordered_uuid(random_, now);
  m.account = queue.account;
  m.queue = queue.name;
  m.sealed_body = seal(at_rest_key_, "message:" + m.id, as_bytes(body), random_);
  m.md5_of_body = md5_hex(body);
  m.sender_id = std::string(sender_id);
  m.sent_at = now;
  m.visible_at = now + (message.delay_seconds ? millis{*message.delay_seconds * 1000} : queue.delay);
  m.expires_at = now + queue.retention;
  if (!message.attributes.empty() || !message.system_attributes.empty()) {
    const auto plaintext = write_attributes({message.attributes, message.system_attributes});
    m.sealed_attributes = seal(at_rest_key_, "message-attributes:" + m.id, as_bytes(plaintext), random_);
    m.md5_of_attributes = md5_of_attributes(message.attributes);
  }
  if (auto r = work.queues().insert_message(m); !r) return r.error();
  return sent_message{m.id, m.md5_of_body, m.md5_of_attributes, md5_of_attributes(message.system_attributes)};
}

result<sent_message> queue_service::send_message(const queue_address& address, const message_to_send& message,
                                                 std::string_view sender_id) {
  auto sent = send_messages(address, {message}, sender_id);
  if (!sent) return sent.error();
  return std::move(sent->front());
}

result<std::vector<result<sent_message>>> queue_service::send_messages(const queue_address& address,
                                                                       const std::vector<message_to_send>& messages,
                                                                       std::string_view sender_id) {
  auto open = begin_on(address);
  if (!open) return open.error();
  std::vector<result<sent_message>> out;
  out.reserve(messages.size());
  bool any = false;
  for (const auto& m : messages) {
    out.push_back(put(*open->work, open->queue, m, sender_id));
    if (!out.back() && !refused_entry(out.back().error())) return out.back().error();
    any = any || out.back().has_value();
  }
  if (any) {
    if (auto r = open->work->commit(); !r) return r.error();
  }
  return out;
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
  const auto& queue = open->queue;
  const auto now = clock_.now();
  if (auto r = queues.delete_expired(now); !r) return r.error();
  // The dead-letter queue, when the queue has a redrive policy and that queue still exists.
  std::optional<queue_address> dead_letter;
  if (queue.max_receive_count > 0) {
    if (auto target = parse_queue_reference(queue.dead_letter_target)) {
      auto found = queues.find_queue(target->account, target->name);
      if (!found) return found.error();
      if (*found) dead_letter = target;
    }
  }
  const millis hide = visibility_seconds ? millis{*visibility_seconds * 1000} : queue.visibility_timeout;
  std::vector<received_message> out;
  // Redriven messages leave room for others: look again while some moved and room is left.
  for (bool moved = true; moved && out.size() < static_cast<std::size_t>(max);) {
    moved = false;
    auto messages = queues.visible_messages(address.account, address.name, now,
                                            static_cast<int>(max) - static_cast<int>(out.size()));
    if (!messages) return messages.error();
    for (auto& m : *messages) {
      if (dead_letter && m.receive_count >= queue.max_receive_count) {
        if (auto r = queues.move_message(m.id, *dead_letter, now); !r) return r.error();
        moved = true;
        continue;
      }
      auto body = open_sealed(at_rest_key_, "message:" + m.id, m.sealed_body);
      if (!body) return errc::internal;
      message_attribute_sets attributes;
      if (!m.sealed_attributes.empty()) {
        auto plaintext = open_sealed(at_rest_key_, "message-attributes:" + m.id, m.sealed_attributes);
        auto read =
            plaintext
                ? read_attributes(std::string_view(reinterpret_cast<const char*>(plaintext->data()), plaintext->size()))
                : std::nullopt;
        if (!read) return errc::internal;
        attributes = std::move(*read);
      }
      m.visible_at = now + hide;
      m.receive_count += 1;
      if (!m.first_received_at) m.first_received_at = now;
      m.receipt_handle = "rh1." + base64url_encode(random_.bytes<24>());
      if (auto r = queues.update_message(m); !r) return r.error();
      out.push_back({std::move(m), std::string(body->begin(), body->end()), std::move(attributes)});
    }
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

result<millis> queue_service::receive_wait_time(const queue_address& address) {
  auto open = begin_on(address);
  if (!open) return open.error();
  return millis{open->queue.receive_wait_seconds * 1000};
}

result<void> queue_service::delete_in(unit_of_work& work, const queue_address& address,
                                      std::string_view receipt_handle) {
  if (!receipt_handle.starts_with("rh1.")) return errc::sqs_receipt_handle_invalid;
  auto m = work.queues().find_by_receipt(address.account, address.name, receipt_handle);
  if (!m) return m.error();
  if (!*m) return {};  // already deleted: success, as SQS answers a well-formed handle
  return work.queues().delete_message((*m)->id);
}

result<void> queue_service::change_in(unit_of_work& work, const queue_address& address, std::string_view receipt_handle,
                                      std::int64_t visibility_seconds) {
  if (!sqs_limits::visibility_timeout.contains(visibility_seconds)) return errc::sqs_invalid_parameter;
  auto m = work.queues().find_by_receipt(address.account, address.name, receipt_handle);
  if (!m) return m.error();
  if (!*m) return errc::sqs_receipt_handle_invalid;
  (*m)->visible_at = clock_.now() + millis{visibility_seconds * 1000};
  return work.queues().change_visibility(**m);
}

result<void> queue_service::delete_message(const queue_address& address, std::string_view receipt_handle) {
  auto done = delete_messages(address, {std::string(receipt_handle)});
  if (!done) return done.error();
  return done->front();
}

result<void> queue_service::change_visibility(const queue_address& address, std::string_view receipt_handle,
                                              std::int64_t visibility_seconds) {
  auto done = change_visibilities(address, {{std::string(receipt_handle), visibility_seconds}});
  if (!done) return done.error();
  return done->front();
}

result<std::vector<result<void>>> queue_service::delete_messages(const queue_address& address,
                                                                 const std::vector<std::string>& receipt_handles) {
  auto open = begin_on(address);  // SQS checks the queue before the handles
  if (!open) return open.error();
  std::vector<result<void>> out;
  out.reserve(receipt_handles.size());
  for (const auto& handle : receipt_handles) {
    out.push_back(delete_in(*open->work, address, handle));
    if (!out.back() && !refused_entry(out.back().error())) return out.back().error();
  }
  if (auto r = open->work->commit(); !r) return r.error();
  return out;
}

result<std::vector<result<void>>> queue_service::change_visibilities(const queue_address& address,
                                                                     const std::vector<visibility_change>& changes) {
  auto open = begin_on(address);  // SQS checks the queue before the handles
  if (!open) return open.error();
  std::vector<result<void>> out;
  out.reserve(changes.size());
  for (const auto& c : changes) {
    out.push_back(change_in(*open->work, address, c.receipt_handle, c.visibility_seconds));
    if (!out.back() && !refused_entry(out.back().error())) return out.back().error();
  }
  if (auto r = open->work->commit(); !r) return r.error();
  return out;
}

}  // namespace rekey
