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

  // Moves this clock `by` forward (a negative or zero `by` is ignored: time never runs back).
  void advance(millis by) {
    if (by.count() > 0) offset_ms_.fetch_add(by.count());
  }
  millis offset() const { return millis{offset_ms_.load()}; }

 private:
  const clock& base_;
  std::atomic<std::int64_t> offset_ms_{0};
};

}  // namespace rekey
