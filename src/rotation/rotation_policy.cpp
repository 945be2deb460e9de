#include "rotation/rotation_policy.hpp"

#include <algorithm>

namespace rekey {

time_point grace_expiry(const secret_record& old, time_point delivered_at, const secret_policy_config& policy) {
  return std::min(old.expires_at, delivered_at + policy.old_secret_grace);
}

bool is_valid(const secret_record& s, time_point now) {
  return (s.state == secret_state::current || s.state == secret_state::old) && now < s.expires_at;
}

rotation_plan plan_rotation(const std::vector<secret_record>& secrets, const secret_policy_config& policy,
                            time_point now) {
  rotation_plan plan{{}, std::nullopt, now};
  unsigned valid = 1;  // the new secret
  for (const auto& s : secrets) {
    if (s.state != secret_state::current && s.state != secret_state::old) continue;
    secret_record next = s;
    if (s.state == secret_state::current) next.state = secret_state::old;  // grace starts at delivery
    if (is_valid(next, now)) {
      if (valid >= policy.max_valid_secrets)
        next.state = secret_state::retired;
      else
        ++valid;
    }
    if (s.state == secret_state::current && is_valid(next, now)) {
      plan.previous_secret_id = next.id;
      plan.previous_secret_expires_at = grace_expiry(next, now, policy);
    }
    if (next.state != s.state || next.expires_at != s.expires_at) plan.changed.push_back(next);
  }
  return plan;
}

}  // namespace rekey
