// expiry_warning_schedule: when a secret's APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY warnings are
// due (SPEC §5: 90, 60, 30, 15, 7 and 1 days before its expiry by default, see
// secret_policy_config::expiry_warnings), as pure functions so
// every boundary is testable with plain values.
//
// A secret carries the moment its next warning is due (`next_warning_at`, stored, indexed).
// When that moment comes, warning_step() says which warning to send — one, even when several
// thresholds passed while nobody looked (rekey was down): the most recent one — and when the
// next is due. A warning is due at exactly `expires_at - threshold`; none is sent at or after
// the expiry itself. Pure; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "core/clock.hpp"

namespace rekey {

// When the first warning of a secret expiring at `expires_at` is due; nullopt when none is.
// `thresholds` in any order.
std::optional<time_point> first_warning_at(time_point expires_at, const std::vector<millis>& thresholds);

struct warning_step {
  std::optional<millis> send;         // the threshold to warn about now, if any
  std::optional<time_point> next_at;  // when the following warning is due, if any
};

// What to do at `now` for a secret expiring at `expires_at`.
warning_step next_warning(time_point expires_at, const std::vector<millis>& thresholds, time_point now);

}  // namespace rekey
