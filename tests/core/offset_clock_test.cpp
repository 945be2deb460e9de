#include "core/offset_clock.hpp"

#include <gtest/gtest.h>

#include "support/manual_clock.hpp"

namespace rekey {
namespace {

constexpr millis day{86'400'000};

// The dev clock moves forward only, and never past what a time field can say: an advance that
// would read past 9999-12-31 is refused and moves nothing (the fuzzer found the overflow an
// unbounded advance caused in now()).
TEST(OffsetClock, AdvancesForwardAndRefusesToPassTheYear9999) {
  testing::manual_clock base;
  offset_clock clock(base);
  const auto start = clock.now();
  EXPECT_TRUE(clock.advance(90 * day));
  EXPECT_EQ(clock.now(), start + 90 * day);
  EXPECT_TRUE(clock.advance(millis{-5}));  // ignored: time never runs back
  EXPECT_EQ(clock.now(), start + 90 * day);
  EXPECT_FALSE(clock.advance(millis{106'751'991'167LL * 86'400'000}));
  EXPECT_FALSE(clock.advance(millis{offset_clock::last_epoch_ms}));
  EXPECT_EQ(clock.now(), start + 90 * day);
  const auto to_the_end = millis{offset_clock::last_epoch_ms - to_epoch_ms(clock.now())};
  EXPECT_TRUE(clock.advance(to_the_end));
  EXPECT_EQ(to_epoch_ms(clock.now()), offset_clock::last_epoch_ms);
  EXPECT_FALSE(clock.advance(millis{1}));
}

}  // namespace
}  // namespace rekey
