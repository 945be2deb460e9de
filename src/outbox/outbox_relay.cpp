#include "outbox/outbox_relay.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"
#include "crypto/aes_gcm.hpp"
#include "outbox/retry_schedule.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/outbox_item.hpp"
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

result<relay_pass> outbox_relay::run_once() {
  const auto now = clock_.now();
  std::vector<outbox_record> claimed;
  {
    auto work = storage_.begin();
    if (!work) return work.error();
    auto due = (*work)->outbox().claim_due(now, config_.lease, config_.batch);
    if (!due) return due.error();
    if (due->empty()) return relay_pass{};
    if (auto r = (*work)->commit(); !r) return r.error();
    claimed = std::move(*due);
  }
  relay_pass pass;
  for (const auto& item : claimed) {
    std::string kind;
    auto done = deliver(item, now, pass, kind);
    if (done) continue;
    if (done.error() == make_error_code(errc::service_unavailable)) return done.error();  // the lease brings it back
    record_failure(item, done.error().message(), now, kind);
  }
  return pass;
}

result<outbox_relay::grace_started> outbox_relay::start_grace(unit_of_work& work, const outbox_record& item,
                                                              time_point now) {
  grace_started out;
  out.seen = credentials_.generation(item.application_id);
  auto app = work.applications().find(item.application_id);
  if (!app) return app.error();
  out.app = *app;
  auto secrets = work.secrets().list_for(item.application_id);
  if (!secrets) return secrets.error();
  out.secrets = std::move(*secrets);
  for (auto& s : out.secrets) {
    if (!item.old_secret_id || s.id != *item.old_secret_id) continue;
    if (is_valid(s, now)) {
      s.expires_at = grace_expiry(s, now, policy_);
      if (auto r = work.secrets().update(s); !r) return r.error();
    }
    out.old_expiry = is_valid(s, now) ? s.expires_at : std::min(s.expires_at, now);
  }
  return out;
}

result<std::string> outbox_relay::render(const outbox_record& item, std::optional<time_point> old_expiry,
                                         time_point now) {
  auto plain = open_sealed(at_rest_key_, outbox_aad(item.id), item.sealed_body);
  if (!plain) return errc::internal;
  boost::system::error_code ec;
  auto body = json::parse(std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()), ec);
  if (ec || !body.is_object()) return errc::internal;
  if (old_expiry && item.notification_type == new_secret_notification_type) {
    auto& payload = body.as_object()["payload"].as_object()["applicationOAuthClientNewSecret"].as_object();
    payload["oldClientSecretExpiryTime"] = to_iso8601(*old_expiry);
  }
  body.as_object()["notificationMetadata"].as_object()["publishTime"] = to_iso8601(now);
  return json::serialize(body);
}

result<void> outbox_relay::mark_delivered(unit_of_work& work, const outbox_record& item, time_point now) {
  outbox_record done = item;
  done.state = outbox_state::delivered;
  done.delivered_at = now;
  done.attempts = item.attempts + 1;
  done.sealed_body.clear();  // the plaintext secret exists only until delivery
  done.last_error.clear();
  return work.outbox().update(done);
}

void outbox_relay::count(const outbox_record& item, std::string_view kind, metrics::delivery_result result) {
  if (metrics_ != nullptr) metrics_->notification_attempted(item.notification_type, kind, result);
}

result<void> outbox_relay::deliver(const outbox_record& item, time_point now, relay_pass& pass, std::string& kind) {
  auto work_or = storage_.begin();
  if (!work_or) return work_or.error();
  auto& work = **work_or;
  auto destination = work.notifications().find_destination(item.destination_id);
  if (!destination) return destination.error();
  if (!*destination) return errc::not_found;
  kind = (*destination)->kind;
  auto grace = start_grace(work, item, now);
  if (!grace) return grace.error();
  auto body = render(item, grace->old_expiry, now);
  if (!body) return body.error();

  if ((*destination)->kind != "embedded") {  // published off the storage thread; nothing written yet
    pass.to_publish.push_back({item, **destination, std::move(*body), now});
    return {};
  }
  const auto address = embedded_address(**destination);
  if (!address) return errc::internal;
  auto sent = queues_.send(work, *address, *body, "rekey");
  if (!sent) return sent.error();
  if (auto r = mark_delivered(work, item, now); !r) return r.error();
  if (grace->app) {
    work.after_commit([this, app = *grace->app, secrets = grace->secrets, seen = grace->seen] {
      credentials_.put(app, secrets, seen);
    });
  }
  if (auto r = work.commit(); !r) return r.error();
  count(item, kind, metrics::delivery_result::delivered);
  spdlog::info("delivered notification {} for application {} to embedded queue {}", item.id, item.application_id,
               address->key());
  pass.woken.push_back(*address);
  return {};
}

result<void> outbox_relay::complete(const network_delivery& delivery, bool delivered, const std::string& error) {
  if (!delivered) {
    record_failure(delivery.item, error, clock_.now(), delivery.destination.kind);
    return {};
  }
  auto work = storage_.begin();
  if (!work) return work.error();
  auto grace = start_grace(**work, delivery.item, delivery.prepared_at);  // the body was rendered at prepare
  if (!grace) return grace.error();
  if (auto r = mark_delivered(**work, delivery.item, clock_.now()); !r) return r.error();
  if (grace->app) {
    (*work)->after_commit([this, app = *grace->app, secrets = grace->secrets, seen = grace->seen] {
      credentials_.put(app, secrets, seen);
    });
  }
  if (auto r = (*work)->commit(); !r) return r.error();
  count(delivery.item, delivery.destination.kind, metrics::delivery_result::delivered);
  spdlog::info("delivered notification {} for application {} to {} destination {}", delivery.item.id,
               delivery.item.application_id, delivery.destination.kind, delivery.destination.id);
  return {};
}

void outbox_relay::record_failure(outbox_record item, std::string why, time_point now, std::string_view kind) {
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
  if (!(*work)->outbox().update(item) || !(*work)->commit()) return;
  count(item, kind,
        item.state == outbox_state::dead ? metrics::delivery_result::dead : metrics::delivery_result::retrying);
}

}  // namespace rekey
