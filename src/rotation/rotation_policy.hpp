// rotation_policy: what a rotation does to an application's existing secrets (SPEC §4 step 6),
// as a pure function so every boundary can be tested with plain values.
//
// The previous current secret becomes old and expires at min(its own expiry, now + grace).
// Counting the new secret, at most max_valid_secrets stay valid (current or old and not yet
// expired); the oldest beyond that are retired. Pure; thread-safe.
#pragma once

#include <vector>

#include "core/config.hpp"
#include "storage/records.hpp"

namespace rekey {

struct rotation_plan {
  std::vector<secret_record> changed;  // only the records that change
  // When the previous current secret stops working: its new expiry if it stays valid, else
  // `now`. This is the notification's oldClientSecretExpiryTime.
  time_point previous_secret_expires_at;
};

// `secrets`: every secret of the application, newest first.
rotation_plan plan_rotation(const std::vector<secret_record>& secrets, const secret_policy_config& policy,
                            time_point now);

// Valid for authentication: current or old, and not past its expiry.
bool is_valid(const secret_record& secret, time_point now);

}  // namespace rekey
