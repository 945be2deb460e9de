// log_limiter: decides whether a repeated log line may be written now — at most one per
// interval, counting the ones held back so that the next line can say how many there were.
// For error paths a client or a fault can trigger in a loop (an accept failing at the
// file-descriptor limit, a full disk), so that the log stays readable and the disk is not filled
// by it. Pure: the caller passes the time. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace rekey {

class log_limiter {
 public:
  using time = std::chrono::steady_clock::time_point;
  explicit log_limiter(std::chrono::milliseconds interval) : interval_(interval) {}

  // nullopt: hold this line back. Otherwise write it, saying that the returned number of lines
  // like it were held back since the last one written.
  std::optional<std::uint64_t> admit(time now) {
    std::lock_guard lock(mutex_);
    if (last_ && now - *last_ < interval_) {
      ++held_back_;
      return std::nullopt;
    }
    last_ = now;
    const auto held = held_back_;
    held_back_ = 0;
    return held;
  }

 private:
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::optional<time> last_;     // guarded by mutex_
  std::uint64_t held_back_ = 0;  // guarded by mutex_
};

}  // namespace rekey
