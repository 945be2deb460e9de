// failure_throttle: brute-force protection for the token endpoint (SPEC §3).
//
// Counts authentication failures in fixed windows per peer address, and per client id *from that
// address*; once either reaches its limit, that address's requests (for that client) are refused
// (429 slow_down) before any secret is checked, until the window ends. Failures from one address
// never refuse another: client ids are not secret, so a throttle per client id alone would let
// anyone keep any client out of its tokens (issue #14). A guess is thereby bounded to
// failures_per_client tries per client and failures_per_peer tries in all per address and
// window; a guess spread over N addresses gets at most N × failures_per_client tries at one
// client per window — against a 256-bit secret, nothing. Guarded by a mutex; thread-safe.
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
