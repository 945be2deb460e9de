#include "crypto/ed25519.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace rekey {
namespace {

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }

struct md_context {
  md_context() : ctx(EVP_MD_CTX_new()) {}
  ~md_context() { EVP_MD_CTX_free(ctx); }
  md_context(const md_context&) = delete;
  md_context& operator=(const md_context&) = delete;
  EVP_MD_CTX* ctx;
};

}  // namespace

std::optional<ed25519_public_key> ed25519_public_key::from_raw(std::span<const std::uint8_t> raw) {
  if (raw.size() != 32) return std::nullopt;
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size());
  if (key == nullptr) return std::nullopt;
  return ed25519_public_key(own(key));
}

std::array<std::uint8_t, 32> ed25519_public_key::raw() const {
  std::array<std::uint8_t, 32> out{};
  std::size_t size = out.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), out.data(), &size) != 1 || size != out.size())
    throw std::runtime_error("reading an Ed25519 public key");
  return out;
}

bool ed25519_public_key::verify(std::string_view message, std::span<const std::uint8_t> signature) const {
  if (signature.size() != 64) return false;
  md_context md;
  return md.ctx != nullptr && EVP_DigestVerifyInit(md.ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
         EVP_DigestVerify(md.ctx, signature.data(), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

ed25519_private_key ed25519_private_key::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) throw std::runtime_error("making an Ed25519 key");
  return ed25519_private_key(own(key));
}

std::optional<ed25519_private_key> ed25519_private_key::from_seed(std::span<const std::uint8_t> seed) {
  if (seed.size() != 32) return std::nullopt;
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
  if (key == nullptr) return std::nullopt;
  return ed25519_private_key(own(key));
}

key256 ed25519_private_key::seed() const {
  key256 out{};
  std::size_t size = out.size();
  if (EVP_PKEY_get_raw_private_key(key_.get(), out.data(), &size) != 1 || size != out.size())
    throw std::runtime_error("reading an Ed25519 private key");
  return out;
}

ed25519_public_key ed25519_private_key::public_key() const {
  std::array<std::uint8_t, 32> raw{};
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), raw.data(), &size) != 1 || size != raw.size())
    throw std::runtime_error("reading an Ed25519 public key");
  return *ed25519_public_key::from_raw(raw);
}

ed25519_signature ed25519_private_key::sign(std::string_view message) const {
  ed25519_signature out{};
  std::size_t size = out.size();
  md_context md;
  if (md.ctx == nullptr || EVP_DigestSignInit(md.ctx, nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(md.ctx, out.data(), &size, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      size != out.size())
    throw std::runtime_error("signing with Ed25519");
  return out;
}

}  // namespace rekey
