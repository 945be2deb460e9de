// The SP-API usage-plan token bucket (SPEC §4 step 4) as pure arithmetic over a stored state.
// A bucket refills at `rate` tokens per second up to `burst`; a call takes one whole token.
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "core/clock.hpp"

namespace rekey {

inline constexpr std::string_view rotate_operation = "rotateApplicationClientSecret";

struct usage_plan {
  double rate = 0.0167;  // tokens per second
  unsigned burst = 1;
};

struct bucket_state {
  double tokens = 0;
  time_point updated_at;
};

struct bucket_decision {
  bool allowed = false;
  bucket_state after;     // refilled to `now`, minus the token taken when allowed
  millis retry_after{0};  // when refused: time until one whole token is back
};

// A bucket nobody has used yet is full.
bucket_state full_bucket(const usage_plan& plan, time_point now);

bucket_decision take_token(const bucket_state& state, const usage_plan& plan, time_point now);

}  // namespace rekey
