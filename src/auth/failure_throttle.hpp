// failure_throttle: brute-force protection for the token endpoint (SPEC §3).
//
// Counts authentication failures per client id and per peer address in fixed windows; once a
// key reaches its limit, requests for it are refused (429 slow_down) until the window ends.
// Other clients and peers are unaffected. Guarded by a mutex; thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/config.hpp"

namespace rekey {

class failure_throttle {
 public:
  explicit failure_throttle(const throttle_config& config) : config_(config) {}

  bool throttled(std::string_view client_id, std::string_view peer, time_point now);
  void record_failure(std::string_view client_id, std::string_view peer, time_point now);

 private:
  struct window {
    time_point started;
    unsigned failures = 0;
  };
  bool over(const std::string& key, unsigned limit, time_point now);
  void bump(const std::string& key, time_point now);
  void prune(time_point now);

  throttle_config config_;
  std::mutex mutex_;
  std::unordered_map<std::string, window> windows_;  // guarded by mutex_
  time_point last_prune_;                            // guarded by mutex_
};

}  // namespace rekey
