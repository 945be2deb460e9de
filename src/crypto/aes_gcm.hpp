// AES-256-GCM sealing of data at rest (notification plaintexts, signing keys).
//
// A sealed blob is: version byte 0x01 | 12-byte random nonce | ciphertext | 16-byte tag.
// The associated data binds a blob to its place (e.g. "outbox:<id>"), so a blob copied to
// another row does not open. Pure functions; thread-safe if the random source is.
#pragma once

#include <span>
#include <string_view>

#include "core/errc.hpp"
#include "core/random.hpp"
#include "crypto/bytes.hpp"

namespace rekey {

bytes seal(const key256& key, std::string_view associated_data, std::span<const std::uint8_t> plaintext,
           random_source& random);

// Returns errc::internal when the blob is malformed, was made under another key or for other
// associated data, or was tampered with.
[[nodiscard]] result<bytes> open_sealed(const key256& key, std::string_view associated_data,
                                        std::span<const std::uint8_t> sealed);

}  // namespace rekey
