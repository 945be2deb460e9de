// random_source: where every identifier, secret, nonce and key gets its bytes.
//
// An interface because randomness is a real seam: production uses the OS-seeded CSPRNG
// (crypto/openssl_random), tests use a deterministic sequence. Implementations must be
// thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace rekey {

class random_source {
 public:
  virtual ~random_source() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;

  template <std::size_t N>
  std::array<std::uint8_t, N> bytes() {
    std::array<std::uint8_t, N> out{};
    fill(out);
    return out;
  }
};

}  // namespace rekey
