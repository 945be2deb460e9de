// offset_clock: a clock that runs `offset` ahead of another — the dev mode time travel
// (`rekey dev clock advance 89d`). The service reads all of its time through one of these; it
// only ever moves forward, and only the admin API in --dev mode moves it. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/clock.hpp"

namespace rekey {

class offset_clock final : public clock {
 public:
  explicit offset_clock(const clock& base) : base_(base) {}

  time_point now() const override { return base_.now() + offset(); }

  // The last moment the clock may show: what every time field can still say (ISO 8601's
  // four-digit years), far inside what time_point can hold.
  static constexpr std::int64_t last_epoch_ms = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

  // Moves this clock `by` forward (a negative or zero `by` is ignored: time never runs back).
  // False, and nothing moved, when it would then read past last_epoch_ms.
  [[nodiscard]] bool advance(millis by) {
    if (by.count() <= 0) return true;
    auto offset = offset_ms_.load();
    do {  // checked against the offset it replaces, so two advances at once cannot overshoot
      if (by.count() > last_epoch_ms - to_epoch_ms(base_.now()) - offset) return false;
    } while (!offset_ms_.compare_exchange_weak(offset, offset + by.count()));
    return true;
  }
  millis offset() const { return millis{offset_ms_.load()}; }

 private:
  const clock& base_;
  std::atomic<std::int64_t> offset_ms_{0};
};

}  // namespace rekey
