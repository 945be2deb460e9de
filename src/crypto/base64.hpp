// Base64 (RFC 4648 §4) for HTTP Basic credentials and base64url without padding (§5) for token
// bodies, on top of OpenSSL's encoder. Pure; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

namespace rekey {

std::string base64_encode(std::span<const std::uint8_t> data);
std::string base64url_encode(std::span<const std::uint8_t> data);
std::optional<bytes> base64url_decode(std::string_view text);
std::optional<bytes> base64_decode(std::string_view text);

}  // namespace rekey
