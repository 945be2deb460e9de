#include "core/time_format.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

// Times render as ISO-8601 UTC with milliseconds and Z, including the zero-padded edges.
TEST(TimeFormat, RendersMillisecondsAndZ) {
  EXPECT_EQ(to_iso8601(from_epoch_ms(1'704'924'557'456)), "2024-01-10T22:09:17.456Z");
  EXPECT_EQ(to_iso8601(from_epoch_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_iso8601(from_epoch_ms(951'782'400'007)), "2000-02-29T00:00:00.007Z");
}

}  // namespace
}  // namespace rekey
