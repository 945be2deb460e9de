#include "queue/access_key_cache.hpp"

#include "crypto/aes_gcm.hpp"

namespace rekey {

void access_key_cache::put(access_key key) {
  std::lock_guard lock(mutex_);
  auto id = key.id;
  keys_[std::move(id)] = std::move(key);
}

std::optional<access_key> access_key_cache::find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = keys_.find(id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void access_key_cache::put_if_unchanged(access_key key, std::uint64_t seen) {
  std::lock_guard lock(mutex_);
  if (generation_ != seen) return;
  auto id = key.id;
  keys_[std::move(id)] = std::move(key);
}

std::uint64_t access_key_cache::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void access_key_cache::forget(std::string_view id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  if (const auto it = keys_.find(id); it != keys_.end()) keys_.erase(it);
}

void access_key_cache::clear() {
  std::lock_guard lock(mutex_);
  ++generation_;
  keys_.clear();
}

result<std::optional<access_key>> fetch_access_key(store& storage, const key256& at_rest_key, std::string_view id) {
  auto work = storage.begin();
  if (!work) return work.error();
  auto record = (*work)->access_keys().find(id);
  if (!record) return record.error();
  if (!*record) return std::optional<access_key>{};
  auto secret = open_sealed(at_rest_key, "access-key:" + (*record)->id, (*record)->sealed_secret);
  if (!secret) return errc::internal;
  return std::optional<access_key>{
      access_key{(*record)->id, (*record)->account, std::string(secret->begin(), secret->end())}};
}

access_key_record seal_access_key(const access_key& key, const key256& at_rest_key, random_source& random,
                                  time_point now) {
  return {key.id, key.account, seal(at_rest_key, "access-key:" + key.id, as_bytes(key.secret), random), now};
}

}  // namespace rekey
