#include "rotation/expiry_warning_schedule.hpp"

#include <gtest/gtest.h>

#include "core/config.hpp"

namespace rekey {
namespace {

const time_point expiry = from_epoch_ms(1'800'000'000'000);
constexpr millis day{86'400'000};
constexpr millis ms{1};
const std::vector<millis> thresholds = secret_policy_config{}.expiry_warnings;  // 90, 60, 30, 15, 7, 1 days

// The default list is SPEC §5's.
TEST(ExpiryWarningSchedule, DefaultThresholds) {
  EXPECT_EQ(thresholds, (std::vector<millis>{90 * day, 60 * day, 30 * day, 15 * day, 7 * day, 1 * day}));
  EXPECT_EQ(first_warning_at(expiry, thresholds), expiry - 90 * day);
  EXPECT_EQ(first_warning_at(expiry, {7 * day, 30 * day}), expiry - 30 * day);  // any order
  EXPECT_EQ(first_warning_at(expiry, {}), std::nullopt);
}

// Each threshold: one millisecond before its moment nothing is sent and the moment is next; at
// the moment and one millisecond after, that warning is sent and the next threshold follows.
TEST(ExpiryWarningSchedule, EveryThresholdBoundary) {
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    const auto t = thresholds[i];
    const auto moment = expiry - t;
    SCOPED_TRACE(t.count() / day.count());
    auto before = next_warning(expiry, thresholds, moment - ms);
    if (i == 0) {
      EXPECT_EQ(before.send, std::nullopt);
    } else {
      EXPECT_EQ(before.send, thresholds[i - 1]);  // the previous one is what is due then
    }
    EXPECT_EQ(before.next_at, moment);
    for (const auto now : {moment, moment + ms}) {
      const auto step = next_warning(expiry, thresholds, now);
      EXPECT_EQ(step.send, t);
      if (i + 1 < thresholds.size()) {
        EXPECT_EQ(step.next_at, expiry - thresholds[i + 1]);
      } else {
        EXPECT_EQ(step.next_at, std::nullopt);
      }
    }
  }
}

// Thresholds that passed while nobody looked collapse into one warning: the most recent.
TEST(ExpiryWarningSchedule, MissedMomentsSendOnce) {
  const auto step = next_warning(expiry, thresholds, expiry - 20 * day);  // 90, 60 and 30 passed
  EXPECT_EQ(step.send, 30 * day);
  EXPECT_EQ(step.next_at, expiry - 15 * day);
}

// Nothing at or after the expiry itself; the 1-day warning up to one millisecond before it.
TEST(ExpiryWarningSchedule, NoWarningOnceExpired) {
  EXPECT_EQ(next_warning(expiry, thresholds, expiry - ms).send, 1 * day);
  for (const auto now : {expiry, expiry + ms}) {
    const auto step = next_warning(expiry, thresholds, now);
    EXPECT_EQ(step.send, std::nullopt);
    EXPECT_EQ(step.next_at, std::nullopt);
  }
}

}  // namespace
}  // namespace rekey
