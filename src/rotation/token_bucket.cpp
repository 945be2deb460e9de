#include "rotation/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace rekey {

bucket_state full_bucket(const usage_plan& plan, time_point now) { return {static_cast<double>(plan.burst), now}; }

bucket_decision take_token(const bucket_state& state, const usage_plan& plan, time_point now) {
  const auto elapsed_ms = std::max<std::int64_t>(0, (now - state.updated_at).count());
  const double refilled =
      std::min(static_cast<double>(plan.burst), state.tokens + plan.rate * static_cast<double>(elapsed_ms) / 1000.0);
  bucket_decision d;
  // A tiny epsilon absorbs floating-point error so that exactly 1/rate seconds refills a token.
  constexpr double epsilon = 1e-9;
  if (refilled + epsilon >= 1.0) {
    d.allowed = true;
    d.after = {std::max(0.0, refilled - 1.0), now};
    return d;
  }
  d.after = {refilled, now};
  d.retry_after = millis{static_cast<std::int64_t>(std::ceil((1.0 - refilled) / plan.rate * 1000.0))};
  return d;
}

}  // namespace rekey
