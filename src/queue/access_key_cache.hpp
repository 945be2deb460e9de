// access_key_cache: the embedded queue's access keys in memory, so checking a SigV4 signature
// needs no storage. The secret must be in plaintext to compute HMACs; at rest it is sealed.
// A key this node does not know is fetched from storage (fetch_access_key) before the request
// is refused. Guarded by a mutex; thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/errc.hpp"
#include "core/random.hpp"
#include "core/string_hash.hpp"
#include "crypto/bytes.hpp"
#include "storage/store.hpp"

namespace rekey {

struct access_key {
  std::string id;
  std::string account;
  std::string secret;
};

class access_key_cache {
 public:
  void put(access_key key);
  // The same for a key read from storage: kept only when nothing was forgotten since
  // generation() was read before that read (a revocation in between must not bring it back).
  void put_if_unchanged(access_key key, std::uint64_t seen);
  std::uint64_t generation() const;
  std::optional<access_key> find(std::string_view id) const;
  // After a revocation (here or, told by an event, on another node).
  void forget(std::string_view id);
  // After missing other nodes' events: every key is read from storage again on its next use.
  void clear();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, access_key, string_hash, std::equal_to<>> keys_;  // guarded by mutex_
  std::uint64_t generation_ = 0;  // counts forget() and clear(); guarded by mutex_
};

// Reads one key from storage and opens its secret (call on the storage thread).
[[nodiscard]] result<std::optional<access_key>> fetch_access_key(store& storage, const key256& at_rest_key,
                                                                 std::string_view id);

// Seals a new key's secret for storage.
access_key_record seal_access_key(const access_key& key, const key256& at_rest_key, random_source& random,
                                  time_point now);

}  // namespace rekey
