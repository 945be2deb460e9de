// resource_server_cache: what this node knows of the resource servers (their secrets' keyed
// hashes, audiences, revocations), so that introspection authenticates them from memory.
//
// Like credential_cache, a cache and never the authority: an id it does not know, or a secret
// that does not match, is looked up in storage before it is refused (introspection_service).
// Whoever writes a resource server puts it here after the commit; another node's change makes it
// forget() the id, and a read begun before that (an older generation()) is not put. Guarded by a
// mutex; thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/string_hash.hpp"
#include "storage/records.hpp"

namespace rekey {

struct known_resource_server {
  std::optional<std::string> audience;
  bool revoked = false;
};

class resource_server_cache {
 public:
  void put(const resource_server_record& server, std::uint64_t seen);
  void forget(std::string_view id);
  // Forgets every resource server (after missing other nodes' events).
  void clear();
  std::uint64_t generation(std::string_view id) const;
  // The resource server `id` when `hash` is its secret's (compared in constant time); nullopt
  // when the id is unknown here or the hash does not match.
  std::optional<known_resource_server> match(std::string_view id, const digest256& hash) const;

 private:
  struct entry {
    digest256 hash{};
    known_resource_server server;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry, string_hash, std::equal_to<>> by_id_;                // guarded by mutex_
  std::unordered_map<std::string, std::uint64_t, string_hash, std::equal_to<>> generations_;  // guarded by mutex_
  std::uint64_t cleared_ = 0;  // added to every generation; guarded by mutex_
};

}  // namespace rekey
