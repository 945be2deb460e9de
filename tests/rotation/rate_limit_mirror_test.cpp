#include "rotation/rate_limit_mirror.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);

// An application the mirror has never seen is never refused: only storage can decide.
TEST(RateLimitMirror, UnknownApplicationGoesToStorage) {
  rate_limit_mirror mirror;
  EXPECT_FALSE(mirror.refusal("app", t0));
}

// A remembered empty bucket refuses, with Retry-After, exactly until time refills one token;
// a full one never refuses.
TEST(RateLimitMirror, RefusesOnlyUntilRefill) {
  rate_limit_mirror mirror;
  const usage_plan plan{1.0, 1};
  mirror.remember("app", {0.0, t0}, plan);
  const auto refused = mirror.refusal("app", t0 + millis{400});
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, millis{600});
  EXPECT_TRUE(mirror.refusal("app", t0 + millis{999}));
  EXPECT_FALSE(mirror.refusal("app", t0 + millis{1000}));
  mirror.remember("other", {1.0, t0}, plan);
  EXPECT_FALSE(mirror.refusal("other", t0));
}

// forget() (a usage plan change) returns the decision to storage.
TEST(RateLimitMirror, ForgetReturnsTheDecisionToStorage) {
  rate_limit_mirror mirror;
  mirror.remember("app", {0.0, t0}, usage_plan{0.0167, 1});
  ASSERT_TRUE(mirror.refusal("app", t0));
  mirror.forget("app");
  EXPECT_FALSE(mirror.refusal("app", t0));
}

}  // namespace
}  // namespace rekey
