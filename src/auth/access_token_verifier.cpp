#include "auth/access_token_verifier.hpp"

namespace rekey {

result<verified_token> access_token_verifier::verify(std::string_view token, time_point now) const {
  if (looks_like_jwt(token)) {
    auto verified = jwt_.verify(token, now);
    if (!verified) return verified.error();
    return verified_token{std::move(verified->claims), true, std::move(verified->client_id),
                          std::move(verified->audience)};
  }
  auto claims = opaque_.verify(token, now);
  if (!claims) return claims.error();
  return verified_token{std::move(*claims), false, {}, {}};
}

}  // namespace rekey
