#include "runtime/storage_executor.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace rekey::runtime {
namespace {

namespace asio = boost::asio;

// A store that only records the batches it is asked for: "batch" or "rotations <keys>" when one
// begins, "end" when it commits, "abort" when it goes without.
class batch_recorder final : public store {
 public:
  class recorded_batch final : public store_batch {
   public:
    explicit recorded_batch(batch_recorder& store) : store_(store) {}
    ~recorded_batch() override {
      if (!committed_) store_.log("abort");
    }
    result<std::unique_ptr<unit_of_work>> begin() override { return errc::internal; }
    result<void> commit() override {
      committed_ = true;
      store_.log("end");
      return {};
    }

   private:
    batch_recorder& store_;
    bool committed_ = false;
  };

  result<std::unique_ptr<unit_of_work>> begin() override { return errc::internal; }
  result<std::unique_ptr<store_batch>> begin_batch() override {
    log("batch");
    return std::unique_ptr<store_batch>(std::make_unique<recorded_batch>(*this));
  }
  result<std::unique_ptr<store_batch>> begin_rotation_batch(std::span<const rotation_key> rotations) override {
    std::string entry = "rotations";
    for (const auto& key : rotations) entry += " " + key.application_id + "/" + std::to_string(key.audit_chain);
    log(entry);
    return std::unique_ptr<store_batch>(std::make_unique<recorded_batch>(*this));
  }
  void log(std::string entry) {
    std::lock_guard lock(mutex);
    entries.push_back(std::move(entry));
  }
  std::mutex mutex;
  std::vector<std::string> entries;
};

// With several threads (PostgreSQL: one per pooled connection) jobs run at the same time: two
// jobs that each wait for the other both finish. On one thread they could not.
TEST(StorageExecutor, SeveralThreadsRunJobsAtOnce) {
  const auto both_running = [](std::size_t threads) {
    batch_recorder unused;
    storage_executor executor(100, unused, batching_policy::unbatched(threads));
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
  EXPECT_THROW(storage_executor(100, store, {batching_policy::kind::every_job, 2, 256}), std::invalid_argument);
  storage_executor one(100, store, batching_policy::group_commit(256));
  one.stop();
}

// run() answers one flat result: a job's own result<T> as it is (its error too), a plain value
// wrapped, and errc::service_unavailable for a job refused by admission control.
TEST(StorageExecutor, RunAnswersTheJobsResultFlatAndUnavailableWhenRefused) {
  batch_recorder unused;
  storage_executor open(10, unused);
  storage_executor full(0, unused);  // admits nothing
  asio::io_context io;
  std::vector<std::string> seen;
  const auto describe = [](const auto& r) { return r ? std::string("value") : r.error().message(); };
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        const result<int> plain = co_await open.run([] { return 7; });
        seen.push_back(plain ? std::to_string(*plain) : "error");
        const result<int> failed = co_await open.run([]() -> result<int> { return errc::conflict; });
        seen.push_back(failed.error() == make_error_code(errc::conflict) ? "conflict" : describe(failed));
        const result<void> nothing = co_await open.run([] {});
        seen.push_back(describe(nothing));
        const result<int> refused = co_await full.run([] { return 1; });
        seen.push_back(refused.error() == make_error_code(errc::service_unavailable) ? "unavailable" : "?");
      },
      asio::detached);
  io.run();
  EXPECT_EQ(seen, (std::vector<std::string>{"7", "conflict", "value", "unavailable"}));
}

// Rotations only: a run of waiting rotations is one rotation batch, with every job's key; any
// other job runs on its own, outside a batch, and ends the run.
TEST(StorageExecutor, RotationsOnlyBatchesRunsOfRotations) {
  batch_recorder store;
  storage_executor executor(100, store, batching_policy::rotation_batches(1, 16));
  asio::io_context io;
  std::atomic<bool> all_queued = false;
  const auto job = [&](std::string name) {
    return [&store, name] {
      store.log("run " + name);
      return 0;
    };
  };
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await executor.run([&] {  // holds the thread until the rest wait
          while (!all_queued.load()) std::this_thread::yield();
          return 0;
        });
      },
      asio::detached);
  for (const std::string name : {"a", "b"}) {
    asio::co_spawn(
        io,
        [&, name]() -> asio::awaitable<void> {
          const rotation_key key{name, "rotate", "T", 7};
          co_await executor.run_rotation(key, job(name));
        },
        asio::detached);
  }
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { co_await executor.run(job("plain")); }, asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        const rotation_key key{"d", "rotate", "T", 1};
        all_queued = true;
        co_await executor.run_rotation(key, job("d"));
      },
      asio::detached);
  io.run();
  EXPECT_EQ(store.entries, (std::vector<std::string>{"rotations a/7 b/7", "run a", "run b", "end", "run plain",
                                                     "rotations d/1", "run d", "end"}));
}

// A job that takes a unit_source& is given where its units of work come from: the batch it runs
// in (group commit, or a rotation batch), or the store itself when it runs on its own.
TEST(StorageExecutor, JobsAreGivenTheBatchTheyRunIn) {
  batch_recorder store;
  asio::io_context io;
  std::vector<std::string> seen;
  const auto where = [&store](unit_source& units) {
    return &units == static_cast<unit_source*>(&store) ? std::string("store") : std::string("batch");
  };
  storage_executor unbatched(10, store);
  storage_executor grouped(10, store, batching_policy::group_commit(8));
  storage_executor rotations(10, store, batching_policy::rotation_batches(1, 8));
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        seen.push_back(*co_await unbatched.run(where));
        seen.push_back(*co_await grouped.run(where));
        seen.push_back(*co_await rotations.run(where));
        const rotation_key key{"a", "rotate", "T", 1};
        seen.push_back(*co_await rotations.run_rotation(key, where));
      },
      asio::detached);
  io.run();
  EXPECT_EQ(seen, (std::vector<std::string>{"store", "batch", "store", "batch"}));
}

}  // namespace
}  // namespace rekey::runtime
