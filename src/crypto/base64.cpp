#include "crypto/base64.hpp"

#include <openssl/evp.h>

namespace rekey {

std::string base64_encode(std::span<const std::uint8_t> data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64url_encode(std::span<const std::uint8_t> data) {
  std::string out = base64_encode(data);
  out.erase(out.find_last_not_of('=') + 1);  // npos + 1 == 0 when all of it is padding
  // One pass and no branch per character: the '+' and '/' of random bytes (a token's signature)
  // defeat branch prediction, and two std::replace passes measured 1.7% of the token endpoint.
  for (char& c : out) c = c == '+' ? '-' : (c == '/' ? '_' : c);
  return out;
}

std::optional<bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.size() >= 3 && text[text.size() - 3] == '=') return std::nullopt;  // "x===": not a whole byte
  bytes out(3 * text.size() / 4);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::optional<bytes> base64url_decode(std::string_view text) {
  // One pass without a branch per character, as in base64url_encode: an access token's
  // signature is decoded on every authenticated request.
  std::string standard;
  standard.reserve(text.size() + 3);
  bool foreign = false;  // '+', '/' and '=' belong to base64, not base64url
  for (const char c : text) {
    foreign |= (c == '+') | (c == '/') | (c == '=');
    standard.push_back(c == '-' ? '+' : (c == '_' ? '/' : c));
  }
  if (foreign) return std::nullopt;
  standard.append((4 - standard.size() % 4) % 4, '=');
  return base64_decode(standard);  // refuses "x===", one character left over (not a whole byte)
}

}  // namespace rekey
