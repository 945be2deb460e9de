#include "auth/token_codec.hpp"

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "core/split.hpp"
#include "crypto/base64.hpp"

namespace rekey {
namespace {

constexpr std::string_view client_credentials_prefix = "Atc|";
constexpr std::string_view refresh_grant_prefix = "Atza|";
constexpr std::string_view payload_version = "1";         // SP-API scopes only: six fields
constexpr std::string_view custom_payload_version = "2";  // a seventh: the custom scopes

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

}  // namespace

token_codec::token_codec(const std::map<std::string, key256>& keys, std::string active_kid)
    : active_kid_(std::move(active_kid)) {
  for (const auto& [kid, key] : keys) keys_.emplace(kid, std::make_unique<hmac_key>(key));
  if (!keys_.contains(active_kid_)) throw std::invalid_argument("token_codec: active key missing");
}

std::string token_codec::mint(const access_claims& c) const {
  std::string payload;
  payload.reserve(160);
  const bool custom = !c.scopes.custom.empty();
  payload.append(custom ? custom_payload_version : payload_version);
  payload.append("\n").append(c.application_id).append("\n").append(c.secret_id);
  payload.append("\n").append(std::to_string(c.scopes.bits));
  payload.append("\n").append(std::to_string(to_epoch_ms(c.issued_at)));
  payload.append("\n").append(std::to_string(to_epoch_ms(c.expires_at)));
  if (custom) {
    payload.append("\n");
    for (std::size_t i = 0; i < c.scopes.custom.size(); ++i)
      payload.append(i == 0 ? "" : " ").append(c.scopes.custom[i]);
  }

  std::string token(c.kind == grant_kind::client_credentials ? client_credentials_prefix : refresh_grant_prefix);
  token.append(active_kid_).append(".").append(base64url_encode(as_bytes(payload)));
  const auto signature = keys_.find(active_kid_)->second->sign(token);
  token.append(".").append(base64url_encode(signature));
  return token;
}

result<access_claims> token_codec::verify(std::string_view token, time_point now) const {
  access_claims c;
  std::string_view body;
  if (token.starts_with(client_credentials_prefix)) {
    c.kind = grant_kind::client_credentials;
    body = token.substr(client_credentials_prefix.size());
  } else if (token.starts_with(refresh_grant_prefix)) {
    c.kind = grant_kind::refresh_token;
    body = token.substr(refresh_grant_prefix.size());
  } else {
    return errc::access_token_invalid;
  }
  std::array<std::string_view, 3> parts;
  if (split_into(body, '.', parts) != 3) return errc::access_token_invalid;
  const auto key = keys_.find(parts[0]);
  if (key == keys_.end()) return errc::access_token_invalid;
  const auto signature = base64url_decode(parts[2]);
  const auto signed_part = token.substr(0, token.size() - parts[2].size() - 1);
  if (!signature || !constant_time_equal(*signature, key->second->sign(signed_part))) {
    return errc::access_token_invalid;
  }
  const auto payload = base64url_decode(parts[1]);
  if (!payload) return errc::access_token_invalid;
  const std::string_view text(reinterpret_cast<const char*>(payload->data()), payload->size());
  std::array<std::string_view, 7> fields;
  const auto field_count = split_into(text, '\n', fields);
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  const bool custom = field_count == 7 && fields[0] == custom_payload_version;
  if ((!custom && (field_count != 6 || fields[0] != payload_version)) || !parse_int(fields[3], c.scopes.bits) ||
      !parse_int(fields[4], iat) || !parse_int(fields[5], exp)) {
    return errc::access_token_invalid;
  }
  if (custom) {
    for (const auto scope : split(fields[6], ' ')) c.scopes.custom.emplace_back(scope);
  }
  c.application_id = fields[1];
  c.secret_id = fields[2];
  c.issued_at = from_epoch_ms(iat);
  c.expires_at = from_epoch_ms(exp);
  if (now >= c.expires_at) return errc::access_token_expired;
  return c;
}

}  // namespace rekey
