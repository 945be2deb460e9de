// rotation_policy: what a rotation does to an application's existing secrets (SPEC §4 step 6),
// as pure functions so every boundary can be tested with plain values.
//
// The previous current secret becomes old and keeps its expiry for now: its grace clock starts
// when the new secret is delivered, and then it expires at min(its own expiry, delivery +
// grace) (grace_expiry). Counting the new secret, at most max_valid_secrets stay valid (current
// or old and not yet expired); the oldest beyond that are retired. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "storage/records.hpp"

namespace rekey {

struct rotation_plan {
  std::vector<secret_record> changed;  // only the records that change
  // The previous current secret, when it stays valid (its grace starts at delivery).
  std::optional<std::string> previous_secret_id;
  // When it would stop working if delivered now: min(own expiry, now + grace), or `now` when
  // it is retired at once. The notification carries this until delivery fixes the real value.
  time_point previous_secret_expires_at;
};

// The old secret's expiry once the new secret was delivered at `delivered_at`.
time_point grace_expiry(const secret_record& old, time_point delivered_at, const secret_policy_config& policy);

// `secrets`: every secret of the application, newest first.
rotation_plan plan_rotation(const std::vector<secret_record>& secrets, const secret_policy_config& policy,
                            time_point now);

// Valid for authentication: current or old, and not past its expiry.
bool is_valid(const secret_record& secret, time_point now);

}  // namespace rekey
