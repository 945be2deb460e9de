#include "auth/failure_throttle.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);

// A client id is throttled after its limit of failures, only within the window, and other
// clients from other peers are not affected.
TEST(FailureThrottle, PerClientLimitWithinWindow) {
  failure_throttle throttle({3, 100, millis{60'000}});
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(throttle.throttled("c1", "p1", t0));
    throttle.record_failure("c1", "p1", t0);
  }
  EXPECT_TRUE(throttle.throttled("c1", "p2", t0 + millis{59'999}));
  EXPECT_FALSE(throttle.throttled("c2", "p2", t0));
  EXPECT_FALSE(throttle.throttled("c1", "p1", t0 + millis{60'000}));
}

// A peer is throttled after its limit across many client ids; other peers are not.
TEST(FailureThrottle, PerPeerLimit) {
  failure_throttle throttle({100, 5, millis{60'000}});
  for (int i = 0; i < 5; ++i) throttle.record_failure("c" + std::to_string(i), "p1", t0);
  EXPECT_TRUE(throttle.throttled("fresh", "p1", t0));
  EXPECT_FALSE(throttle.throttled("fresh", "p2", t0));
}

}  // namespace
}  // namespace rekey
