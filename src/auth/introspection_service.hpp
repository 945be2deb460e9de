// introspection_service: RFC 7662 token introspection for registered resource servers, free of
// HTTP (api/introspection_endpoint.hpp speaks it).
//
// The caller authenticates as a resource server (its id and secret). Then the token is active
// when it verifies (either kind: access_token_verifier), its client secret is still current or
// old (a revoked or retired secret ends every token minted with it, at once), its application
// still exists, and — for a resource server with an audience — the token is for that audience.
// Otherwise it is inactive, and the answer says nothing more.
//
// Like token_service, two entry points: answer_from_cache() on an I/O thread from memory
// (nullopt when the answer needs storage: an unknown resource server or application, a
// non-matching secret), answer_with_storage() on the storage thread. Authentication failures
// count against the id and the address (failure_throttle), as the token endpoint's. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/access_token_verifier.hpp"
#include "auth/credential_cache.hpp"
#include "auth/failure_throttle.hpp"
#include "auth/resource_server_cache.hpp"
#include "auth/secret_hasher.hpp"
#include "core/clock.hpp"
#include "storage/store.hpp"

namespace rekey {

struct introspection_request {
  std::string resource_server_id;
  std::string resource_server_secret;
  std::string token;
};

struct introspection {
  bool active = false;
  std::string client_id;
  std::string subject;  // the application id
  std::string scope;
  std::string audience;
  std::int64_t expires_at = 0;  // seconds since the epoch
  std::int64_t issued_at = 0;
};

class introspection_service {
 public:
  // issuer: the audience of tokens whose application names none.
  introspection_service(resource_server_cache& servers, credential_cache& credentials, const secret_hasher& hasher,
                        const access_token_verifier& verifier, failure_throttle& throttle, const clock& clock,
                        std::string issuer);

  // Errors: errc::invalid_client (resource server unknown, wrong secret, revoked), errc::slow_down.
  std::optional<result<introspection>> answer_from_cache(const introspection_request& request, std::string_view peer);
  // As answer_from_cache, plus storage errors.
  result<introspection> answer_with_storage(store& storage, const introspection_request& request,
                                            std::string_view peer);

 private:
  // nullopt: the token's application is not in the credential cache.
  std::optional<introspection> judge(const known_resource_server& server, const std::string& token, time_point now);
  result<introspection> refuse(const introspection_request& request, std::string_view peer, time_point now);

  resource_server_cache& servers_;
  credential_cache& credentials_;
  const secret_hasher& hasher_;
  const access_token_verifier& verifier_;
  failure_throttle& throttle_;
  const clock& clock_;
  std::string issuer_;
};

}  // namespace rekey
