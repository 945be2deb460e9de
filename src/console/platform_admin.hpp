// platform_admin: what a platform team manages so that its own APIs accept rekey's tokens —
// resource servers (introspection), applications' token settings (JWT or opaque tokens, custom
// scopes, audience) and the JWT signing keys (SPEC §9) — free of HTTP.
//
// As admin_service: every change is one transaction with its audit entry (actor "admin"); call
// on the storage thread. After a commit it updates this node's caches (other nodes follow the
// commit's event). A resource server's secret appears in plaintext only in
// create_resource_server's answer. Errors: invalid_input, not_found, service_unavailable,
// internal. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_trail.hpp"
#include "auth/credential_cache.hpp"
#include "auth/jwt_keys.hpp"
#include "auth/resource_server_cache.hpp"
#include "auth/secret_hasher.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "storage/store.hpp"

namespace rekey {

inline constexpr std::string_view resource_server_secret_prefix = "rkrs.v1.";
// Custom scopes one application may hold at most.
inline constexpr std::size_t most_custom_scopes = 20;

struct created_resource_server {
  resource_server_record server;
  std::string secret;  // plaintext, shown once
};

// errc::invalid_input unless every custom scope is well-formed (auth/scopes.hpp), there are at
// most most_custom_scopes without duplicates, and the audience, if any, is 1–500 characters.
[[nodiscard]] result<void> check_token_settings(const token_settings& settings);

class platform_admin {
 public:
  platform_admin(store& storage, const clock& clock, random_source& random, const secret_hasher& hasher,
                 credential_cache& credentials, resource_server_cache& servers, jwt_key_ring& keys,
                 const key256& at_rest_key, millis jwt_key_lead, audit_trail& audit);

  // name: 1–200 characters; audience: 1–500 characters, or none.
  [[nodiscard]] result<created_resource_server> create_resource_server(const std::string& request_id,
                                                                       const std::string& name,
                                                                       std::optional<std::string> audience);
  [[nodiscard]] result<std::vector<resource_server_record>> list_resource_servers();
  [[nodiscard]] result<resource_server_record> find_resource_server(std::string_view id);
  // Revoking a revoked one changes nothing and answers it as it is.
  [[nodiscard]] result<resource_server_record> revoke_resource_server(const std::string& request_id,
                                                                      std::string_view id);

  [[nodiscard]] result<application_record> update_token_settings(const std::string& request_id,
                                                                 std::string_view application_id,
                                                                 const token_settings& settings);

  // The keys with their state now (this node's ring, reloaded from storage first).
  [[nodiscard]] result<std::vector<jwt_key_status>> jwt_keys();
  // A new key, published now and signing after the lead; answers its status.
  [[nodiscard]] result<jwt_key_status> rotate_jwt_key(const std::string& request_id);
  // Reads the keys from storage into the ring (at start-up is load_jwt_keys; this after another
  // node rotated).
  [[nodiscard]] result<void> reload_jwt_keys();

 private:
  store& storage_;
  const clock& clock_;
  random_source& random_;
  const secret_hasher& hasher_;
  credential_cache& credentials_;
  resource_server_cache& servers_;
  jwt_key_ring& keys_;
  key256 at_rest_key_;
  millis jwt_key_lead_;
  audit_trail& audit_;
};

}  // namespace rekey
