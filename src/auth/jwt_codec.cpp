#include "auth/jwt_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>

#include "auth/json_keys.hpp"
#include "core/identifiers.hpp"
#include "core/split.hpp"
#include "crypto/base64.hpp"

namespace rekey {
namespace {

namespace json = boost::json;

constexpr std::int64_t ms_per_second = 1000;
constexpr millis clock_skew{30'000};

std::string_view text_of(const bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// base64url as rekey writes it, and only so: one spelling per value (no padding, no stray
// bits, no spaces), so a token cannot be varied without its signature breaking.
std::optional<bytes> canonical_base64url(std::string_view part) {
  auto decoded = base64url_decode(part);
  if (!decoded || base64url_encode(*decoded) != part) return std::nullopt;
  return decoded;
}

// A JSON object with each key once (Boost.JSON would keep the last of two silently).
std::optional<json::object> object_of(std::string_view part) {
  const auto decoded = canonical_base64url(part);
  if (!decoded || has_duplicate_keys(text_of(*decoded))) return std::nullopt;
  boost::system::error_code ec;
  auto value = json::parse(text_of(*decoded), ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

// The last second a time_point holds everywhere rekey writes one (9999-12-31T23:59:59Z).
constexpr std::int64_t latest_second = 253'402'300'799;

const json::string* string_claim(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v != nullptr ? v->if_string() : nullptr;
}

std::optional<std::int64_t> seconds_claim(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

// A scope claim as the token endpoint wrote it: SP-API scopes, then custom ones (granted when
// the token was minted).
scope_set scopes_of(std::string_view text) {
  scope_set out;
  for (const auto word : split(text, ' ')) {
    if (word.empty()) continue;
    if (word == rotation_scope)
      out.bits |= scope_set::rotation;
    else if (word == notifications_scope)
      out.bits |= scope_set::notifications;
    else
      out.custom.emplace_back(word);
  }
  return out;
}

}  // namespace

bool looks_like_jwt(std::string_view token) {
  return token.starts_with("eyJ") && std::count(token.begin(), token.end(), '.') == 2;
}

result<std::string> jwt_codec::mint(const access_claims& c, std::string_view client_id,
                                    std::string_view audience) const {
  const auto key = keys_.signer(c.issued_at);
  if (!key) return errc::internal;
  const json::object header{{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", key->kid}};
  const auto iat = to_epoch_ms(c.issued_at) / ms_per_second;
  const json::object claims{
      {"iss", issuer_},
      {"sub", c.application_id},
      {"aud", audience},
      {"exp", to_epoch_ms(c.expires_at) / ms_per_second},
      {"iat", iat},
      {"nbf", iat},
      {"jti", new_uuid(random_)},
      {"client_id", client_id},
      {"scope", to_string(c.scopes)},
      {"gty", c.kind == grant_kind::client_credentials ? "client_credentials" : "refresh_token"},
      {"secret_id", c.secret_id},
  };
  std::string token = base64url_encode(as_bytes(json::serialize(header)));
  token.append(".").append(base64url_encode(as_bytes(json::serialize(claims))));
  const auto signature = key->private_key.sign(token);
  token.append(".").append(base64url_encode(signature));
  return token;
}

result<verified_jwt> jwt_codec::verify(std::string_view token, time_point now) const {
  std::array<std::string_view, 3> parts;
  if (split_into(token, '.', parts) != 3) return errc::access_token_invalid;
  const auto header = object_of(parts[0]);
  if (!header) return errc::access_token_invalid;
  const auto* alg = string_claim(*header, "alg");
  const auto* typ = string_claim(*header, "typ");
  const auto* kid = string_claim(*header, "kid");
  if (alg == nullptr || *alg != "EdDSA" || typ == nullptr || (*typ != "at+jwt" && *typ != "application/at+jwt") ||
      kid == nullptr || header->size() != 3)
    return errc::access_token_invalid;
  const auto key = keys_.published(*kid, now);
  if (!key) return errc::access_token_invalid;
  const auto signature = canonical_base64url(parts[2]);
  if (!signature || !key->public_key.verify(token.substr(0, parts[0].size() + 1 + parts[1].size()), *signature))
    return errc::access_token_invalid;

  const auto claims = object_of(parts[1]);
  if (!claims) return errc::access_token_invalid;
  const auto* iss = string_claim(*claims, "iss");
  const auto* sub = string_claim(*claims, "sub");
  const auto* aud = string_claim(*claims, "aud");
  const auto* client_id = string_claim(*claims, "client_id");
  const auto* scope = string_claim(*claims, "scope");
  const auto* gty = string_claim(*claims, "gty");
  const auto* secret_id = string_claim(*claims, "secret_id");
  const auto exp = seconds_claim(*claims, "exp");
  const auto iat = seconds_claim(*claims, "iat");
  const auto nbf = seconds_claim(*claims, "nbf");
  if (iss == nullptr || *iss != issuer_ || sub == nullptr || aud == nullptr || client_id == nullptr ||
      scope == nullptr || gty == nullptr || secret_id == nullptr || !exp || !iat || !nbf)
    return errc::access_token_invalid;
  // 0 <= nbf <= iat <= exp <= year 9999, and not issued in the future (nor, so, before nbf; the
  // token endpoint writes nbf = iat), give or take the clock skew between nodes.
  if (*iat < 0 || *nbf < 0 || *nbf > *iat || *iat > *exp || *exp > latest_second ||
      now + clock_skew < from_epoch_ms(*iat * ms_per_second))
    return errc::access_token_invalid;
  verified_jwt out;
  if (*gty == "client_credentials")
    out.claims.kind = grant_kind::client_credentials;
  else if (*gty == "refresh_token")
    out.claims.kind = grant_kind::refresh_token;
  else
    return errc::access_token_invalid;
  out.claims.application_id = *sub;
  out.claims.secret_id = *secret_id;
  out.claims.scopes = scopes_of(*scope);
  out.claims.issued_at = from_epoch_ms(*iat * ms_per_second);
  out.claims.expires_at = from_epoch_ms(*exp * ms_per_second);
  out.client_id = *client_id;
  out.audience = *aud;
  if (now >= out.claims.expires_at) return errc::access_token_expired;
  return out;
}

}  // namespace rekey
