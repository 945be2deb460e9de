#include "rotation/rotation_service.hpp"

#include <algorithm>

#include "core/identifiers.hpp"
#include "rotation/expiry_warning_schedule.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/outbox_item.hpp"
#include "rotation/rotation_policy.hpp"

namespace rekey {

rotation_service::rotation_service(store& storage, const clock& clock, random_source& random,
                                   const secret_hasher& hasher, const key256& at_rest_key,
                                   credential_cache& credentials, rate_limit_mirror& mirror,
                                   const secret_policy_config& policy, const rate_limit_config& limits,
                                   audit_trail& audit, direct_delivery deliver_directly)
    : storage_(storage),
      clock_(clock),
      random_(random),
      hasher_(hasher),
      at_rest_key_(at_rest_key),
      credentials_(credentials),
      mirror_(mirror),
      policy_(policy),
      limits_(limits),
      audit_(audit),
      deliver_directly_(std::move(deliver_directly)) {}

usage_plan rotation_service::plan_for(const application_record& app) const {
  return {app.rotate_rate.value_or(limits_.rotate_rate), app.rotate_burst.value_or(limits_.rotate_burst)};
}

rotation_key rotation_service::key_for(const std::string& application_id) const {
  return {application_id, std::string(rotate_operation), std::string(new_secret_notification_type),
          audit_.chain_for(application_id)};
}

rotation_outcome rotation_service::rotate(const std::string& application_id, const std::string& secret_id,
                                          const std::string& request_id, std::string_view actor) {
  return rotate(storage_, key_for(application_id), secret_id, request_id, actor);
}

rotation_outcome rotation_service::rotate(unit_source& units, const rotation_key& key, const std::string& secret_id,
                                          const std::string& request_id, std::string_view actor) {
  const std::string& application_id = key.application_id;
  rotation_outcome out;
  out.plan = {limits_.rotate_rate, limits_.rotate_burst};
  auto fail = [&out](boost::system::error_code ec) {
    out.error = ec;
    return out;
  };
  const auto now = clock_.now();

  auto work_or = units.begin();
  if (!work_or) return fail(work_or.error());
  auto& work = **work_or;
  work.pipeline_writes();  // any failure below answers the same way, whichever step it came from

  const auto seen = credentials_.generation(application_id);  // before the reads (credential_cache::put)
  auto read = work.read_for_rotation(key.application_id, key.operation, key.notification_type, key.audit_chain);
  if (!read) return fail(read.error());

  // Step 3 (authoritative half): the secret that minted the token must still be good.
  if (!read->application) return fail(errc::access_token_invalid);
  const auto& app = *read->application;
  out.plan = plan_for(app);
  const auto& secrets = read->secrets;
  const auto minted_by = std::find_if(secrets.begin(), secrets.end(), [&](const auto& s) { return s.id == secret_id; });
  if (minted_by == secrets.end() || minted_by->state == secret_state::revoked) return fail(errc::access_token_invalid);
  if (!is_valid(*minted_by, now)) return fail(errc::client_secret_expired);

  // Step 4: the rate limit, checked and debited inside this transaction.
  const auto& stored_bucket = read->bucket;
  const bucket_state before =
      stored_bucket ? bucket_state{stored_bucket->tokens, stored_bucket->updated_at} : full_bucket(out.plan, now);
  const auto decision = take_token(before, out.plan, now);
  if (!decision.allowed) {
    mirror_.remember(application_id, decision.after, out.plan);
    out.retry_after = decision.retry_after;
    return fail(errc::quota_exceeded);
  }

  // Step 5: enrollment.
  const auto& subscription = read->subscription;
  if (!subscription) return fail(errc::not_enrolled);

  // Step 6: the rotation itself.
  auto plan = plan_rotation(secrets, policy_, now);
  const std::string plaintext = new_client_secret(random_);
  secret_record fresh;
  fresh.id = new_time_ordered_uuid(random_, now);
  fresh.application_id = application_id;
  fresh.hash = hasher_.hash(plaintext);
  fresh.fingerprint = secret_hasher::fingerprint(fresh.hash);
  fresh.state = secret_state::current;
  fresh.created_at = now;
  fresh.expires_at = now + policy_.secret_lifetime;
  fresh.next_warning_at = first_warning_at(fresh.expires_at, policy_.expiry_warnings);

  new_secret_notification notification{application_id,
                                       app.client_id,
                                       plaintext,
                                       fresh.expires_at,
                                       plan.previous_secret_expires_at,
                                       subscription->id,
                                       new_time_ordered_uuid(random_, now),
                                       now,
                                       now};
  const std::string body = to_json(notification);
  auto item = pending_outbox_item(notification.notification_id, application_id, subscription->destination_id,
                                  new_secret_notification_type, now);
  item.old_secret_id = plan.previous_secret_id;
  item.new_secret_id = fresh.id;
  if (deliver_directly_ && read->destination) {
    auto delivered = deliver_directly_(work, *read->destination, read->queue, item.id, body);
    if (!delivered) return fail(delivered.error());
    out.delivered_to = *delivered;
  }
  if (out.delivered_to) {
    // Delivered now: the previous secret's grace clock starts now; nothing secret stays behind.
    item.state = outbox_state::delivered;
    item.delivered_at = now;
    item.attempts = 1;
    for (auto& changed : plan.changed) {
      if (plan.previous_secret_id && changed.id == *plan.previous_secret_id && changed.state == secret_state::old) {
        changed.expires_at = grace_expiry(changed, now, policy_);
      }
    }
  } else {
    seal_body(item, at_rest_key_, body, random_);
  }
  const auto& changes = plan.changed;
  for (const auto& changed : changes) {
    if (auto r = work.secrets().update(changed); !r) return fail(r.error());
  }
  if (auto r = work.secrets().insert(fresh); !r) return fail(r.error());
  if (auto r = work.outbox().insert(item); !r) return fail(r.error());

  if (auto r = work.rate_limits().save({application_id, std::string(rotate_operation), decision.after.tokens, now});
      !r) {
    return fail(r.error());
  }
  std::string detail = "new secret " + fresh.id;
  for (const auto& changed : changes)
    detail += "; secret " + changed.id + " now " + std::string(to_string(changed.state));
  if (auto r = audit_.record(work,
                             {actor.empty() ? "application:" + app.client_id : std::string(actor), "secret.rotated",
                              application_id, request_id, fresh.fingerprint, detail},
                             read->audit);
      !r) {
    return fail(r.error());
  }
  // Memory follows storage only once this rotation is durable.
  std::vector<secret_record> after{fresh};
  for (const auto& s : secrets) {
    const auto changed = std::find_if(changes.begin(), changes.end(), [&](const auto& c) { return c.id == s.id; });
    after.push_back(changed == changes.end() ? s : *changed);
  }
  work.after_commit([this, app, after = std::move(after), bucket = decision.after, plan = out.plan, seen] {
    credentials_.put(app, after, seen);
    mirror_.remember(app.id, bucket, plan);
  });
  if (auto r = work.commit(); !r) return fail(r.error());
  out.new_secret_id = fresh.id;
  out.notification_id = item.id;
  return out;
}

}  // namespace rekey
