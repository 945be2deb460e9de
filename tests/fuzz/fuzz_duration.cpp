// Fuzzes parse_duration (src/core/duration.hpp): the "<integer><unit>" durations of config
// files, flags and the admin API's dev clock. Whatever it answers, a duration it accepts must
// be non-negative (the contract says "non-negative integer").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = rekey::parse_duration(text);
  if (parsed && parsed->count() < 0) std::abort();
  return 0;
}
