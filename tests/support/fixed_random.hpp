// fixed_random: "randomness" that is one repeated byte — the extremes of anything scaled by a
// random factor (0x00: the least, 0xff: the most). Not for anything secret. Thread-compatible.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/random.hpp"

namespace rekey::testing {

class fixed_random final : public random_source {
 public:
  explicit fixed_random(std::uint8_t byte) : byte_(byte) {}
  void fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), byte_); }

 private:
  std::uint8_t byte_;
};

}  // namespace rekey::testing
