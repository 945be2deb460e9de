// access_token_verifier: checks either kind of access token rekey mints — `Atc|`/`Atza|`
// (token_codec, what SP-API applications get) or a JWT (jwt_codec, for applications set to JWT)
// — for the rotate call and introspection. Pure of storage; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/jwt_codec.hpp"
#include "auth/token_codec.hpp"

namespace rekey {

struct verified_token {
  access_claims claims;
  bool jwt = false;
  std::string client_id;  // JWTs carry these; an opaque token's come from its application
  std::string audience;
};

class access_token_verifier {
 public:
  access_token_verifier(const token_codec& opaque, const jwt_codec& jwt) : opaque_(opaque), jwt_(jwt) {}

  // errc::access_token_invalid or errc::access_token_expired, as the codecs answer.
  [[nodiscard]] result<verified_token> verify(std::string_view token, time_point now) const;

 private:
  const token_codec& opaque_;
  const jwt_codec& jwt_;
};

}  // namespace rekey
