// rotation_service: what happens on rotateApplicationClientSecret once the caller's access
// token has been verified (SPEC §4 steps 3–6), free of HTTP.
//
// rotate() runs one transaction: re-check the secret that minted the token, debit the
// application's rate bucket, check enrollment, write the new secret, demote/retire older ones
// and write the notification and the audit entry — all or nothing. A notification for the
// embedded queue is delivered right there, in the same transaction (the old secret's grace
// clock starts at once); any other is sealed into the outbox for the relay. The new secret's first
// expiry warning is scheduled (rotation/expiry_warning_schedule.hpp). A refused call writes
// nothing. After a commit it refreshes the credential cache and the rate-limit mirror.
// Call it on the storage thread. Thread-compatible (its collaborators are thread-safe).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "audit/audit_trail.hpp"
#include "auth/credential_cache.hpp"
#include "auth/secret_hasher.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "rotation/rate_limit_mirror.hpp"
#include "rotation/token_bucket.hpp"
#include "storage/store.hpp"

namespace rekey {

struct rotation_outcome {
  boost::system::error_code error;  // empty when rotated
  usage_plan plan;                  // the plan applied, for x-amzn-RateLimit-Limit
  millis retry_after{0};            // with errc::quota_exceeded
  std::string new_secret_id;        // when rotated
  std::string notification_id;      // when rotated
  // When the notification was delivered within the rotation (embedded queue): that queue's key
  // ("<account>/<name>"), whose long polls should wake. Otherwise the outbox relay delivers it.
  std::optional<std::string> delivered_to;
};

// Delivers a notification inside the caller's unit of work when its destination needs no network
// (the embedded queue, read with the rotation as rotation_reads::queue): returns the queue's key,
// or nullopt when the destination is not one that can be (a network destination, a queue that no
// longer exists) — then the outbox relay does it.
using direct_delivery = std::function<result<std::optional<std::string>>(
    unit_of_work& work, const destination_record& destination, const std::optional<queue_record>& queue,
    const std::string& notification_id, std::string_view body)>;

class rotation_service {
 public:
  rotation_service(store& storage, const clock& clock, random_source& random, const secret_hasher& hasher,
                   const key256& at_rest_key, credential_cache& credentials, rate_limit_mirror& mirror,
                   const secret_policy_config& policy, const rate_limit_config& limits, audit_trail& audit,
                   direct_delivery deliver_directly = {});

  // Rotates key.application_id's secrets in one unit of work begun from `units` (the store, or
  // the rotation batch the storage executor runs it in); `key` is key_for(application_id), what
  // the batch was begun for. Errors in outcome.error: access_token_invalid (application or
  // secret gone or revoked), client_secret_expired, quota_exceeded, not_enrolled,
  // service_unavailable, internal. A rotation is recorded in the audit trail with `request_id`,
  // in the same transaction, by `actor` (empty: "application:<client id>", the SP-API caller).
  rotation_outcome rotate(unit_source& units, const rotation_key& key, const std::string& secret_id,
                          const std::string& request_id = "", std::string_view actor = {});
  // The same, in a transaction of its own on the service's store.
  rotation_outcome rotate(const std::string& application_id, const std::string& secret_id,
                          const std::string& request_id = "", std::string_view actor = {});

  usage_plan plan_for(const application_record& app) const;
  // What a rotation of `application_id` reads for (store::begin_rotation_batch, rotate()).
  rotation_key key_for(const std::string& application_id) const;

 private:
  store& storage_;
  const clock& clock_;
  random_source& random_;
  const secret_hasher& hasher_;
  key256 at_rest_key_;
  credential_cache& credentials_;
  rate_limit_mirror& mirror_;
  secret_policy_config policy_;
  rate_limit_config limits_;
  audit_trail& audit_;
  direct_delivery deliver_directly_;
};

}  // namespace rekey
