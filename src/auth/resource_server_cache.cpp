#include "auth/resource_server_cache.hpp"

#include "crypto/hmac.hpp"

namespace rekey {

void resource_server_cache::put(const resource_server_record& server, std::uint64_t seen) {
  std::lock_guard lock(mutex_);
  const auto g = generations_.find(server.id);
  if ((g == generations_.end() ? 0 : g->second) + cleared_ != seen) return;
  auto& e = by_id_[server.id];
  e.hash = server.secret_hash;
  e.server.audience = server.audience;
  e.server.revoked = e.server.revoked || server.revoked_at.has_value();  // a revocation is for good
}

void resource_server_cache::forget(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (const auto g = generations_.find(id); g != generations_.end())
    ++g->second;
  else
    generations_.emplace(std::string(id), 1);
  if (const auto e = by_id_.find(id); e != by_id_.end()) by_id_.erase(e);
}

void resource_server_cache::clear() {
  std::lock_guard lock(mutex_);
  ++cleared_;
  by_id_.clear();
}

std::uint64_t resource_server_cache::generation(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto g = generations_.find(id);
  return (g == generations_.end() ? 0 : g->second) + cleared_;
}

std::optional<known_resource_server> resource_server_cache::match(std::string_view id, const digest256& hash) const {
  std::lock_guard lock(mutex_);
  const auto e = by_id_.find(id);
  if (e == by_id_.end() || !constant_time_equal(e->second.hash, hash)) return std::nullopt;
  return e->second.server;
}

}  // namespace rekey
