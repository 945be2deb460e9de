// manual_clock: a clock that moves only when a test says so. Thread-safe.
#pragma once

#include <atomic>

#include "core/clock.hpp"

namespace rekey::testing {

class manual_clock final : public clock {
 public:
  explicit manual_clock(time_point start = from_epoch_ms(1'700'000'000'000)) : now_(to_epoch_ms(start)) {}
  time_point now() const override { return from_epoch_ms(now_.load()); }
  void advance(millis by) { now_ += by.count(); }
  void set(time_point t) { now_ = to_epoch_ms(t); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace rekey::testing
