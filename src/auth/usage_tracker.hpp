// usage_tracker: how often, and when last, each client secret authenticated — counted in memory
// on the token endpoint's hot path and written to storage in batches (take() → add_usage), so a
// token request never costs a storage write. What was counted since the last write is lost if
// the process dies. Guarded by a mutex; thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/string_hash.hpp"

namespace rekey {

struct secret_usage {
  std::int64_t count = 0;
  time_point last_used_at;
};

class usage_tracker {
 public:
  void record(std::string_view secret_id, time_point at);
  // Everything counted since the previous take(), by secret id; empties the tracker.
  std::unordered_map<std::string, secret_usage, string_hash, std::equal_to<>> take();

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, secret_usage, string_hash, std::equal_to<>> pending_;  // guarded by mutex_
};

}  // namespace rekey
