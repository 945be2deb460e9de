#include "outbox/relay_loop.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "crypto/openssl_random.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/outbox_item.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/recording_publisher.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

namespace asio = boost::asio;

constexpr millis hour{3'600'000};
constexpr auto generous = std::chrono::seconds(5);

// A relay loop on its own I/O thread, with a real relay on a real store, polling once an hour:
// anything that happens within seconds was made to happen, not waited for.
class RelayLoopTest : public ::testing::Test {
 protected:
  ~RelayLoopTest() override { stop(); }

  void start() {
    loop_.start();
    io_thread_ = std::thread([this] {
      io_.run();
      io_done_.set_value();
    });
  }

  // Stops the loop; should stop() not end it within the bound, the I/O context is stopped under
  // it, so that a broken loop fails its test instead of hanging the suite.
  void stop() {
    if (!io_thread_.joinable()) return;
    loop_.stop();
    guard_.reset();
    if (io_done_.get_future().wait_for(generous) != std::future_status::ready) {
      ADD_FAILURE() << "relay_loop::stop() did not end the loop";
      io_.stop();
    }
    io_thread_.join();
    executor_.stop();
  }

  // Called at the start of every pass, on the storage thread.
  void housekeeping() {
    int n = 0;
    {
      std::lock_guard lock(mutex_);
      n = ++passes_;
    }
    passed_.notify_all();
    if (on_pass_) on_pass_(n);
  }

  bool wait_for_passes(int n) {
    std::unique_lock lock(mutex_);
    return passed_.wait_for(lock, generous, [&] { return passes_ >= n; });
  }

  int passes() {
    std::lock_guard lock(mutex_);
    return passes_;
  }

  // A pending new-secret notification for a webhook destination, due now.
  void write_pending(const std::string& id) {
    auto w = *store_.begin();
    ASSERT_TRUE(w->applications().insert({"app1", "n", "client-app1", std::nullopt, std::nullopt, clock_.now()}));
    ASSERT_TRUE(w->notifications().insert_destination({"dest-app1", "app1", "webhook", "{}", clock_.now()}));
    auto item = pending_outbox_item(id, "app1", "dest-app1", new_secret_notification_type, clock_.now());
    seal_body(item, at_rest_, R"({"payload":{},"notificationMetadata":{"notificationId":")" + id + R"("}})", random_);
    ASSERT_TRUE(w->outbox().insert(item));
    ASSERT_TRUE(w->commit());
  }

  testing::temp_dir dir_;
  sqlite_store store_{dir_.file("rekey.db")};
  testing::manual_clock clock_;
  openssl_random random_;
  key256 at_rest_ = testing::filled_key(6);
  credential_cache credentials_;
  secret_policy_config policy_;
  delivery_config config_;
  queue_service queues_{store_, clock_, random_, at_rest_};
  outbox_relay relay_{store_, clock_, random_, at_rest_, queues_, credentials_, policy_, config_};
  runtime::storage_executor executor_{100, store_};
  testing::recording_publisher webhook_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(io_);
  std::mutex mutex_;
  std::condition_variable passed_;
  int passes_ = 0;                    // guarded by mutex_
  std::function<void(int)> on_pass_;  // set before start()
  relay_loop loop_{
      io_, relay_, executor_, {{"webhook", &webhook_}}, [](const queue_address&) {}, hour, [this] { housekeeping(); }};
  std::thread io_thread_;
  std::promise<void> io_done_;
};

// Regression: a poke that arrives while a pass is running (the loop is not waiting on its timer
// yet) is not lost — the next pass follows at once instead of after the poll interval (1 h).
TEST_F(RelayLoopTest, APokeDuringAPassRunsTheNextPassAtOnce) {
  on_pass_ = [this](int n) {
    if (n == 1) loop_.poke();  // as a rotation committing while the pass runs would
  };
  start();
  ASSERT_TRUE(wait_for_passes(1));
  EXPECT_TRUE(wait_for_passes(2)) << "the poke during the first pass was lost";
}

// A poke while the loop sleeps wakes it; without one it keeps sleeping (the control for the test
// above: passes do not simply follow each other).
TEST_F(RelayLoopTest, APokeWakesTheSleepingLoop) {
  start();
  ASSERT_TRUE(wait_for_passes(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(passes(), 1);
  loop_.poke();
  EXPECT_TRUE(wait_for_passes(2));
}

// A network delivery the pass hands back is published through its kind's publisher and then
// completed: the item ends delivered.
TEST_F(RelayLoopTest, PublishesNetworkDeliveriesAndCompletesThem) {
  write_pending("n-1");
  start();
  ASSERT_TRUE(webhook_.wait_for_calls(1, generous));
  ASSERT_TRUE(wait_for_passes(2));  // a pass that did work is followed by another at once
  stop();
  const auto calls = webhook_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].destination_id, "dest-app1");
  EXPECT_EQ(calls[0].notification_id, "n-1");
  auto w = *store_.begin();
  const auto item = *w->outbox().find_item("n-1");
  ASSERT_TRUE(item);
  EXPECT_EQ(item->state, outbox_state::delivered);
}

}  // namespace
}  // namespace rekey
