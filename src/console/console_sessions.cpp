#include "console/console_sessions.hpp"

#include <algorithm>

#include "core/identifiers.hpp"
#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"

namespace rekey {
namespace {

std::string key_of(std::string_view id) { return to_hex(sha256(as_bytes(id))); }

}  // namespace

console_sessions::opened console_sessions::open() {
  opened out;
  out.id = base64url_encode(random_.bytes<32>());
  out.session = {base64url_encode(random_.bytes<32>()), clock_.now() + lifetime_};
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.expires_at <= now; });
  if (sessions_.size() >= capacity_) {
    const auto first = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.expires_at < b.second.expires_at;
    });
    sessions_.erase(first);
  }
  sessions_.emplace(key_of(out.id), out.session);
  return out;
}

std::optional<console_session> console_sessions::find(std::string_view id) const {
  if (id.empty()) return std::nullopt;
  const auto key = key_of(id);
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(key);
  if (found == sessions_.end()) return std::nullopt;
  if (found->second.expires_at <= clock_.now()) {
    sessions_.erase(found);
    return std::nullopt;
  }
  return found->second;
}

void console_sessions::close(std::string_view id) {
  const auto key = key_of(id);
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

}  // namespace rekey
