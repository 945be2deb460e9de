// clock: the one way rekey reads the time.
//
// An interface because time is a real seam: tests drive a manual clock across expiry and
// rate-limit boundaries, and the dev mode time travel of a later issue swaps in an offset
// clock. Millisecond precision is what every stored time and every JSON time uses.
// Implementations must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace rekey {

using millis = std::chrono::milliseconds;
using time_point = std::chrono::sys_time<millis>;

class clock {
 public:
  virtual ~clock() = default;
  virtual time_point now() const = 0;
};

// The real UTC wall clock.
class wall_clock final : public clock {
 public:
  time_point now() const override;
};

inline std::int64_t to_epoch_ms(time_point t) { return t.time_since_epoch().count(); }
inline time_point from_epoch_ms(std::int64_t ms) { return time_point{millis{ms}}; }

}  // namespace rekey
