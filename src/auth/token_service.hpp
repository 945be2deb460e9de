// token_service: the logic of the LWA-compatible token endpoint (SPEC §3), free of HTTP.
//
// Two entry points, because the hot path must not touch storage:
//  - issue_from_cache() runs on an I/O thread and answers from memory. It returns nullopt when
//    the answer depends on storage (a secret this node has not seen, any refresh grant).
//  - issue_with_storage() runs on the storage thread: it reloads the client's secrets into the
//    cache, then answers authoritatively.
// Unknown client and wrong secret are indistinguishable: same error, same work (one keyed hash
// and a storage re-check). Failures feed the failure_throttle and, for the audit trail, the
// authentication_failures buffer; each token minted counts as a use of its secret in the
// usage_tracker. An application's token settings decide the token's form (opaque `Atc|`, or a
// JWT) and which custom scopes it may ask for. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/authentication_failures.hpp"
#include "auth/credential_cache.hpp"
#include "auth/failure_throttle.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/secret_hasher.hpp"
#include "auth/token_codec.hpp"
#include "auth/token_request.hpp"
#include "auth/usage_tracker.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "storage/store.hpp"

namespace rekey {

struct token_grant {
  std::string access_token;
  std::int64_t expires_in = 0;               // seconds
  std::optional<std::string> scope;          // echoed for client_credentials
  std::optional<std::string> refresh_token;  // echoed for the refresh grant
};

class token_service {
 public:
  token_service(credential_cache& cache, const secret_hasher& hasher, const token_codec& codec,
                failure_throttle& throttle, const clock& clock, const secret_policy_config& policy,
                usage_tracker& usage, authentication_failures& failures, const jwt_codec* jwt = nullptr);

  // Errors: invalid_request, unsupported_grant_type, invalid_scope, invalid_client, slow_down.
  // nullopt: call issue_with_storage() on the storage thread instead.
  std::optional<result<token_grant>> issue_from_cache(const token_request& request, std::string_view peer);

  // As issue_from_cache, plus invalid_grant, service_unavailable and internal.
  result<token_grant> issue_with_storage(store& storage, const token_request& request, std::string_view peer);

 private:
  struct checked_request {
    grant_kind kind;
    scope_set scopes;  // client_credentials only
  };
  result<checked_request> check(const token_request& request, std::string_view peer, time_point now);
  result<token_grant> grant(const token_request& request, const checked_request& checked, const secret_match& match,
                            time_point now);
  result<token_grant> refuse(const token_request& request, std::string_view peer, errc why, time_point now);

  credential_cache& cache_;
  const secret_hasher& hasher_;
  const token_codec& codec_;
  const jwt_codec* jwt_;  // null: JWT applications cannot get tokens (errc::internal)
  failure_throttle& throttle_;
  usage_tracker& usage_;
  authentication_failures& failures_;
  const clock& clock_;
  secret_policy_config policy_;
};

}  // namespace rekey
