// Byte containers shared by the crypto helpers. Plain aliases; no behaviour.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace rekey {

using bytes = std::vector<std::uint8_t>;
using key256 = std::array<std::uint8_t, 32>;
using digest256 = std::array<std::uint8_t, 32>;

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace rekey
