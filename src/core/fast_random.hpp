// fast_random: a fast random_source for identifiers that must be unique and look random but
// protect nothing — request ids. Never use it for secrets, tokens, keys or nonces: those come
// from crypto/openssl_random.
//
// SplitMix64 over an atomic counter, seeded once (from the CSPRNG, by the composition root).
// Why not the CSPRNG: OpenSSL's RAND_bytes cost 5% of all CPU on the 429 path (perf), for a
// value that is only a correlation id. Lock-free; thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/random.hpp"

namespace rekey {

class fast_random final : public random_source {
 public:
  explicit fast_random(std::uint64_t seed) : state_(seed) {}

  void fill(std::span<std::uint8_t> out) override {
    std::size_t i = 0;
    while (i < out.size()) {
      std::uint64_t z = state_.fetch_add(0x9e3779b97f4a7c15ULL, std::memory_order_relaxed) + 0x9e3779b97f4a7c15ULL;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      z ^= z >> 31;
      for (int b = 0; b < 8 && i < out.size(); ++b, ++i) out[i] = static_cast<std::uint8_t>(z >> (8 * b));
    }
  }

 private:
  std::atomic<std::uint64_t> state_;
};

}  // namespace rekey
