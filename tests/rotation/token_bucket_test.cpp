#include "rotation/token_bucket.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);

// The default plan (0.0167/s, burst 1): one call, then refusal until 1/0.0167 s have passed,
// exact to the millisecond, with Retry-After counting down.
TEST(TokenBucket, DefaultPlanBoundaries) {
  const usage_plan plan{0.0167, 1};
  auto first = take_token(full_bucket(plan, t0), plan, t0);
  ASSERT_TRUE(first.allowed);
  EXPECT_DOUBLE_EQ(first.after.tokens, 0.0);
  const auto refill = millis{static_cast<std::int64_t>(std::ceil(1000.0 / 0.0167))};  // 59881 ms
  auto early = take_token(first.after, plan, t0 + refill - millis{1});
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.retry_after, millis{1});
  auto just = take_token(first.after, plan, t0 + refill);
  EXPECT_TRUE(just.allowed);
  auto refused = take_token(first.after, plan, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, refill);
}

// A larger burst allows that many calls at once and never stores more than the burst.
TEST(TokenBucket, BurstAndCap) {
  const usage_plan plan{1.0, 3};
  bucket_state s = full_bucket(plan, t0);
  for (int i = 0; i < 3; ++i) {
    auto d = take_token(s, plan, t0);
    ASSERT_TRUE(d.allowed) << i;
    s = d.after;
  }
  EXPECT_FALSE(take_token(s, plan, t0).allowed);
  auto later = take_token(s, plan, t0 + millis{3'600'000});
  ASSERT_TRUE(later.allowed);
  EXPECT_DOUBLE_EQ(later.after.tokens, 2.0);
}

// A clock that goes backwards never adds tokens.
TEST(TokenBucket, BackwardsClockAddsNothing) {
  const usage_plan plan{1.0, 1};
  const bucket_state empty{0.0, t0};
  EXPECT_FALSE(take_token(empty, plan, t0 - millis{10'000}).allowed);
}

}  // namespace
}  // namespace rekey
