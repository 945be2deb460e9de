#include "http/connection_deadline.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace rekey::http {
namespace {

using namespace std::chrono_literals;
using clock = connection_deadline::clock;

// A deadline on a real io_context, counting its expiries and noting when the first came.
struct fixture {
  boost::asio::io_context io{1};
  int expiries = 0;
  clock::time_point expired_at{};
  std::shared_ptr<connection_deadline> deadline;

  explicit fixture(clock::duration horizon) {
    deadline = std::make_shared<connection_deadline>(io.get_executor(), horizon, [this] {
      if (expiries++ == 0) expired_at = clock::now();
    });
  }
  // Runs the io_context for `most` at most, or until it runs out of work.
  void run_for(clock::duration most) { io.run_for(most); }
  // Calls `what` after `after`, on the io_context.
  void at(clock::duration after, std::function<void()> what) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, after);
    timer->async_wait([timer, what = std::move(what)](const boost::system::error_code&) { what(); });
  }
};

TEST(ConnectionDeadline, CallsOnExpiryOnceWhenTheExpiryPasses) {
  fixture f(10s);
  const auto set_at = clock::now();
  f.deadline->expires_after(30ms);
  f.run_for(5s);  // returns when the expired deadline holds no wait
  EXPECT_EQ(f.expiries, 1);
  EXPECT_GE(f.expired_at, set_at + 30ms);
}

TEST(ConnectionDeadline, AnExpiryMovedLaterIsNotHitAtTheEarlierOne) {
  fixture f(10s);
  f.deadline->expires_after(40ms);
  clock::time_point moved_at{};
  f.at(10ms, [&] {
    moved_at = clock::now();
    f.deadline->expires_after(150ms);
  });
  f.run_for(5s);
  ASSERT_EQ(f.expiries, 1);
  EXPECT_GE(f.expired_at, moved_at + 150ms);
}

TEST(ConnectionDeadline, AnExpiryMovedEarlierThanTheArmedWaitIsKept) {
  fixture f(10s);
  f.deadline->expires_after(10s);  // the wait is armed 10 s ahead
  f.deadline->expires_after(20ms);
  f.run_for(5s);
  EXPECT_EQ(f.expiries, 1);
}

// A horizon of zero is taken as minimum_horizon: the wait wakes once per horizon (not over and
// over) and waits again until the expiry, which is kept exactly.
TEST(ConnectionDeadline, AnExpiryBeyondTheHorizonIsReachedByWaitingAgainOncePerHorizon) {
  fixture f(0s);
  const auto set_at = clock::now();
  const auto after = connection_deadline::minimum_horizon * 5 / 2;
  f.deadline->expires_after(after);
  const auto handlers = f.io.run();  // runs until the expired deadline holds no wait
  ASSERT_EQ(f.expiries, 1);
  EXPECT_GE(f.expired_at, set_at + after);
  EXPECT_LT(f.expired_at, set_at + after + connection_deadline::minimum_horizon) << "reached late";
  EXPECT_LE(handlers, 3u) << "woke " << handlers << " times";
}

TEST(ConnectionDeadline, NoExpiryBetweenPhases) {
  fixture f(10s);
  f.deadline->expires_after(20ms);
  f.deadline->expires_never();
  f.run_for(300ms);
  EXPECT_EQ(f.expiries, 0);
  f.deadline->expires_after(20ms);  // the next phase has an expiry again
  f.io.restart();                   // the first run ran out of work: the wait ended, unexpired
  f.run_for(5s);
  EXPECT_EQ(f.expiries, 1);
}

TEST(ConnectionDeadline, StopCancelsTheWaitAndTheExpiry) {
  fixture f(60s);
  f.deadline->expires_after(60s);
  f.at(10ms, [&] { f.deadline->stop(); });
  const auto started = clock::now();
  f.run_for(20s);
  EXPECT_TRUE(f.io.stopped()) << "the cancelled wait still held the io_context";
  EXPECT_LT(clock::now() - started, 20s);
  EXPECT_EQ(f.expiries, 0);
  f.deadline->expires_after(1ms);  // a stopped deadline never arms again
  f.io.restart();
  f.run_for(200ms);
  EXPECT_EQ(f.expiries, 0);
}

}  // namespace
}  // namespace rekey::http
