#include "http/storage_executor.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace rekey::http {
namespace {

namespace asio = boost::asio;

// With several threads (PostgreSQL: one per pooled connection) jobs run at the same time: two
// jobs that each wait for the other both finish. On one thread they could not.
TEST(StorageExecutor, SeveralThreadsRunJobsAtOnce) {
  const auto both_running = [](std::size_t threads) {
    storage_executor executor(100, nullptr, threads);
    asio::io_context io;
    std::atomic<int> arrived = 0;
    int met = 0;  // jobs that saw the other one running at the same time
    for (int i = 0; i < 2; ++i) {
      asio::co_spawn(
          io,
          [&]() -> asio::awaitable<void> {
            auto saw_other = co_await executor.run([&] {
              ++arrived;
              const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
              while (arrived.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
              return arrived.load() == 2 && std::chrono::steady_clock::now() < deadline;
            });
            if (saw_other && *saw_other) ++met;
          },
          asio::detached);
    }
    io.run();
    return met;
  };
  EXPECT_EQ(both_running(2), 2);
  EXPECT_EQ(both_running(1), 1);  // the control: one thread runs them one after the other
}

// Group commit batches a store's units of work on one thread: more threads are refused.
TEST(StorageExecutor, ABatchingStoreHasOneThread) {
  testing::temp_dir dir;
  sqlite_store store(dir.file("rekey.db"));
  EXPECT_THROW(storage_executor(100, &store, 2), std::invalid_argument);
  storage_executor one(100, &store, 1);
  one.stop();
}

}  // namespace
}  // namespace rekey::http
