#include "auth/failure_throttle.hpp"

namespace rekey {
namespace {

// The client from one peer: a NUL cannot occur in a peer address.
std::string client_key(std::string_view client_id, std::string_view peer) {
  std::string key = "c:";
  key.append(peer).push_back('\0');
  key.append(client_id);
  return key;
}
std::string peer_key(std::string_view peer) { return "p:" + std::string(peer); }

}  // namespace

bool failure_throttle::over(const std::string& key, unsigned limit, time_point now) {
  const auto it = windows_.find(key);
  return it != windows_.end() && now - it->second.started < config_.window && it->second.failures >= limit;
}

void failure_throttle::bump(const std::string& key, time_point now) {
  auto& w = windows_[key];
  if (w.failures == 0 || now - w.started >= config_.window) w = window{now, 0};
  ++w.failures;
}

void failure_throttle::prune(time_point now) {
  if (now - last_prune_ < config_.window) return;
  last_prune_ = now;
  std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.started >= config_.window; });
}

bool failure_throttle::throttled(std::string_view client_id, std::string_view peer, time_point now) {
  std::lock_guard lock(mutex_);
  if (windows_.empty()) return false;
  return over(client_key(client_id, peer), config_.failures_per_client, now) ||
         over(peer_key(peer), config_.failures_per_peer, now);
}

void failure_throttle::record_failure(std::string_view client_id, std::string_view peer, time_point now) {
  std::lock_guard lock(mutex_);
  prune(now);
  bump(client_key(client_id, peer), now);
  bump(peer_key(peer), now);
}

}  // namespace rekey
