#include "delivery/destination_secret.hpp"

#include "crypto/aes_gcm.hpp"
#include "crypto/base64.hpp"

namespace rekey {

std::string seal_destination_secret(const key256& at_rest_key, std::string_view destination_id, std::string_view secret,
                                    random_source& random) {
  return base64url_encode(seal(at_rest_key, "destination:" + std::string(destination_id), as_bytes(secret), random));
}

std::optional<std::string> open_destination_secret(const key256& at_rest_key, std::string_view destination_id,
                                                   std::string_view sealed_base64) {
  const auto sealed = base64url_decode(sealed_base64);
  if (!sealed) return std::nullopt;
  auto plain = open_sealed(at_rest_key, "destination:" + std::string(destination_id), *sealed);
  if (!plain) return std::nullopt;
  return std::string(plain->begin(), plain->end());
}

}  // namespace rekey
