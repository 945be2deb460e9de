#include "outbox/retry_schedule.hpp"

#include <gtest/gtest.h>

#include <set>

#include "crypto/openssl_random.hpp"
#include "support/fixed_random.hpp"

namespace rekey {
namespace {

constexpr millis second{1000};
constexpr millis minute{60'000};

struct delay_case {
  int attempts;
  millis least;  // the random factor at its lowest (0.5)
  millis most;   // the random factor at its highest (1.0): the full backoff
};

// After n failures the full delay is 1 s × 2^(n−1), capped at 10 minutes; the jitter takes it
// down to half at most. Attempts below 1 count as 1; huge counts stay at the cap.
constexpr delay_case delay_cases[] = {
    {1, millis{500}, 1 * second},  {2, 1 * second, 2 * second},    {3, 2 * second, 4 * second},
    {4, 4 * second, 8 * second},   {8, 64 * second, 128 * second}, {10, 256 * second, 512 * second},
    {11, 5 * minute, 10 * minute},  // 1024 s is over the cap
    {12, 5 * minute, 10 * minute}, {30, 5 * minute, 10 * minute},  {1000, 5 * minute, 10 * minute},
    {0, millis{500}, 1 * second},  {-3, millis{500}, 1 * second},
};

// The table above, at the two extremes of the random factor.
TEST(RetrySchedule, DelayDoublesUpToTheCap) {
  for (const auto& c : delay_cases) {
    testing::fixed_random lowest(0x00);
    testing::fixed_random highest(0xff);
    EXPECT_EQ(retry_delay(c.attempts, lowest), c.least) << "attempts " << c.attempts;
    EXPECT_EQ(retry_delay(c.attempts, highest), c.most) << "attempts " << c.attempts;
  }
}

// With real randomness every delay stays within the table's [half, full] of its backoff, and
// the delays of many items that failed alike are spread out rather than all the same (no
// lockstep retries).
TEST(RetrySchedule, JitterStaysWithinItsBoundsAndSpreads) {
  openssl_random random;
  for (const auto& c : delay_cases) {
    std::set<millis::rep> seen;
    for (int i = 0; i < 200; ++i) {
      const auto d = retry_delay(c.attempts, random);
      ASSERT_GE(d, c.least) << "attempts " << c.attempts;
      ASSERT_LE(d, c.most) << "attempts " << c.attempts;
      seen.insert(d.count());
    }
    EXPECT_GT(seen.size(), 20u) << "attempts " << c.attempts;
  }
}

struct budget_case {
  millis age;  // now − created_at
  bool spent;
};

// The budget is spent once an item is at least `budget` old, not a millisecond before.
TEST(RetrySchedule, BudgetIsSpentAtItsEnd) {
  const millis budget{24LL * 3'600'000};
  const time_point created = from_epoch_ms(1'700'000'000'000);
  const budget_case cases[] = {
      {millis{0}, false}, {budget - millis{1}, false}, {budget, true}, {budget + millis{1}, true}, {10 * budget, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(retry_budget_spent(created, created + c.age, budget), c.spent) << "age " << c.age.count() << " ms";
  }
}

}  // namespace
}  // namespace rekey
