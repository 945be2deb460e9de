#include "console/queue_admin.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "crypto/aes_gcm.hpp"
#include "queue/queue_service.hpp"

namespace rekey {
namespace {

namespace json = boost::json;

constexpr int most_peeked = 1000;  // what reveal() looks through for its message

bool ends_with_ignoring_case(std::string_view key, std::string_view suffix) {
  if (key.size() < suffix.size()) return false;
  const auto tail = key.substr(key.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

bool names_a_secret(std::string_view key) {
  return ends_with_ignoring_case(key, "secret") || ends_with_ignoring_case(key, "password") ||
         ends_with_ignoring_case(key, "token");
}

// What a body that looks like JSON but does not parse is shown as: it may hold a secret the
// masking cannot find.
constexpr std::string_view unparsed_json = "(a JSON body rekey could not read: reveal it to see it)";

void mask_in(json::value& v, bool& masked) {
  if (auto* o = v.if_object()) {
    for (auto& member : *o) {
      if (member.value().is_string() && names_a_secret(member.key())) {
        member.value() = "••••••••";
        masked = true;
      } else {
        mask_in(member.value(), masked);
      }
    }
  } else if (auto* a = v.if_array()) {
    for (auto& item : *a) mask_in(item, masked);
  }
}

}  // namespace

std::string mask_secrets(std::string_view body, bool& masked) {
  masked = false;
  boost::system::error_code ec;
  auto parsed = json::parse(body, ec);
  if (ec) {
    const auto first = body.find_first_not_of(" \t\r\n");
    const bool looks_like_json = first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
    if (!looks_like_json) return std::string(body);
    masked = true;  // fail closed
    return std::string(unparsed_json);
  }
  mask_in(parsed, masked);
  return masked ? json::serialize(parsed) : std::string(body);
}

result<queue_page> queue_admin::list_queues(std::size_t offset, std::size_t limit) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto keys = (*work)->access_keys().list();
  if (!keys) return keys.error();
  std::set<std::string> accounts{std::string(default_account)};
  for (const auto& k : *keys) accounts.insert(k.account);
  std::vector<queue_record> all;
  for (const auto& account : accounts) {
    auto queues = (*work)->queues().list_queues(account, "");
    if (!queues) return queues.error();
    all.insert(all.end(), std::make_move_iterator(queues->begin()), std::make_move_iterator(queues->end()));
  }
  const auto now = clock_.now();
  queue_page page;
  page.total = all.size();
  for (std::size_t i = offset; i < all.size() && page.queues.size() < limit; ++i) {
    auto depth = (*work)->queues().count_messages(all[i].account, all[i].name, now);
    if (!depth) return depth.error();
    page.queues.push_back({std::move(all[i]), *depth});
  }
  return page;
}

result<std::unique_ptr<unit_of_work>> queue_admin::begin_on(const queue_address& queue) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto found = (*work)->queues().find_queue(queue.account, queue.name);
  if (!found) return found.error();
  if (!*found) return errc::not_found;
  return work;
}

result<std::vector<peeked_message>> queue_admin::peek(const queue_address& queue, int limit) {
  auto work = begin_on(queue);
  if (!work) return work.error();
  auto messages = (*work)->queues().visible_messages(queue.account, queue.name, clock_.now(), limit);
  if (!messages) return messages.error();
  std::vector<peeked_message> out;
  for (const auto& m : *messages) {
    auto body = open_sealed(at_rest_key_, "message:" + m.id, m.sealed_body);
    if (!body) return body.error();
    peeked_message p{m.id, m.sent_at, m.receive_count, {}, false};
    p.body = mask_secrets(std::string_view(reinterpret_cast<const char*>(body->data()), body->size()), p.masked);
    out.push_back(std::move(p));
  }
  return out;
}

result<std::string> queue_admin::reveal(const std::string& request_id, const queue_address& queue,
                                        std::string_view message_id) {
  auto work = begin_on(queue);
  if (!work) return work.error();
  auto messages = (*work)->queues().visible_messages(queue.account, queue.name, clock_.now(), most_peeked);
  if (!messages) return messages.error();
  const auto found =
      std::find_if(messages->begin(), messages->end(), [&](const auto& m) { return m.id == message_id; });
  if (found == messages->end()) return errc::not_found;
  auto body = open_sealed(at_rest_key_, "message:" + found->id, found->sealed_body);
  if (!body) return body.error();
  if (auto r = audit_.record_admin(**work, request_id, "queue.message_revealed", "",
                                   "message " + found->id + " of queue " + queue.key());
      !r) {
    return r.error();
  }
  if (auto r = (*work)->commit(); !r) return r.error();
  return std::string(reinterpret_cast<const char*>(body->data()), body->size());
}

result<void> queue_admin::purge(const std::string& request_id, const queue_address& queue) {
  auto work = begin_on(queue);
  if (!work) return work.error();
  if (auto r = (*work)->queues().purge(queue.account, queue.name); !r) return r;
  if (auto r = audit_.record_admin(**work, request_id, "queue.purged", "", "queue " + queue.key()); !r) return r;
  return (*work)->commit();
}

result<std::vector<access_key_record>> queue_admin::list_access_keys() {
  auto work = storage_.begin();
  if (!work) return work.error();
  return (*work)->access_keys().list();
}

result<void> queue_admin::revoke_access_key(const std::string& request_id, std::string_view id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto removed = (*work)->access_keys().remove(id);
  if (!removed) return removed.error();
  if (!*removed) return errc::not_found;
  if (auto r = audit_.record_admin(**work, request_id, "access_key.revoked", "", "key " + std::string(id)); !r)
    return r;
  (*work)->after_commit([this, key = std::string(id)] { access_keys_.forget(key); });
  return (*work)->commit();
}

}  // namespace rekey
