// ed25519: Ed25519 signing keys (RFC 8032) through OpenSSL 3's EVP interface, for JWT access
// tokens (auth/jwt_codec.hpp). A private key is its 32-byte seed; a public key its 32 bytes.
// Immutable after construction; signing and verifying are thread-safe (each call makes its own
// EVP_MD_CTX).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/bytes.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace rekey {

using ed25519_signature = std::array<std::uint8_t, 64>;

class ed25519_public_key {
 public:
  // nullopt when `raw` is not 32 bytes or not a point OpenSSL accepts.
  static std::optional<ed25519_public_key> from_raw(std::span<const std::uint8_t> raw);
  std::array<std::uint8_t, 32> raw() const;
  bool verify(std::string_view message, std::span<const std::uint8_t> signature) const;

 private:
  explicit ed25519_public_key(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

class ed25519_private_key {
 public:
  static ed25519_private_key generate();  // throws std::runtime_error if OpenSSL fails
  // nullopt when `seed` is not 32 bytes.
  static std::optional<ed25519_private_key> from_seed(std::span<const std::uint8_t> seed);
  key256 seed() const;
  ed25519_public_key public_key() const;
  ed25519_signature sign(std::string_view message) const;

 private:
  explicit ed25519_private_key(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace rekey
