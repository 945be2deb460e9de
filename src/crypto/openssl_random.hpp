// openssl_random: the production random_source, OpenSSL's CSPRNG (RAND_bytes), which keeps a
// DRBG per thread. Thread-safe.
#pragma once

#include "core/random.hpp"

namespace rekey {

class openssl_random final : public random_source {
 public:
  // Throws std::runtime_error if the CSPRNG cannot produce bytes (never silently weak).
  void fill(std::span<std::uint8_t> out) override;
};

}  // namespace rekey
