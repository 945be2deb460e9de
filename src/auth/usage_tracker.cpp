#include "auth/usage_tracker.hpp"

#include <algorithm>
#include <utility>

namespace rekey {

void usage_tracker::record(std::string_view secret_id, time_point at) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(secret_id);
  if (it == pending_.end()) it = pending_.emplace(std::string(secret_id), secret_usage{}).first;
  it->second.count += 1;
  it->second.last_used_at = std::max(it->second.last_used_at, at);
}

std::unordered_map<std::string, secret_usage, string_hash, std::equal_to<>> usage_tracker::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(pending_, {});
}

}  // namespace rekey
