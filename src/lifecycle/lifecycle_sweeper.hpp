// lifecycle_sweeper: the periodic part of a secret's life, run on the storage thread before each
// outbox relay pass (outbox/relay_loop.hpp):
//  - writes APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY warnings that are due to the outbox, for
//    applications subscribed to them (rotation/expiry_warning_schedule.hpp). Each warning is
//    taken by moving the secret's next_warning_at with a compare-and-set in the same transaction
//    that writes it, so it goes out once even with several workers or nodes, and after a restart
//    the schedule continues where it was;
//  - records in the audit trail each secret that expired;
//  - writes the batched usage counts (auth/usage_tracker.hpp) and authentication failures
//    (auth/authentication_failures.hpp, as audit entries).
// One transaction per pass. Thread-compatible: one storage thread.
#pragma once

#include "audit/audit_trail.hpp"
#include "auth/authentication_failures.hpp"
#include "auth/usage_tracker.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "storage/store.hpp"

namespace rekey {

struct lifecycle_pass {
  int warnings = 0;           // expiry warnings written to the outbox
  int expiries_recorded = 0;  // secrets whose expiry went into the audit trail
};

class lifecycle_sweeper {
 public:
  lifecycle_sweeper(store& storage, const clock& clock, random_source& random, const key256& at_rest_key,
                    const secret_policy_config& policy, audit_trail& audit, usage_tracker& usage,
                    authentication_failures& failures);

  [[nodiscard]] result<lifecycle_pass> run_once();

 private:
  result<void> warn(unit_of_work& work, const secret_record& secret, time_point now, lifecycle_pass& pass);
  result<void> record_expiries(unit_of_work& work, time_point now, lifecycle_pass& pass);
  result<void> write_usage(unit_of_work& work);
  result<void> record_failures(unit_of_work& work);

  static constexpr int batch = 100;  // per kind and pass; the rest waits for the next pass

  store& storage_;
  const clock& clock_;
  random_source& random_;
  key256 at_rest_key_;
  secret_policy_config policy_;
  audit_trail& audit_;
  usage_tracker& usage_;
  authentication_failures& failures_;
};

}  // namespace rekey
