// retry_schedule: when a failed delivery is tried again — exponential backoff with jitter —
// and when it stops being tried (the retry budget). Pure; thread-safe if the random source is.
#pragma once

#include "core/clock.hpp"
#include "core/random.hpp"

namespace rekey {

// After `attempts` failures (≥ 1): min(10 min, 1 s × 2^(attempts−1)), scaled by a random
// factor in [0.5, 1.0] so that many failing items do not retry in lockstep.
millis retry_delay(int attempts, random_source& random);

// True once an item created at `created_at` has been retried for longer than `budget`.
inline bool retry_budget_spent(time_point created_at, time_point now, millis budget) {
  return now - created_at >= budget;
}

}  // namespace rekey
