#include "crypto/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <array>
#include <atomic>
#include <stdexcept>

namespace rekey {
namespace {

std::atomic<std::uint64_t> next_key_id{1};

// One thread's working copies of the keys it signs with: each duplicated once from its key's
// prepared context, then re-initialized per MAC (EVP_MAC_init without a key keeps the key's
// state), instead of a duplicate made and freed per MAC — OpenSSL's duplication was most of an
// HMAC's cost on the token paths (docs/benchmarks.md, #20). A key's id is never reused, so a copy
// never serves another key; copies are freed (and cleansed, by OpenSSL) when evicted or when the
// thread ends.
class thread_contexts {
 public:
  thread_contexts() = default;
  thread_contexts(const thread_contexts&) = delete;
  thread_contexts& operator=(const thread_contexts&) = delete;
  ~thread_contexts() {
    for (auto& s : slots_) EVP_MAC_CTX_free(s.ctx);
  }

  // The copy of key `id` (prepared as `prepared`) for this thread; null if OpenSSL failed.
  EVP_MAC_CTX* get(std::uint64_t id, const EVP_MAC_CTX* prepared) {
    for (auto& s : slots_) {
      if (s.id == id) return s.ctx;
    }
    auto& s = slots_[evict_next_++ % slots_.size()];
    EVP_MAC_CTX_free(s.ctx);
    s.ctx = EVP_MAC_CTX_dup(prepared);
    s.id = s.ctx != nullptr ? id : 0;
    return s.ctx;
  }

 private:
  struct slot {
    std::uint64_t id = 0;  // 0: empty
    EVP_MAC_CTX* ctx = nullptr;
  };
  std::array<slot, 8> slots_{};
  std::size_t evict_next_ = 0;
};

thread_local thread_contexts contexts;

}  // namespace

hmac_key::hmac_key(std::span<const std::uint8_t> key) : id_(next_key_id.fetch_add(1)) {
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
  EVP_MAC_CTX* ctx = contexts.get(id_, prepared_);
  std::size_t len = 0;
  const bool ok = ctx != nullptr && EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1 &&
                  EVP_MAC_update(ctx, data.data(), data.size()) == 1 &&
                  EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == out.size();
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
