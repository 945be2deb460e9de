// credential_cache: what this node knows of each application's client secrets (keyed hashes,
// states, expiries), so the token endpoint and the rotate call's authentication step answer
// from memory without touching storage.
//
// It is a cache, never the authority: a secret that matches nothing here is re-checked against
// storage before it is refused (token_service::issue_with_storage), and the rotate transaction
// re-reads the secret it trusts. Whoever writes secrets to storage puts the application's new
// secret list here after the commit. Guarded by a mutex; thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/string_hash.hpp"
#include "storage/records.hpp"

namespace rekey {

struct cached_secret {
  std::string id;
  digest256 hash{};
  secret_state state = secret_state::current;
  time_point expires_at;
};

struct cached_application {
  std::string application_id;
  std::string client_id;
  std::vector<cached_secret> secrets;
  token_settings tokens = {};  // the highest version put (puts of older settings are ignored)
};

struct secret_match {
  std::string application_id;
  cached_secret secret;
  token_settings tokens = {};
};

class credential_cache {
 public:
  // Adds what is known of this application to what was known. Secrets only move forward —
  // current → old → retired → revoked, expiries only come closer — so each secret keeps the
  // furthest state and the earliest expiry seen; puts may thus arrive in any order (several
  // storage threads run their after-commit hooks concurrently) and the cache still ends at the
  // newest state.
  //
  // `seen` is generation(application) read before the secrets were read from storage: when the
  // application has been forgotten since, the read may predate another node's change and the put
  // is dropped (the next use reads storage again).
  void put(cached_application app, std::uint64_t seen);
  void put(const application_record& app, const std::vector<secret_record>& secrets, std::uint64_t seen);
  // Drops the application (another node changed its secrets): its next use reads storage.
  void forget(std::string_view application_id);
  // Moves on with every forget() of the application.
  std::uint64_t generation(std::string_view application_id) const;

  // The secret of client_id whose hash equals `hash` (compared in constant time), whatever its
  // state; nullopt when the client or the secret is unknown here.
  std::optional<secret_match> match(std::string_view client_id, const digest256& hash) const;

  struct secret_status {
    secret_state state;
    time_point expires_at;
  };
  // State and expiry of one secret; nullopt when this node does not know it.
  std::optional<secret_status> find_secret(std::string_view application_id, std::string_view secret_id) const;

  struct token_holder {
    std::string client_id;
    token_settings tokens;
    std::optional<secret_status> secret;  // nullopt: the application has no such secret here
  };
  // What introspection needs of a token's application and secret; nullopt when this node does
  // not know the application.
  std::optional<token_holder> find_holder(std::string_view application_id, std::string_view secret_id) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, cached_application, string_hash, std::equal_to<>>
      by_application_;  // guarded by mutex_
  std::unordered_map<std::string, std::string, string_hash, std::equal_to<>>
      application_by_client_;  // guarded by mutex_
  std::unordered_map<std::string, std::uint64_t, string_hash, std::equal_to<>>
      generations_;  // guarded by mutex_; only applications ever forgotten
};

}  // namespace rekey
