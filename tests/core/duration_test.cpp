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

// A duration is written in its largest whole unit, and reads back as itself.
TEST(FormatDuration, WritesTheLargestWholeUnit) {
  EXPECT_EQ(format_duration(millis{90LL * 86'400'000}), "90d");
  EXPECT_EQ(format_duration(millis{36 * 3'600'000}), "36h");
  EXPECT_EQ(format_duration(millis{90'000}), "90s");
  EXPECT_EQ(format_duration(millis{60'000}), "1m");
  EXPECT_EQ(format_duration(millis{250}), "250ms");
  EXPECT_EQ(format_duration(millis{0}), "0ms");
  for (const auto ms : {1LL, 999LL, 1000LL, 61'000LL, 3'600'000LL, 15'552'000'000LL})
    EXPECT_EQ(parse_duration(format_duration(millis{ms}))->count(), ms);
}

}  // namespace
}  // namespace rekey
