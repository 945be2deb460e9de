#include "outbox/retry_schedule.hpp"

#include <algorithm>

namespace rekey {

millis retry_delay(int attempts, random_source& random) {
  constexpr std::int64_t base_ms = 1000;
  constexpr std::int64_t cap_ms = 10 * 60'000;
  const int exponent = std::clamp(attempts - 1, 0, 20);
  const std::int64_t full = std::min(cap_ms, base_ms << exponent);
  const auto r = random.bytes<2>();
  const double factor = 0.5 + 0.5 * ((r[0] << 8 | r[1]) / 65535.0);
  return millis{static_cast<std::int64_t>(static_cast<double>(full) * factor)};
}

}  // namespace rekey
