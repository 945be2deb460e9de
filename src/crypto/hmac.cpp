#include "crypto/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <array>
#include <stdexcept>

namespace rekey {

hmac_key::hmac_key(std::span<const std::uint8_t> key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) throw std::runtime_error("OpenSSL: HMAC unavailable");
  prepared_ = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (prepared_ == nullptr || EVP_MAC_init(prepared_, key.data(), key.size(), params) != 1) {
    EVP_MAC_CTX_free(prepared_);
    throw std::runtime_error("OpenSSL: HMAC init failed");
  }
}

hmac_key::~hmac_key() { EVP_MAC_CTX_free(prepared_); }

digest256 hmac_key::sign(std::span<const std::uint8_t> data) const {
  digest256 out{};
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(prepared_);
  std::size_t len = 0;
  const bool ok = ctx != nullptr && EVP_MAC_update(ctx, data.data(), data.size()) == 1 &&
                  EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == out.size();
  EVP_MAC_CTX_free(ctx);
  if (!ok) throw std::runtime_error("OpenSSL: HMAC failed");
  return out;
}

digest256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  digest256 out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len) ==
      nullptr) {
    throw std::runtime_error("OpenSSL: HMAC failed");
  }
  return out;
}

digest256 sha256(std::span<const std::uint8_t> data) {
  digest256 out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  }
  return out;
}

std::string md5_hex(std::string_view data) {
  std::array<std::uint8_t, 16> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_md5(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL: MD5 failed");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (auto b : out) {
    hex.push_back(digits[b >> 4]);
    hex.push_back(digits[b & 0x0f]);
  }
  return hex;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rekey
