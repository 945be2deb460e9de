#include "auth/authentication_failures.hpp"

namespace rekey {

void authentication_failures::record(std::string_view client_id, std::string_view peer, time_point at) {
  std::lock_guard lock(mutex_);
  key k{std::string(client_id.substr(0, 128)), std::string(peer)};         // a client id is caller-chosen: bounded
  if (pending_.size() >= max_keys && !pending_.contains(k)) k = {"", ""};  // bounded memory under a flood
  auto& summary = pending_[k];
  if (summary.count == 0) summary.first = at;
  summary.count += 1;
  summary.last = at;
}

std::map<authentication_failures::key, failure_summary> authentication_failures::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(pending_, {});
}

}  // namespace rekey
