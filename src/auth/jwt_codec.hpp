// jwt_codec: JWT access tokens (RFC 9068) for applications set to them, signed with Ed25519
// (jwt_keys.hpp) so that anyone can verify them against /.well-known/jwks.json.
//
// Compact JWS (RFC 7515) written here over OpenSSL (crypto/ed25519.hpp): Debian 12 packages no
// C++ JOSE library with EdDSA (libjwt 1.10 and cjose 0.6 lack it), and the format is three
// base64url parts. Header {"alg":"EdDSA","typ":"at+jwt","kid"}; claims iss, sub (the application
// id), aud, exp, iat, nbf, jti, client_id, scope, gty (the grant) and secret_id (the client
// secret that authenticated, so introspection can see it revoked). Verification accepts exactly
// that header (typ also as RFC 9068's "application/at+jwt"), canonical base64url, JSON without a
// repeated key, a published key, this issuer, and times in order and unexpired. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "auth/jwt_keys.hpp"
#include "auth/token_codec.hpp"
#include "core/clock.hpp"
#include "core/errc.hpp"
#include "core/random.hpp"

namespace rekey {

struct verified_jwt {
  access_claims claims;
  std::string client_id;
  std::string audience;
};

// Whether a token is in JWT form (three base64url parts, the first a JSON header): where the
// rotate call and introspection send it.
bool looks_like_jwt(std::string_view token);

class jwt_codec {
 public:
  // random: for the jti (thread-safe, e.g. openssl_random).
  jwt_codec(const jwt_key_ring& keys, std::string issuer, random_source& random)
      : keys_(keys), issuer_(std::move(issuer)), random_(random) {}

  // Errors: errc::internal when no key signs yet.
  [[nodiscard]] result<std::string> mint(const access_claims& claims, std::string_view client_id,
                                         std::string_view audience) const;
  // errc::access_token_invalid for anything malformed, another issuer, an unknown key or a bad
  // signature; errc::access_token_expired when now >= exp.
  [[nodiscard]] result<verified_jwt> verify(std::string_view token, time_point now) const;

  const std::string& issuer() const { return issuer_; }
  // Before serving starts (the default issuer is the listener's URL, known once it is bound).
  void set_issuer(std::string issuer) { issuer_ = std::move(issuer); }

 private:
  const jwt_key_ring& keys_;
  std::string issuer_;
  random_source& random_;
};

}  // namespace rekey
