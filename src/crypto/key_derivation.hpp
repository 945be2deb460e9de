// Purpose keys derived from the master key with HKDF-SHA256, so that one master key never
// serves two purposes directly. Pure; thread-safe.
#pragma once

#include <string_view>

#include "crypto/bytes.hpp"

namespace rekey {

// The `info` strings rekey uses; changing one invalidates everything derived from it.
inline constexpr std::string_view secret_hash_purpose = "rekey/v1/client-secret-hash";
inline constexpr std::string_view at_rest_purpose = "rekey/v1/at-rest-encryption";

key256 derive_key(const key256& master, std::string_view purpose);

}  // namespace rekey
