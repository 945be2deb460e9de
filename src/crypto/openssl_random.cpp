#include "crypto/openssl_random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace rekey {

void openssl_random::fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("OpenSSL: RAND_bytes failed");
  }
}

}  // namespace rekey
