#include "crypto/aes_gcm.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace rekey {
namespace {

constexpr std::uint8_t format_version = 0x01;
constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;

using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

cipher_ctx new_ctx() {
  cipher_ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("OpenSSL: cipher context");
  return ctx;
}

}  // namespace

bytes seal(const key256& key, std::string_view associated_data, std::span<const std::uint8_t> plaintext,
           random_source& random) {
  bytes out(1 + nonce_size + plaintext.size() + tag_size);
  out[0] = format_version;
  random.fill(std::span(out).subspan(1, nonce_size));
  auto ctx = new_ctx();
  int len = 0;
  const auto aad = as_bytes(associated_data);
  std::uint8_t* cipher_out = out.data() + 1 + nonce_size;
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data() + 1) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), cipher_out, &len, plaintext.data(), static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), cipher_out + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, out.data() + out.size() - tag_size) == 1;
  if (!ok) throw std::runtime_error("OpenSSL: AES-GCM seal failed");
  return out;
}

result<bytes> open_sealed(const key256& key, std::string_view associated_data, std::span<const std::uint8_t> sealed) {
  if (sealed.size() < 1 + nonce_size + tag_size || sealed[0] != format_version) return errc::internal;
  const std::size_t cipher_size = sealed.size() - 1 - nonce_size - tag_size;
  bytes plain(cipher_size);
  auto ctx = new_ctx();
  int len = 0;
  const auto aad = as_bytes(associated_data);
  std::uint8_t tag[tag_size];
  std::copy(sealed.end() - tag_size, sealed.end(), tag);
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), sealed.data() + 1) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), plain.data(), &len, sealed.data() + 1 + nonce_size,
                              static_cast<int>(cipher_size)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, tag) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &len) == 1;
  if (!ok) return errc::internal;
  return plain;
}

}  // namespace rekey
