// filled_key: a key (or digest: the same 32-byte array) of one repeated byte — distinct, readable
// values for tests.
#pragma once

#include <cstdint>

#include "crypto/bytes.hpp"

namespace rekey::testing {

inline key256 filled_key(std::uint8_t b) {
  key256 k{};
  k.fill(b);
  return k;
}

}  // namespace rekey::testing
