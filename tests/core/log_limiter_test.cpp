#include "core/log_limiter.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

using namespace std::chrono_literals;

// One line per interval gets through; the next one written says how many were held back.
TEST(LogLimiter, AdmitsOneLinePerIntervalAndCountsTheRest) {
  log_limiter limiter(1000ms);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_EQ(limiter.admit(t0), std::optional<std::uint64_t>(0));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.admit(t0 + 100ms * i), std::nullopt);
  EXPECT_EQ(limiter.admit(t0 + 999ms), std::nullopt);
  EXPECT_EQ(limiter.admit(t0 + 1000ms), std::optional<std::uint64_t>(6));
  EXPECT_EQ(limiter.admit(t0 + 2500ms), std::optional<std::uint64_t>(0));
}

}  // namespace
}  // namespace rekey
