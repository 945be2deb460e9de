#include "auth/usage_tracker.hpp"

#include <gtest/gtest.h>

#include "auth/authentication_failures.hpp"

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);

TEST(UsageTracker, CountsUntilTaken) {
  usage_tracker usage;
  usage.record("s1", t0 + millis{5});
  usage.record("s1", t0);
  usage.record("s2", t0);
  auto taken = usage.take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken["s1"].count, 2);
  EXPECT_EQ(taken["s1"].last_used_at, t0 + millis{5});  // the latest, whatever the order
  EXPECT_TRUE(usage.take().empty());
}

TEST(AuthenticationFailures, SummarisedPerClientAndPeer) {
  authentication_failures failures;
  failures.record("client-a", "10.0.0.1", t0);
  failures.record("client-a", "10.0.0.1", t0 + millis{9});
  failures.record("client-b", "10.0.0.1", t0);
  auto taken = failures.take();
  ASSERT_EQ(taken.size(), 2u);
  const auto& a = taken[{"client-a", "10.0.0.1"}];
  EXPECT_EQ(a.count, 2);
  EXPECT_EQ(a.first, t0);
  EXPECT_EQ(a.last, t0 + millis{9});
  EXPECT_TRUE(failures.take().empty());
}

}  // namespace
}  // namespace rekey
