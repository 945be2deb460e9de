// openssl_random: the production random_source, OpenSSL's CSPRNG (RAND_bytes), which keeps a
// DRBG per thread. Small requests are served from a per-thread block drawn from it 4 KiB at a
// time: each RAND_bytes call costs a DRBG update and an AES key schedule (~4% of the storage
// thread, docs/benchmarks.md), and a rotation makes five small requests (the secret, three ids,
// a nonce). Bytes handed out are wiped from the block.
// Thread-safe. rekey never forks; a forked child would repeat its parent's unused block.
#pragma once

#include "core/random.hpp"

namespace rekey {

class openssl_random final : public random_source {
 public:
  // Throws std::runtime_error if the CSPRNG cannot produce bytes (never silently weak).
  void fill(std::span<std::uint8_t> out) override;
};

}  // namespace rekey
