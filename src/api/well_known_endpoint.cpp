#include "api/well_known_endpoint.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "auth/scopes.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;

response json_response(std::string body, unsigned version, std::string_view cache_control) {
  response res{status::ok, version};
  res.set(beast_http::field::content_type, "application/json");
  res.set(beast_http::field::cache_control, cache_control);
  res.body() = std::move(body);
  return res;
}

}  // namespace

well_known_endpoint::well_known_endpoint(const jwt_key_ring& keys, const clock& clock, std::string issuer,
                                         millis jwt_key_lead)
    : keys_(keys), clock_(clock) {
  const json::object metadata{
      {"issuer", issuer},
      {"token_endpoint", issuer + "/auth/o2/token"},
      {"introspection_endpoint", issuer + "/auth/o2/introspect"},
      {"jwks_uri", issuer + "/.well-known/jwks.json"},
      {"grant_types_supported", json::array{"client_credentials", "refresh_token"}},
      {"token_endpoint_auth_methods_supported", json::array{"client_secret_post", "client_secret_basic"}},
      {"introspection_endpoint_auth_methods_supported", json::array{"client_secret_basic", "client_secret_post"}},
      {"response_types_supported", json::array{}},
      {"scopes_supported", json::array{rotation_scope, notifications_scope}},
  };
  metadata_ = json::serialize(metadata);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(jwt_key_lead).count() / 2;
  cache_control_ = "public, max-age=" + std::to_string(std::clamp<std::int64_t>(seconds, 0, 300));
}

boost::asio::awaitable<response> well_known_endpoint::jwks(request_context& ctx) const {
  json::array keys;
  for (const auto& status : keys_.statuses(clock_.now())) {
    if (status.state == jwt_key_state::unpublished) continue;
    keys.push_back(json::object{{"kty", "OKP"},
                                {"crv", "Ed25519"},
                                {"x", status.key->x},
                                {"kid", status.key->kid},
                                {"use", "sig"},
                                {"alg", "EdDSA"}});
  }
  co_return json_response(json::serialize(json::object{{"keys", std::move(keys)}}), ctx.req.version(), cache_control_);
}

boost::asio::awaitable<response> well_known_endpoint::metadata(request_context& ctx) const {
  co_return json_response(metadata_, ctx.req.version(), "public, max-age=300");
}

}  // namespace rekey::api
