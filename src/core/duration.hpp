// Durations as people write them in config and on the command line: "180d", "7d", "3600s",
// "250ms", "15m", "2h". Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/errc.hpp"

namespace rekey {

// Parses "<non-negative integer><unit>" with unit one of ms, s, m, h, d.
// Returns errc::invalid_input for anything else (no unit, negative, overflow, junk).
[[nodiscard]] result<millis> parse_duration(std::string_view text);

// The shortest way parse_duration reads back: "90d", "12h", "30m", "45s" or "250ms".
std::string format_duration(millis d);

}  // namespace rekey
