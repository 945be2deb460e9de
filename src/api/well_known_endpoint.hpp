// The authorization server's public documents: GET /.well-known/jwks.json (the JWT signing keys
// published now, RFC 7517) and GET /.well-known/oauth-authorization-server (RFC 8414 metadata).
// Both from memory; thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

#include "api/handler.hpp"
#include "auth/jwt_keys.hpp"
#include "core/clock.hpp"

namespace rekey::api {

class well_known_endpoint {
 public:
  // jwt_key_lead: how long a key is published before it signs; the JWKS may be cached for at most
  // half of it (and 5 minutes), so that a cached copy has every key a token may name.
  well_known_endpoint(const jwt_key_ring& keys, const clock& clock, std::string issuer, millis jwt_key_lead);

  boost::asio::awaitable<response> jwks(request_context& ctx) const;
  boost::asio::awaitable<response> metadata(request_context& ctx) const;

 private:
  const jwt_key_ring& keys_;
  const clock& clock_;
  std::string metadata_;  // the same for every request
  std::string cache_control_;
};

}  // namespace rekey::api
