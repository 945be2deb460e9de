#include "outbox/outbox_relay.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"
#include "crypto/aes_gcm.hpp"
#include "outbox/retry_schedule.hpp"
#include "rotation/rotation_policy.hpp"

namespace rekey {
namespace {

namespace json = boost::json;

}  // namespace

outbox_relay::outbox_relay(store& storage, const clock& clock, random_source& random, const key256& at_rest_key,
                           queue_service& queues, credential_cache& credentials, const secret_policy_config& policy,
                           const delivery_config& config)
    : storage_(storage),
      clock_(clock),
      random_(random),
      at_rest_key_(at_rest_key),
      queues_(queues),
      credentials_(credentials),
      policy_(policy),
      config_(config) {}

result<std::vector<queue_address>> outbox_relay::run_once() {
  const auto now = clock_.now();
  std::vector<outbox_record> claimed;
  {
    auto work = storage_.begin();
    if (!work) return work.error();
    auto due = (*work)->outbox().claim_due(now, config_.lease, config_.batch);
    if (!due) return due.error();
    if (due->empty()) return std::vector<queue_address>{};
    if (auto r = (*work)->commit(); !r) return r.error();
    claimed = std::move(*due);
  }
  std::vector<queue_address> woken;
  for (const auto& item : claimed) {
    auto delivered = deliver(item, now);
    if (delivered) {
      woken.push_back(*delivered);
    } else if (delivered.error() == make_error_code(errc::service_unavailable)) {
      return delivered.error();  // storage trouble: the lease brings the rest back later
    } else {
      record_failure(item, delivered.error().message(), now);
    }
  }
  return woken;
}

result<queue_address> outbox_relay::deliver(const outbox_record& item, time_point now) {
  auto work_or = storage_.begin();
  if (!work_or) return work_or.error();
  auto& work = **work_or;
  auto destination = work.notifications().find_destination(item.destination_id);
  if (!destination) return destination.error();
  if (!*destination || (*destination)->kind != "embedded") return errc::not_found;
  boost::system::error_code ec;
  const auto config = json::parse((*destination)->config_json, ec);
  if (ec || !config.is_object()) return errc::internal;
  const auto* account = config.as_object().if_contains("account");
  const auto* name = config.as_object().if_contains("queue");
  if (!account || !account->is_string() || !name || !name->is_string()) return errc::internal;
  const queue_address address{std::string(account->as_string()), std::string(name->as_string())};

  auto plain = open_sealed(at_rest_key_, "outbox:" + item.id, item.sealed_body);
  if (!plain) return errc::internal;
  auto body = json::parse(std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()), ec);
  if (ec || !body.is_object()) return errc::internal;

  // The grace clock of the secret this rotation made old starts now.
  auto app = work.applications().find(item.application_id);
  if (!app) return app.error();
  auto secrets = work.secrets().list_for(item.application_id);
  if (!secrets) return secrets.error();
  std::optional<time_point> old_expiry;
  for (auto& s : *secrets) {
    if (!item.old_secret_id || s.id != *item.old_secret_id) continue;
    if (is_valid(s, now)) {
      s.expires_at = grace_expiry(s, now, policy_);
      if (auto r = work.secrets().update(s); !r) return r.error();
    }
    old_expiry = is_valid(s, now) ? s.expires_at : std::min(s.expires_at, now);
  }
  auto& payload = body.as_object()["payload"].as_object()["applicationOAuthClientNewSecret"].as_object();
  if (old_expiry) payload["oldClientSecretExpiryTime"] = to_iso8601(*old_expiry);
  body.as_object()["notificationMetadata"].as_object()["publishTime"] = to_iso8601(now);

  auto sent = queues_.send(work, address, json::serialize(body), "rekey", millis{0});
  if (!sent) return sent.error();
  outbox_record done = item;
  done.state = outbox_state::delivered;
  done.delivered_at = now;
  done.attempts = item.attempts + 1;
  done.sealed_body.clear();  // the plaintext secret exists only until delivery
  done.last_error.clear();
  if (auto r = work.outbox().update(done); !r) return r.error();
  if (auto r = work.commit(); !r) return r.error();
  if (*app) credentials_.put(**app, *secrets);
  spdlog::info("delivered notification {} for application {} to embedded queue {}", item.id, item.application_id,
               address.key());
  return address;
}

void outbox_relay::record_failure(outbox_record item, std::string why, time_point now) {
  item.attempts += 1;
  item.last_error = std::move(why);
  if (retry_budget_spent(item.created_at, now, config_.retry_budget)) {
    item.state = outbox_state::dead;
    spdlog::warn("notification {} is dead after {} attempts: {}", item.id, item.attempts, item.last_error);
  } else {
    item.next_attempt_at = now + retry_delay(item.attempts, random_);
    spdlog::warn("notification {} attempt {} failed: {}", item.id, item.attempts, item.last_error);
  }
  auto work = storage_.begin();
  if (!work) return;  // the lease brings it back
  if ((*work)->outbox().update(item)) (void)(*work)->commit();
}

}  // namespace rekey
