// HMAC-SHA256, SHA-256 and constant-time comparison (OpenSSL 3).
//
// hmac_key prepares the keyed MAC once; each thread that signs with it duplicates that once and
// re-initializes its copy per call, which is what keeps the token endpoint's MACs per request
// cheap. An hmac_key is immutable after construction and safe to use from many threads at once.
// A thread's copy of a destroyed key is freed only when that thread evicts it (it keeps 8) or
// ends: the service makes its keys once, at start-up, and keeps them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

typedef struct evp_mac_ctx_st EVP_MAC_CTX;

namespace rekey {

class hmac_key {
 public:
  explicit hmac_key(std::span<const std::uint8_t> key);
  ~hmac_key();
  hmac_key(const hmac_key&) = delete;
  hmac_key& operator=(const hmac_key&) = delete;

  digest256 sign(std::span<const std::uint8_t> data) const;
  digest256 sign(std::string_view data) const { return sign(as_bytes(data)); }

 private:
  std::uint64_t id_;  // names this key's copies in each thread (hmac.cpp); never reused
  EVP_MAC_CTX* prepared_;
};

// One-shot HMAC-SHA256 for cold paths (SigV4 key chains, key derivation checks).
digest256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
digest256 sha256(std::span<const std::uint8_t> data);
// Lowercase hex MD5 — only for SQS's MD5OfBody checksums, never for security.
std::string md5_hex(std::string_view data);

// True when a and b have the same length and bytes; time depends only on the length.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace rekey
