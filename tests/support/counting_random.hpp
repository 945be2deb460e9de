// counting_random: deterministic "randomness" — every byte is the next value of a counter —
// so tests can predict identifiers. Not for anything secret. Thread-compatible.
#pragma once

#include "core/random.hpp"

namespace rekey::testing {

class counting_random final : public random_source {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_ = 1;
};

}  // namespace rekey::testing
