#include "auth/failure_throttle.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);

// A client id is throttled from a peer after its limit of failures from that peer, only within
// the window; other clients from that peer are not affected.
TEST(FailureThrottle, PerClientLimitWithinWindow) {
  failure_throttle throttle({3, 100, millis{60'000}});
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(throttle.throttled("c1", "p1", t0));
    throttle.record_failure("c1", "p1", t0);
  }
  EXPECT_TRUE(throttle.throttled("c1", "p1", t0 + millis{59'999}));
  EXPECT_FALSE(throttle.throttled("c2", "p1", t0));
  EXPECT_FALSE(throttle.throttled("c1", "p1", t0 + millis{60'000}));
}

// Issue #14 item 4: failures for a client from one address never refuse that client from
// another — client ids are not secret, so anyone could otherwise lock any client out — however
// many addresses fail it.
TEST(FailureThrottle, FailuresFromOnePeerNeverRefuseAnother) {
  failure_throttle throttle({3, 100, millis{60'000}});
  for (int peer = 0; peer < 50; ++peer) {
    for (int i = 0; i < 10; ++i) throttle.record_failure("victim", "10.0.0." + std::to_string(peer), t0);
  }
  EXPECT_TRUE(throttle.throttled("victim", "10.0.0.7", t0));
  EXPECT_FALSE(throttle.throttled("victim", "10.0.1.1", t0));
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
