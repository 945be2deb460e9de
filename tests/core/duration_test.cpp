#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

struct duration_case {
  const char* text;
  bool ok;
  std::int64_t ms;
};

// Every unit parses to the right number of milliseconds; junk is refused, not guessed.
TEST(ParseDuration, AcceptsUnitsAndRefusesJunk) {
  const duration_case cases[] = {
      {"250ms", true, 250},
      {"3600s", true, 3'600'000},
      {"15m", true, 900'000},
      {"2h", true, 7'200'000},
      {"180d", true, 15'552'000'000},
      {"0s", true, 0},
      {"", false, 0},
      {"10", false, 0},
      {"-1d", false, 0},
      {"1w", false, 0},
      {"d", false, 0},
      {"1.5h", false, 0},
      {"1d ", false, 0},
      {"99999999999999999d", false, 0},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_duration(c.text);
    EXPECT_EQ(parsed.has_value(), c.ok) << c.text;
    if (c.ok && parsed) {
      EXPECT_EQ(parsed->count(), c.ms) << c.text;
    }
  }
}

}  // namespace
}  // namespace rekey
