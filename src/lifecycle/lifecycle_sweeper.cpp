#include "lifecycle/lifecycle_sweeper.hpp"

#include <fmt/format.h>

#include "core/identifiers.hpp"
#include "core/time_format.hpp"
#include "rotation/expiry_notification.hpp"
#include "rotation/expiry_warning_schedule.hpp"
#include "rotation/outbox_item.hpp"

namespace rekey {

lifecycle_sweeper::lifecycle_sweeper(store& storage, const clock& clock, random_source& random,
                                     const key256& at_rest_key, const secret_policy_config& policy, audit_trail& audit,
                                     usage_tracker& usage, authentication_failures& failures)
    : storage_(storage),
      clock_(clock),
      random_(random),
      at_rest_key_(at_rest_key),
      policy_(policy),
      audit_(audit),
      usage_(usage),
      failures_(failures) {}

result<lifecycle_pass> lifecycle_sweeper::run_once() {
  const auto now = clock_.now();
  lifecycle_pass pass;
  auto work_or = storage_.begin();
  if (!work_or) return work_or.error();
  auto& work = **work_or;
  auto due = work.secrets().list_warning_due(now, batch);
  if (!due) return due.error();
  for (const auto& secret : *due) {
    if (auto r = warn(work, secret, now, pass); !r) return r.error();
  }
  // Row writes first, audit entries last: the audit head's lock (on PostgreSQL) is then taken
  // after every other lock of this transaction, as in every other transaction — no deadlock.
  if (auto r = write_usage(work); !r) return r.error();
  if (auto r = record_expiries(work, now, pass); !r) return r.error();
  if (auto r = record_failures(work); !r) return r.error();
  if (auto r = work.commit(); !r) return r.error();
  return pass;
}

result<void> lifecycle_sweeper::warn(unit_of_work& work, const secret_record& secret, time_point now,
                                     lifecycle_pass& pass) {
  const auto step = next_warning(secret.expires_at, policy_.expiry_warnings, now);
  auto taken = work.secrets().reschedule_warning(secret.id, *secret.next_warning_at, step.next_at);
  if (!taken) return taken.error();
  if (!*taken || !step.send) return {};  // another worker sent it, or nothing is due yet

  auto subscription = work.notifications().find_subscription(secret.application_id, expiry_notification_type);
  if (!subscription) return subscription.error();
  if (!*subscription) return {};  // not subscribed: this warning's moment passes unsent
  auto app = work.applications().find(secret.application_id);
  if (!app) return app.error();
  if (!*app) return {};

  const expiry_notification notification{secret.application_id,
                                         (*app)->client_id,
                                         secret.expires_at,
                                         (*subscription)->id,
                                         new_time_ordered_uuid(random_, now),
                                         now,
                                         now};
  const std::string body = to_json(notification);
  auto item = pending_outbox_item(notification.notification_id, secret.application_id, (*subscription)->destination_id,
                                  expiry_notification_type, now);
  seal_body(item, at_rest_key_, body, random_);
  if (auto r = work.outbox().insert(item); !r) return r.error();
  ++pass.warnings;
  return {};
}

result<void> lifecycle_sweeper::record_expiries(unit_of_work& work, time_point now, lifecycle_pass& pass) {
  auto expired = work.secrets().list_newly_expired(now, batch);
  if (!expired) return expired.error();
  for (const auto& secret : *expired) {
    if (auto r = work.secrets().mark_expiry_recorded(secret.id); !r) return r.error();
  }
  for (const auto& secret : *expired) {
    const auto detail =
        fmt::format("secret {} ({}) expired at {}", secret.id, to_string(secret.state), to_iso8601(secret.expires_at));
    if (auto r =
            audit_.record(work, {"rekey", "secret.expired", secret.application_id, "", secret.fingerprint, detail});
        !r) {
      return r.error();
    }
    ++pass.expiries_recorded;
  }
  return {};
}

result<void> lifecycle_sweeper::write_usage(unit_of_work& work) {
  for (const auto& [secret_id, usage] : usage_.take()) {
    if (auto r = work.secrets().add_usage(secret_id, usage.count, usage.last_used_at); !r) return r.error();
  }
  return {};
}

result<void> lifecycle_sweeper::record_failures(unit_of_work& work) {
  for (const auto& [key, summary] : failures_.take()) {
    const auto& [client_id, peer] = key;
    const auto detail =
        fmt::format("{} failed token request(s) from {} between {} and {}", summary.count,
                    peer.empty() ? "unknown peers" : peer, to_iso8601(summary.first), to_iso8601(summary.last));
    if (auto r = audit_.record(work, {"client:" + client_id, "auth.failed", "", "", "", detail}); !r) return r.error();
  }
  return {};
}

}  // namespace rekey
