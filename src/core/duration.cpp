#include "core/duration.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

namespace rekey {

result<millis> parse_duration(std::string_view text) {
  std::int64_t value = 0;
  const auto* begin = text.data();
  const auto* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc{} || rest == begin || value < 0) return errc::invalid_input;
  const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  std::int64_t scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  else if (unit == "d")
    scale = 86'400'000;
  else
    return errc::invalid_input;
  if (value > std::numeric_limits<std::int64_t>::max() / scale) return errc::invalid_input;
  return millis{value * scale};
}

std::string format_duration(millis d) {
  const auto ms = d.count();
  for (const auto& [unit, scale] : {std::pair{"d", 86'400'000LL}, {"h", 3'600'000LL}, {"m", 60'000LL}, {"s", 1000LL}}) {
    if (ms > 0 && ms % scale == 0) return std::to_string(ms / scale) + unit;
  }
  return std::to_string(ms) + "ms";
}

}  // namespace rekey
