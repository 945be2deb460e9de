// token_codec: self-contained, signed access tokens, so checking one needs no storage.
//
// Wire form: <prefix><kid>.<payload>.<signature>, prefix "Atc|" (client_credentials) or
// "Atza|" (refresh grant); payload and signature are base64url, the signature is HMAC-SHA256
// over everything before it under the signing key named by kid. Several keys may verify
// (rotation of signing keys); one signs. Immutable after construction; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "auth/scopes.hpp"
#include "core/clock.hpp"
#include "core/errc.hpp"
#include "crypto/hmac.hpp"

namespace rekey {

enum class grant_kind { client_credentials, refresh_token };

struct access_claims {
  grant_kind kind = grant_kind::client_credentials;
  std::string application_id;
  std::string secret_id;  // the client secret that authenticated the grant
  scope_set scopes;
  time_point issued_at;
  time_point expires_at;
};

class token_codec {
 public:
  // keys: kid → raw 32-byte key. active_kid must be one of them.
  token_codec(const std::map<std::string, key256>& keys, std::string active_kid);

  std::string mint(const access_claims& claims) const;

  // errc::access_token_invalid for anything malformed, unknown kid or bad signature;
  // errc::access_token_expired when now >= expires_at.
  [[nodiscard]] result<access_claims> verify(std::string_view token, time_point now) const;

 private:
  std::map<std::string, std::unique_ptr<hmac_key>, std::less<>> keys_;
  std::string active_kid_;
};

}  // namespace rekey
